"""Charts show numbers in the reader's language; coordinates stay machine numbers."""

from django.utils import translation

from superteam.core.charts import bar_chart, line_chart, meter


def test_bar_values_are_written_the_way_the_language_writes_numbers():
    items = [("Kesehatan", 88.14), ("Pendidikan", 40.0)]
    with translation.override("id"):
        html = str(bar_chart(items, title="Kepatuhan", max_value=100, suffix="%"))
    assert "88,1%" in html and "40%" in html
    assert 'style="width:88.1%"' in html  # CSS keeps the decimal point
    with translation.override("en"):
        html = str(bar_chart(items, title="Compliance", max_value=100, suffix="%"))
    assert "88.1%" in html and "40%" in html


def test_chart_values_round_half_up_as_the_tables_do():
    with translation.override("en"):
        html = str(bar_chart([("Dinas Koperasi", 24.95), ("Kabat", 19.95)], title="x"))
    assert ">25<" in html or "25%" in html or ">25</span>" in html
    assert "20</span>" in html and "24.9" not in html and "19.9" not in html


def test_line_and_meter_texts_follow_the_language_and_svg_numbers_do_not():
    points = [("W1", 12.5), ("W2", 20.4)]
    with translation.override("id"):
        svg = str(line_chart(points, title="Skor"))
        bar = str(meter(72.5, label=""))
    assert "W1: 12,5" in svg and "W2: 20,4" in svg
    assert 'points="' in svg and "," in svg.split('points="')[1].split('"')[0]
    assert 'aria-valuenow="72.5"' in bar and 'aria-label="72,5"' in bar

"""Articles started from an innovation or a verified report; the portal's showcase and
public leaderboard (read through those apps' services)."""

import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from superteam.news import services
from superteam.news.models import Article, ArticleStatus
from superteam.reports.services import process_photo, regency_today, verify_report
from tests.innovations import factories as innovation_factories
from tests.news.conftest import make_article
from tests.reports.helpers import jpeg, pustu_gps, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_report(newsroom):
    day = regency_today(newsroom.regency)
    result = submit(newsroom, day, photos=[jpeg(1, day=day, gps=pustu_gps(newsroom))])
    for photo in result.report.photos.all():
        process_photo(photo_id=photo.pk)
    return result.report


def test_start_an_article_from_a_verified_report(client, newsroom, verified_report):
    with pytest.raises(ValidationError):  # not verified yet
        services.start_article_from(source=verified_report, editor=newsroom.editor)
    verified_report = verify_report(
        report=verified_report, verifier=newsroom.verifier, decision="approved"
    )
    client.force_login(newsroom.editor)
    response = client.post(
        reverse("news:start_from"), {"source": "report", "pk": verified_report.pk}
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("news:article_edit", kwargs={"pk": article.pk})
    assert article.status == ArticleStatus.DRAFT and article.source_report == verified_report
    assert article.title_id == verified_report.title
    assert "Dusun Krajan" in article.body_id
    assert article.author_unit == newsroom.pustu
    assert list(article.clusters.all()) == [newsroom.cluster]  # the pustu's puskesmas's cluster
    # The cover is made from the report's public derivative: no EXIF, no GPS.
    with open(article.cover.path, "rb") as fh:
        data = fh.read()
    assert b"Exif" not in data
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    # One action, once: asking again opens the same draft.
    again = services.start_article_from(source=verified_report, editor=newsroom.editor)
    assert again.pk == article.pk and Article.objects.count() == 1


def test_start_an_article_from_a_public_innovation(client, newsroom):
    from superteam.innovations.models import Stage

    trial = innovation_factories.innovation(
        newsroom.puskesmas, newsroom.head, title="Uji coba", stage=Stage.UJI_COBA
    )
    with pytest.raises(ValidationError):
        services.start_article_from(source=trial, editor=newsroom.editor)
    rolled_out = innovation_factories.innovation(newsroom.puskesmas, newsroom.head)
    client.force_login(newsroom.editor)
    page = client.get(reverse("news:start_from")).content.decode()
    assert "Jemput Bola Lansia" in page and "Uji coba" not in page
    client.post(reverse("news:start_from"), {"source": "innovation", "pk": rolled_out.pk})
    article = Article.objects.get(source_innovation=rolled_out)
    assert article.title_id == "Jemput Bola Lansia"
    assert "## Masalah" in article.body_id and "<h2>Masalah</h2>" in article.body_html_id
    assert list(article.innovations.all()) == [rolled_out]
    # Once published, the article shows on the innovation's news page and in the showcase.
    article = services.save_article(
        regency=newsroom.regency,
        editor=newsroom.editor,
        article=article,
        data={"title_en": "Home visits for the elderly", "body_en": "Staff visit residents."},
    )
    services.submit_for_review(article=article, editor=newsroom.editor)
    services.publish_article(article=article, reviewer=newsroom.reviewer)
    client.logout()
    for language in ("id", "en"):
        listing = client.get(f"/{language}/innovations/{rolled_out.pk}/")
        assert listing.status_code == 200
        showcase = client.get(f"/{language}/innovations/").content.decode()
        assert "Jemput Bola Lansia" in showcase and "Uji coba" not in showcase
        assert f"/{language}/innovations/{rolled_out.pk}/" in showcase  # "1 news article"
    assert (
        "Home visits for the elderly"
        in client.get(f"/en/innovations/{rolled_out.pk}/").content.decode()
    )
    assert client.get(f"/id/innovations/{trial.pk}/").status_code == 404


def test_public_leaderboard_shows_published_scores_only(client, newsroom):
    from superteam.scoring import services as scoring

    for language in ("id", "en"):
        page = client.get(f"/{language}/leaderboard/")
        assert page.status_code == 200
    assert (
        "Belum ada peringkat yang diterbitkan." in client.get("/id/leaderboard/").content.decode()
    )
    innovation_factories.innovation(newsroom.dinkes, newsroom.head)
    model = scoring.current_model(regency=newsroom.regency)
    scoring.recompute_regency(regency=newsroom.regency, model=model)
    # Live scores exist, but nothing is public before a snapshot is published.
    assert "Dinas Kesehatan" not in client.get("/id/leaderboard/").content.decode()
    scoring.publish_snapshot(regency=newsroom.regency, actor=newsroom.admin)
    cache.delete(f"news:teaser-state:{newsroom.regency.pk}")  # what 15 seconds would do
    for language in ("id", "en"):
        html = client.get(f"/{language}/leaderboard/?family=agencies").content.decode()
        assert "Dinas Kesehatan" in html
    # The movement column is "Perubahan" (a change), not the meetings' button "Ubah".
    assert "<th>Perubahan</th>" in client.get("/id/leaderboard/?family=agencies").content.decode()
    home = client.get("/en/").content.decode()
    assert "Innovation leaderboard" in home and "Dinas Kesehatan" in home
    assert client.get("/en/leaderboard/?family=agencies&page=9").status_code == 404
    # When local signals are weighed in, the rank follows that figure: the board shows it
    # (and says so) beside the index, and the chart draws it, so ranks and numbers agree.
    from decimal import Decimal

    from superteam.scoring.models import ScoringModel, SnapshotRow

    row = SnapshotRow.objects.select_related("snapshot").get(
        unit=newsroom.dinkes, family="agencies"
    )
    # As a published model weighing daily-report compliance in (25 %) would have made it.
    ScoringModel.objects.filter(pk=row.snapshot.model_id).update(weight_compliance=25)
    SnapshotRow.objects.filter(pk=row.pk).update(final=row.score + Decimal("7.25"))
    blended = client.get("/en/leaderboard/?family=agencies").content.decode()
    shown = f"{row.score + Decimal('7.25'):.2f}"
    assert "With local signals" in blended and shown in blended
    assert "Ranked by the index with local signals" in blended
    assert f"{row.score:.2f}" in blended  # the index stays beside it


def test_article_page_links_its_innovations(client, newsroom):
    innovation = innovation_factories.innovation(newsroom.puskesmas, newsroom.head)
    article = make_article(newsroom.regency, innovations=[innovation])
    html = client.get(article.url_in("en")).content.decode()
    assert f"/en/innovations/{innovation.pk}/" in html

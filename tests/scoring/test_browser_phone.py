"""The boards on a phone (390 px): readable without zooming, the page never sideways."""

import pytest

from superteam.scoring import services
from tests.conftest import sign_in_browser
from tests.innovations import factories as fi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Dinas Pemberdayaan Masyarakat, Perempuan dan Perlindungan Anak Kabupaten"


def test_the_boards_read_on_a_phone(live_server, personas, phone_context, private_media):
    p = personas
    p.other_dinas.name = LONG_NAME
    p.other_dinas.save(update_fields=["name"])
    for unit, level in ((p.dinkes, 3), (p.other_dinas, 2)):
        inn = fi.innovation(unit, p.head, title=f"Inovasi {unit.code}")
        fi.accepted(unit, p.staff, p.verifier, "regulasi", level, innovation=inn)
    services.publish_snapshot(regency=p.regency, actor=p.admin)
    page = phone_context.new_page()
    page.set_default_timeout(60000)  # a busy machine serves the first pages slowly
    sign_in_browser(page, live_server, p.head.username)
    for path in ("/scoring/public/", "/scoring/?family=agencies"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        # Every index and rank is on one line, and the unit names break between words
        # only (they were squeezed to a letter a line: "3 / 1 / , / 5 / 1").
        cells = page.locator("table.board tbody td.num")
        assert cells.count() > 0
        for i in range(cells.count()):
            # The height of the cell's text (not of the cell, which is the row's): one line.
            height, font = cells.nth(i).evaluate(
                "e => { const r = document.createRange(); r.selectNodeContents(e);"
                " return [r.getBoundingClientRect().height,"
                " parseFloat(getComputedStyle(e).fontSize)]; }"
            )
            assert height < 2.2 * font, (path, cells.nth(i).inner_text(), height)
        name = page.locator("table.board tbody th[scope=row]", has_text="Pemberdayaan")
        width = name.evaluate("e => e.getBoundingClientRect().width")
        assert width >= 100, width  # wide enough for a word, not a letter

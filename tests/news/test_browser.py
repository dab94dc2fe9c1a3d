"""Every public page renders in both languages on a phone (real Chromium, 390 px wide)."""

import pytest

from superteam.news.models import Subscriber, Tag
from superteam.news.services import confirmation_token
from tests.innovations.factories import innovation as make_innovation
from tests.news.conftest import make_article, make_subscriber, photo_with_exif

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def public_paths(newsroom) -> dict[str, str]:
    r = newsroom.regency
    innovation = make_innovation(newsroom.puskesmas, newsroom.head)
    article = make_article(
        r,
        title_id="Puskesmas jemput bola lansia",
        title_en="Health centres visit the elderly",
        clusters=[newsroom.cluster],
        kecamatan=[newsroom.genteng],
        new_tags=["lansia"],
        innovations=[innovation],
        cover=photo_with_exif(),
        body_id="Petugas **puskesmas** datang ke rumah.\n\n- tensi\n- gula darah",
        body_en="Staff of the **health centre** visit homes.\n\n- blood pressure\n- blood sugar",
    )
    only_id = make_article(r, title_id="Rakor klaster pendidikan", title_en="")
    subscriber = make_subscriber(r, email="ponsel@example.org")
    pending = Subscriber.objects.create(
        regency=r, email="tunggu@example.org", key="k" * 43, status="pending"
    )
    tag = Tag.objects.get(slug="lansia")
    return {
        "home": "",
        "archive": "news/",
        "article": f"news/{article.slug}/",
        "fallback": f"news/{only_id.slug}/",
        "tag": f"tag/{tag.slug}/",
        "cluster": f"cluster/{newsroom.cluster.code}/",
        "kecamatan": "kecamatan/kec-genteng/",
        "search": "search/?q=lansia",
        "showcase": "innovations/",
        "innovation": f"innovations/{innovation.pk}/",
        "leaderboard": "leaderboard/",
        "subscribe": "subscribe/",
        "subscribe_sent": "subscribe/check-your-inbox/",
        "confirm": f"subscribe/confirm/{confirmation_token(pending)}/",
        "manage": f"subscription/{subscriber.key}/",
        "unsubscribe": f"unsubscribe/{subscriber.key}/",
    }


def test_every_public_page_in_both_languages_on_a_phone(live_server, newsroom, phone_context):
    paths = public_paths(newsroom)
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for language in ("id", "en"):
        for name, path in paths.items():
            response = page.goto(f"{live_server.url}/{language}/{path}")
            assert response.status == 200, (language, name)
            assert page.locator("html").get_attribute("lang") == language, (language, name)
            assert page.locator("h1").first.is_visible(), (language, name)
            # Mobile-first: nothing wider than the phone (wide tables scroll inside).
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 391, (language, name, width)
            # The visible language switch on every page, pointing at this page.
            other = "en" if language == "id" else "id"
            switch = page.locator(f".portal-languages a[hreflang={other}]")
            assert switch.is_visible(), (language, name)
            assert switch.get_attribute("href").startswith(f"/{other}/")
    assert errors == []
    # Fallback: the English page of an Indonesian-only article says so.
    page.goto(f"{live_server.url}/en/{paths['fallback']}")
    assert page.locator(".news-notice").inner_text().startswith("This article is not yet available")


def test_read_switch_language_and_subscribe_on_a_phone(live_server, newsroom, phone_context):
    make_article(
        newsroom.regency,
        title_id="Smart Kampung layani warga",
        title_en="Smart Kampung serves residents",
    )
    page = phone_context.new_page()
    page.goto(f"{live_server.url}/id/")
    assert "Kumpulan Berita Terkini Seputar" in page.locator(".portal-kicker").inner_text()
    page.click("text=Smart Kampung layani warga")
    page.wait_for_selector("h1:has-text('Smart Kampung layani warga')")
    page.click(".portal-languages a[hreflang=en]")
    page.wait_for_selector("h1:has-text('Smart Kampung serves residents')")
    assert "/en/news/" in page.url
    page.fill("#side-email", "pembaca.ponsel@example.org")
    page.click(".portal-subscribe button[type=submit]")
    page.wait_for_selector("h1:has-text('Check your inbox')")
    subscriber = Subscriber.objects.get(email="pembaca.ponsel@example.org")
    assert subscriber.language == "en" and subscriber.status == "pending"

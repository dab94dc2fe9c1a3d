"""The newsroom: who edits and who publishes (by position), the workflow through the pages,
previews in both languages, counts and the send log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from superteam.core.permissions import actor_for, can
from superteam.ledger.models import Entry
from superteam.news import services
from superteam.news.models import Article, ArticleStatus, Dispatch
from superteam.org.models import PositionLevel
from tests import factories as f
from tests.news.conftest import make_article, make_subscriber, photo_with_exif

pytestmark = pytest.mark.django_db


def test_editors_and_reviewers_follow_positions(newsroom, settings):
    r = newsroom.regency
    kadis = f.holder(newsroom.diskominfo, PositionLevel.HEAD, title="Kepala Diskominfo")
    expectations = {
        "editor": (True, False),
        "reviewer": (True, True),
        "admin": (True, True),
        "regent": (False, False),
        "head": (False, False),  # head of the health office
        "staff": (False, False),
        "verifier": (False, False),
        "outsider": (False, False),
    }
    for role, (edits, reviews) in expectations.items():
        person = getattr(newsroom, role)
        assert can(actor_for(person), "news.edit", r) is edits, role
        assert can(actor_for(person), "news.review", r) is reviews, role
    assert can(actor_for(kadis), "news.review", r)  # heads the unit above the bidang
    assert not can(actor_for(None), "news.edit", r)
    other = f.regency()
    assert not can(actor_for(newsroom.reviewer), "news.edit", other)
    # Which units edit is a setting: moved elsewhere, the bidang loses the newsroom.
    settings.NEWS_EDITOR_UNITS = ["BAG-PROKOPIM"]
    assert not can(actor_for(newsroom.editor), "news.edit", r)
    assert can(actor_for(newsroom.admin), "news.edit", r)


def test_write_translate_review_and_publish_through_the_pages(client, newsroom):
    client.force_login(newsroom.editor)
    response = client.post(
        reverse("news:article_new"),
        {
            "title_id": "Pustu Genteng Wetan kunjungi lansia",
            "summary_id": "Kunjungan rumah pertama.",
            "body_id": "Petugas **pustu** datang ke rumah warga.",
            "cover_alt_id": "Perawat memeriksa tensi",
            "author_unit": newsroom.puskesmas.pk,
            "clusters": [newsroom.cluster.pk],
            "kecamatan": [newsroom.genteng.pk],
            "new_tags": "lansia, jemput bola",
            "cover_upload": photo_with_exif(),
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "news:article_edit", kwargs={"pk": article.pk}
    )
    assert article.status == ArticleStatus.DRAFT and article.cover
    assert sorted(article.tags.values_list("slug", flat=True)) == ["jemput-bola", "lansia"]
    # Translate later: the English fields are added to the same article.
    edit = reverse("news:article_edit", kwargs={"pk": article.pk})
    data = {
        "title_id": article.title_id,
        "summary_id": article.summary_id,
        "body_id": article.body_id,
        "title_en": "Genteng Wetan health post visits the elderly",
        "summary_en": "First home visits.",
        "body_en": "Staff of the **post** visit residents at home.",
        "author_unit": newsroom.puskesmas.pk,
        "clusters": [newsroom.cluster.pk],
        "kecamatan": [newsroom.genteng.pk],
        "tags": list(article.tags.values_list("pk", flat=True)),
    }
    assert client.post(edit, data).status_code == 302
    article.refresh_from_db()
    assert article.languages == ["id", "en"] and article.cover  # the cover stays
    for language, text in (("id", "Pratinjau"), ("en", "Staff of the <strong>post</strong>")):
        preview = client.get(
            reverse("news:article_preview", kwargs={"pk": article.pk, "language": language})
        )
        assert preview.status_code == 200 and text in preview.content.decode()
    action = reverse("news:article_action", kwargs={"pk": article.pk})
    client.post(action, {"action": "submit"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
    assert client.post(action, {"action": "publish"}).status_code == 403  # editors don't publish
    client.force_login(newsroom.reviewer)
    client.post(action, {"action": "publish"})
    article.refresh_from_db()
    assert article.is_public()
    kinds = list(Entry.objects.filter(subject_id=str(article.pk)).values_list("kind", flat=True))
    assert kinds == ["news.article_submitted", "news.article_published"]
    client.logout()
    assert client.get(article.url_in("en")).status_code == 200
    # Published: only a reviewer may correct it.
    client.force_login(newsroom.editor)
    assert client.post(edit, {**data, "title_en": "Changed"}).status_code == 403
    client.force_login(newsroom.reviewer)
    assert client.post(edit, {**data, "title_en": "Corrected title"}).status_code == 302
    assert Entry.objects.filter(kind="news.article_corrected").count() == 1
    client.logout()
    assert "Corrected title" in client.get(article.url_in("en")).content.decode()


def test_reviewer_schedules_or_returns_with_a_note(client, newsroom):
    article = make_article(newsroom.regency, status=ArticleStatus.REVIEW, editor=newsroom.editor)
    client.force_login(newsroom.reviewer)
    action = reverse("news:article_action", kwargs={"pk": article.pk})
    client.post(action, {"action": "return", "note": "Lengkapi terjemahan."})
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and article.review_note == "Lengkapi terjemahan."
    client.force_login(newsroom.editor)
    page = client.get(reverse("news:article_edit", kwargs={"pk": article.pk})).content.decode()
    assert "Lengkapi terjemahan." in page
    services.submit_for_review(article=article, editor=newsroom.editor)
    client.force_login(newsroom.reviewer)
    past = timezone.localtime() - datetime.timedelta(days=1)
    response = client.post(
        action, {"action": "publish", "publish_at": past.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    assert "Pilih waktu yang akan datang" in response.content.decode()
    later = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        action, {"action": "publish", "publish_at": later.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    article.refresh_from_db()
    assert article.is_scheduled and not article.is_public()
    assert "Terjadwal" in response.content.decode()
    dashboard = client.get(reverse("news:editor") + "?status=scheduled").content.decode()
    assert article.title_id in dashboard


def test_bad_article_input_is_refused_and_keeps_what_was_typed(client, newsroom):
    client.force_login(newsroom.editor)
    response = client.post(
        reverse("news:article_new"), {"summary_id": "Ringkasan tanpa judul", "body_en": "Text"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Beri judul berita setidaknya dalam satu bahasa." in html
    assert "Ringkasan tanpa judul" in html
    assert not Article.objects.exists()
    empty = make_article(newsroom.regency, status=ArticleStatus.DRAFT, title_id="Hanya judul")
    Article.objects.filter(pk=empty.pk).update(body_id="")
    response = client.post(
        reverse("news:article_action", kwargs={"pk": empty.pk}), {"action": "submit"}, follow=True
    )
    assert "Tulis judul dan isi berita" in response.content.decode()
    assert Article.objects.get(pk=empty.pk).status == ArticleStatus.DRAFT


def test_newsroom_pages_show_counts_and_log_in_constant_queries(
    client, newsroom, django_assert_max_num_queries
):
    r = newsroom.regency
    for i in range(3):
        make_article(
            r, status=[ArticleStatus.DRAFT, ArticleStatus.REVIEW, ArticleStatus.PUBLISHED][i]
        )
    for i in range(4):
        make_subscriber(r, language="en" if i % 2 else "id", topics=[newsroom.cluster] if i else [])
    services.send_digest(regency=r, frequency="immediate")
    client.force_login(newsroom.editor)
    pages = [reverse("news:editor"), reverse("news:subscribers"), reverse("news:send_log")]
    counts = []
    for page in pages:
        with django_assert_max_num_queries(25) as queries:
            response = client.get(page)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    subscribers = client.get(pages[1]).content.decode()
    assert "Kesehatan" in subscribers and "pembaca" not in subscribers  # counts, no addresses
    log = client.get(pages[2]).content.decode()
    assert "p•••@example.org" in log and "@example.org" not in log.replace("p•••@example.org", "")
    for _ in range(10):
        make_article(r)
        make_subscriber(r)
    services.send_digest(regency=r, frequency="immediate")
    assert Dispatch.objects.count() > 10
    for page, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(page).status_code == 200

"""The newsroom: who edits and who publishes (by position), the workflow through the pages,
previews in both languages, counts and the send log."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from superteam.core.permissions import actor_for, can
from superteam.ledger.models import Entry
from superteam.news import services
from superteam.news.models import Article, ArticleStatus, Dispatch, SendRun
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


def test_returning_to_draft_needs_a_note(client, newsroom):
    """The editors must learn why their article came back: without a note nothing changes."""
    article = make_article(newsroom.regency, status=ArticleStatus.REVIEW, editor=newsroom.editor)
    client.force_login(newsroom.reviewer)
    action = reverse("news:article_action", kwargs={"pk": article.pk})
    for note, language, expected in [
        ("", "en", "Write a note for the editors: say why the article goes back to draft."),
        (
            "   \n ",
            "id",
            "Tulis catatan untuk redaksi: sebutkan mengapa berita dikembalikan menjadi draf.",
        ),
    ]:
        with translation.override(language):
            action = reverse("news:article_action", kwargs={"pk": article.pk})
        response = client.post(action, {"action": "return", "note": note}, follow=True)
        html = response.content.decode()
        assert expected in html
        assert "Returned to the editors" not in html and "Dikembalikan ke redaksi" not in html
        article.refresh_from_db()
        assert article.status == ArticleStatus.REVIEW and article.review_note == ""
    assert not Entry.objects.filter(kind="news.article_returned").exists()
    with pytest.raises(ValidationError):
        services.return_to_draft(article=article, reviewer=newsroom.reviewer, note=" ")
    # The form says so before sending, and a note sends it back.
    with translation.override("en"):
        page = client.get(reverse("news:article_edit", kwargs={"pk": article.pk})).content.decode()
    assert "Required: say what the editors should change." in page
    assert re.search(r'<textarea name="note"[^>]* required', page)
    client.post(action, {"action": "return", "note": "Foto belum ada keterangannya."})
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.review_note == "Foto belum ada keterangannya."
    assert Entry.objects.filter(kind="news.article_returned").count() == 1


def test_scheduled_article_says_so_with_its_time(client, newsroom):
    """The edit page of a scheduled article shows "Scheduled for <time>" (not "Published"),
    like the dashboard, in the named short formats of each language."""
    r = newsroom.regency
    when = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=3), datetime.time(9, 5)
        )
    )
    article = make_article(r, status=ArticleStatus.REVIEW, editor=newsroom.editor)
    client.force_login(newsroom.reviewer)
    with translation.override("en"):
        action = reverse("news:article_action", kwargs={"pk": article.pk})
    response = client.post(
        action, {"action": "publish", "publish_at": when.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    article.refresh_from_db()
    assert article.is_scheduled
    with translation.override("en"):
        en_time = date_format(when, "j M Y, H:i")  # e.g. "15 Jul 2026, 09:05"
    html = response.content.decode()
    assert f"Scheduled: the article appears on {en_time}." in html
    assert f"Scheduled for {en_time}" in html
    assert 'class="badge ok"' not in html
    translation.activate("id")  # the request to /en/ left English active
    page = client.get(reverse("news:article_edit", kwargs={"pk": article.pk})).content.decode()
    assert f"Terjadwal terbit {when:%d-%m-%Y} 9.05" in page  # Indonesian: "d-m-Y G.i"
    assert ">Terbit</span>" not in page
    assert client.get(article.url_in("en")).status_code == 404  # not public before its time
    translation.activate("id")
    dashboard = client.get(reverse("news:editor")).content.decode()
    assert '<span class="badge info">Terjadwal</span>' in dashboard
    # Once its time has come it is published, on both pages.
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    page = client.get(reverse("news:article_edit", kwargs={"pk": article.pk})).content.decode()
    assert '<span class="badge ok">Terbit</span>' in page


def test_english_newsroom_dates_use_the_named_short_formats(client, newsroom):
    """The send log, the digest runs and the dashboard read "12 Jul 2026, 23:45" in English,
    never the month-first "07/12/2026 11:45 p.m."."""
    r = newsroom.regency
    subscriber = make_subscriber(r, email="pembaca@example.org")
    moment = timezone.make_aware(datetime.datetime(2026, 7, 12, 23, 45))
    Dispatch.objects.create(regency=r, subscriber=subscriber, kind="digest", claimed_at=moment)
    SendRun.objects.create(regency=r, frequency="immediate", started_at=moment)
    article = make_article(r, status=ArticleStatus.DRAFT, editor=newsroom.editor)
    Article.objects.filter(pk=article.pk).update(updated_at=moment)
    client.force_login(newsroom.reviewer)
    with translation.override("en"):
        pages = [reverse("news:send_log"), reverse("news:editor")]
    for path in pages:
        html = client.get(path).content.decode()
        assert "12 Jul 2026, 23:45" in html
        assert not re.search(r"\d\d/\d\d/\d{4}|p\.m\.|a\.m\.", html)

"""The ledger pages and API for verifiers, the regent and admins; the public checkpoints."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from superteam.api.services import issue_token
from superteam.ledger.models import Checkpoint, Entry, Verification
from superteam.ledger.services import record

pytestmark = pytest.mark.django_db


def fill(regency, n):
    for i in range(n):
        record(
            regency=regency, kind="agreements.signed" if i % 2 else "test.event", payload={"i": i}
        )


def test_the_ledger_page_is_constant_in_queries_and_pages_by_entry_number(personas, client):
    client.force_login(personas.verifier)
    fill(personas.regency, 3)
    url = reverse("ledger:index")
    client.get(url)  # once before: one-off work of a first request is not the page's cost
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    fill(personas.regency, 120)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert len(small) == len(large)
    assert "#123" in page and "#73" not in page  # the newest 50
    older = client.get(url + "?before=74").content.decode()
    assert "#73" in older and "#74" not in older
    only = client.get(url + "?kind=agreements.").content.decode()
    assert "test.event" not in only.split("<h2>Entri</h2>")[-1]


def test_an_entry_shows_what_its_hash_covers(personas, client):
    fill(personas.regency, 2)
    client.force_login(personas.regent)
    page = client.get(reverse("ledger:entry", args=[2])).content.decode()
    entry = Entry.objects.get(regency=personas.regency, seq=2)
    assert entry.hash in page and entry.prev_hash in page and "&quot;seq&quot;: 2" in page


def test_an_entry_checks_itself_for_the_auditor(personas, client):
    """The page an auditor opens from "first broken entry" says what is wrong with it:
    content that no longer gives its hash, or a link to an entry before that was changed."""
    fill(personas.regency, 4)
    client.force_login(personas.verifier)

    def page(seq):
        return client.get(reverse("ledger:entry", args=[seq])).content.decode()

    assert "Entri ini utuh" in page(3) and "Diubah:" not in page(3)
    Entry.objects.filter(regency=personas.regency, seq=3).update(payload={"i": 99})
    altered = page(3)
    assert "Diubah: isi entri ini tidak lagi menghasilkan hash" in altered
    assert "Entri ini utuh" not in altered and "Hash isi saat ini" in altered
    assert "Terputus:" not in altered
    # An intruder who also fixes entry 3's hash leaves entry 4 pointing at the old one.
    entry = Entry.objects.get(regency=personas.regency, seq=3)
    Entry.objects.filter(pk=entry.pk).update(hash="e" * 64)
    unlinked = page(4)
    assert "Terputus: hash entri sebelumnya" in unlinked and "Diubah:" not in unlinked
    assert "Entri ini utuh" in page(1)


def test_verify_now_and_sign_a_checkpoint_from_the_page(personas, client):
    fill(personas.regency, 4)
    client.force_login(personas.verifier)
    response = client.post(reverse("ledger:verify"), follow=True)
    assert "Rantai utuh: 4 entri diperiksa" in response.content.decode()
    client.post(reverse("ledger:checkpoint"))
    assert Checkpoint.objects.get(regency=personas.regency).seq == 4
    Entry.objects.filter(regency=personas.regency, seq=3).update(kind="test.forged")
    response = client.post(reverse("ledger:verify"), follow=True)
    page = response.content.decode()
    assert "Rantai rusak pada entri #3: isinya diubah" in page
    assert "Entri rusak pertama: #3." in page
    assert Verification.objects.filter(ok=False).count() == 1


def test_published_checkpoints_are_public_json(personas, client):
    fill(personas.regency, 2)
    client.force_login(personas.admin)
    client.post(reverse("ledger:checkpoint"))
    client.logout()
    data = client.get(reverse("ledger:published"), {"regency": personas.regency.code}).json()
    assert data["regency"]["code"] == personas.regency.code
    assert data["checkpoints"][0]["seq"] == 2 and data["installation_key"]
    api = client.get(f"/api/ledger/checkpoints?regency={personas.regency.code}").json()
    assert api["checkpoints"] == data["checkpoints"]


def test_the_api_for_verifiers(personas, client):
    _t, raw = issue_token(person=personas.verifier, name="t")
    headers = {"Authorization": f"Bearer {raw}"}
    before = client.get("/api/ledger/head", headers=headers).json()["entries"]
    fill(personas.regency, 5)
    assert client.get("/api/ledger/head", headers=headers).json()["entries"] == before + 5
    rows = client.get(f"/api/ledger/entries?after={before + 2}&limit=2", headers=headers).json()
    assert [r["seq"] for r in rows] == [before + 3, before + 4]
    assert client.post("/api/ledger/verify", headers=headers).json()["ok"] is True
    _t, staff = issue_token(person=personas.staff, name="t")
    assert (
        client.get("/api/ledger/head", headers={"Authorization": f"Bearer {staff}"}).status_code
        == 403
    )


def test_entries_say_what_happened_in_words_with_the_code_beside(personas, client, settings):
    record(regency=personas.regency, kind="reports.submitted", payload={})
    record(regency=personas.regency, kind="news.digest_sent", payload={})
    record(regency=personas.regency, kind="test.event", payload={})  # a kind with no label
    client.force_login(personas.regent)
    page = client.get(reverse("ledger:index")).content.decode()
    rows = page.split("<tbody>")[-1]
    assert "Laporan dikirim<br><small><code>reports.submitted</code></small>" in rows
    assert "Rangkuman berita dikirim ke pelanggan" in rows
    assert "test.event<br><small><code>test.event</code></small>" in rows
    entry = client.get(reverse("ledger:entry", args=[1])).content.decode()
    assert "Laporan dikirim <small><code>reports.submitted</code></small>" in entry
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("ledger:index")).content.decode()
    assert "Report submitted<br><small><code>reports.submitted</code></small>" in page
    assert "News digest emailed to subscribers" in page


def test_the_filter_chooses_an_app_or_an_event_and_old_links_still_work(personas, client):
    for kind in ("agreements.realisation", "agreements.realisation_corrected", "reports.verified"):
        record(regency=personas.regency, kind=kind, payload={})
    client.force_login(personas.verifier)
    url = reverse("ledger:index")

    def shown(query):
        page = client.get(url + query).content.decode()
        return page, set(re.findall(r"<code>([a-z_.]+)</code></small>", page))

    page, kinds = shown("")
    assert kinds == {
        "agreements.realisation",
        "agreements.realisation_corrected",
        "reports.verified",
    }
    assert 'placeholder="agreements."' not in page
    assert '<optgroup label="Perjanjian kinerja">' in page
    assert '<option value="agreements.">Perjanjian kinerja: semua peristiwa</option>' in page
    assert '<option value="reports.verified">Laporan diperiksa verifikator' in page
    page, kinds = shown("?kind=agreements.")
    assert kinds == {"agreements.realisation", "agreements.realisation_corrected"}
    assert '<option value="agreements." selected>' in page
    # One event chosen: that event only, not every kind it is the start of.
    page, kinds = shown("?kind=agreements.realisation")
    assert kinds == {"agreements.realisation"}
    assert '<option value="agreements.realisation" selected>Nilai realisasi diisi' in page
    # An older link's free text still matches the start of the kind, and the filter says so.
    page, kinds = shown("?kind=agreements.real")
    assert kinds == {"agreements.realisation", "agreements.realisation_corrected"}
    assert "Peristiwa yang diawali “agreements.real”" in page


def test_the_checkpoint_card_speaks_to_people_and_gives_admins_the_command(personas, client):
    client.force_login(personas.regent)
    page = client.get(reverse("ledger:index")).content.decode()
    card = page.split("<h2>Titik periksa bertanda tangan</h2>")[1].split("</section>")[0]
    assert "Setiap malam sistem menandatangani jumlah entri" in card
    assert "BERKAS" not in card and "FILE" not in card
    admin = card.split("<details>")[1]
    assert "Untuk administrator sistem" in admin
    command = (
        f"manage.py verify_ledger --checkpoint ledger-checkpoints-{personas.regency.code}.json"
    )
    assert command in admin and "verify_ledger" not in card.split("<details>")[0]


def test_the_subject_is_named_not_coded(personas, client, settings):
    """The subject column showed "org.unit:7"; it names the kind of record, in the page's
    language, with the code kept on the entry's own page."""
    record(regency=personas.regency, kind="test.event", subject=personas.dinkes, payload={})
    client.force_login(personas.regent)
    rows = client.get(reverse("ledger:index")).content.decode().split("<tbody>")[-1]
    assert f"<td>Unit {personas.dinkes.pk}</td>" in rows
    assert "org.unit:" not in rows
    entry = Entry.objects.get(kind="test.event")
    page = client.get(reverse("ledger:entry", args=[entry.seq])).content.decode()
    assert f"Unit {personas.dinkes.pk}" in page and "<code>org.unit</code>" in page

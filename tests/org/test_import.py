"""Excel import of the organisation: round trip, every kind of bad row, all or nothing."""

from __future__ import annotations

import datetime
import io
import os
import time
import zipfile

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from superteam.ledger.models import Entry
from superteam.org import workbook as wb
from superteam.org.exchange import export_rows, plan_import
from superteam.org.models import Assignment, Cluster, Person, Position, Unit, UnitRollup
from superteam.org.services import ImportRejected, import_organisation
from tests import factories as f
from tests.org.conftest import as_dict, build, exported, problems, row, upload

pytestmark = pytest.mark.django_db


def _counts(regency):
    return (
        Unit.objects.filter(regency=regency).count(),
        Position.objects.filter(regency=regency).count(),
        Person.objects.filter(regency=regency).count(),
        Assignment.objects.filter(regency=regency).count(),
    )


def _wipe(regency):
    """Delete a regency's organisation (tests only: the app never deletes history)."""
    Cluster.objects.filter(regency=regency).delete()
    Assignment.objects.filter(regency=regency).delete()
    Position.objects.filter(regency=regency).delete()
    Person.objects.filter(regency=regency).delete()
    UnitRollup.objects.filter(regency=regency).delete()
    for depth in sorted(
        set(Unit.objects.filter(regency=regency).values_list("depth", flat=True)), reverse=True
    ):
        Unit.objects.filter(regency=regency, depth=depth).delete()


# --- Round trip ---------------------------------------------------------------------------


def _enrich(p):
    """Give the personas regency every kind of value the workbook carries."""
    p.pustu.service_hours = {
        "mon": [["07:00", "12:00"], ["13:00", "16:00"]],
        "tue": [["07:00", "12:00"], ["13:00", "16:00"]],
        "sat": [["08:00", "11:00"]],
    }
    p.pustu.short_name, p.pustu.address, p.pustu.email = "Pustu GW", "Jl. Raya 1", "pustu@x.id"
    p.pustu.save()
    p.puskesmas.service_hours = "24h"
    p.puskesmas.save()
    p.other_dinas.is_active = False
    p.other_dinas.save()
    p.kasi.nip, p.kasi.phone, p.kasi.language = "197501012000121001", "+62 812 1", "en"
    p.kasi.save()
    head_position = Position.objects.get(regency=p.regency, code="DINKES-HEAD")
    former = f.person(p.regency, nip="196601011990031002", full_name="Dr. Lama, M.Kes")
    f.assign(
        former,
        head_position,
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2019, 12, 31),
    )
    f.assign(
        p.kabid,
        Position.objects.get(regency=p.regency, code="DINKES-B3-HEAD"),
        start=datetime.date(2014, 1, 1),
        end=datetime.date(2014, 6, 30),
        kind="plt",
    )


def test_export_then_import_into_an_empty_regency_gives_identical_data(personas):
    _enrich(personas)
    regency = personas.regency
    before = export_rows(regency=regency, language="en")
    data = build(before)
    counts = _counts(regency)
    _wipe(regency)
    assert _counts(regency) == (0, 0, 0, 0)

    plan = import_organisation(regency=regency, data=data, actor=None, filename="x.xlsx")

    assert plan.summary()["units"]["created"] == counts[0]
    assert _counts(regency) == counts
    assert export_rows(regency=regency, language="en") == before
    # The tree is whole again: every path is its parent's path plus its own id.
    for unit in Unit.objects.filter(regency=regency).select_related("parent"):
        expected = (unit.parent.path if unit.parent else "") + f"{unit.pk:010d}/"
        assert unit.path == expected
    assert Unit.objects.get(regency=regency, code="DINKES-B3-S1").ancestors()[0].code == "PEMKAB"
    # New people cannot sign in until an admin gives them a password.
    assert not Person.objects.get(nip="197501012000121001").has_usable_password()


def test_importing_an_export_again_changes_nothing(personas):
    _enrich(personas)
    regency = personas.regency
    data = build(exported(regency, "id"), language="id")
    entries = Entry.objects.count()

    plan = import_organisation(regency=regency, data=data, actor=personas.admin)

    assert plan.changes == 0
    assert all(c["unchanged"] > 0 for c in plan.summary().values())
    assert export_rows(regency=regency, language="id") == exported(regency, "id")
    # The import itself is recorded, with what it did.
    entry = Entry.objects.order_by("-pk").first()
    assert Entry.objects.count() == entries + 1
    assert entry.kind == "org.imported" and entry.actor_id == personas.admin.pk
    assert (
        entry.payload["counts"]["units"]["unchanged"]
        == Unit.objects.filter(regency=regency).count()
    )


def test_an_indonesian_export_reads_back_in_english_and_the_other_way(personas):
    _enrich(personas)
    regency = personas.regency
    for language in ("id", "en"):
        data = build(exported(regency, language), language=language)
        with translation.override("en" if language == "id" else "id"):
            plan = plan_import(regency=regency, read=wb.read_workbook(data))
        assert plan.ok and plan.changes == 0


def test_import_adds_moves_and_updates_rows(personas):
    regency = personas.regency
    rows = exported(regency)
    # A new section under the division, the puskesmas moved under the division,
    # a renamed unit, a new person appointed to a new position.
    rows["units"].append(
        row("units", code="DINKES-B3-S2", parent="DINKES-B3", kind="seksi", name="Seksi Baru")
    )
    for r in rows["units"]:
        if r[0] == "PKM-GENTENG":
            r[1] = "DINKES-B3"
        if r[0] == "DISPENDIK":
            r[3] = "Dinas Pendidikan dan Kebudayaan"
    rows["positions"].append(
        row(
            "positions",
            code="S2-HEAD",
            unit="DINKES-B3-S2",
            title="Kepala Seksi Baru",
            level="kasi",
        )
    )
    rows["people"].append(row("people", nip="198001012005011003", full_name="Siti Baru"))
    rows["assignments"].append(
        row(
            "assignments",
            person="198001012005011003",
            position="S2-HEAD",
            start=datetime.date(2026, 1, 2),
        )
    )

    plan = import_organisation(regency=regency, data=build(rows), actor=personas.admin)

    assert plan.summary()["units"] == {"created": 1, "updated": 2, "unchanged": 8}
    pustu = Unit.objects.get(regency=regency, code="PKM-GENTENG-PUSTU1")
    bidang = Unit.objects.get(regency=regency, code="DINKES-B3")
    assert pustu.path.startswith(bidang.path) and pustu.depth == bidang.depth + 2
    assert Unit.objects.get(regency=regency, code="DISPENDIK").name.endswith("Kebudayaan")
    siti = Person.objects.get(nip="198001012005011003")
    assert siti.username == "198001012005011003" and siti.regency == regency
    assert [a.position.code for a in siti.current_assignments()] == ["S2-HEAD"]
    # The division's counts now include the moved puskesmas and its pustu.
    assert UnitRollup.objects.get(unit=bidang).by_kind["pustu"] == 1


def test_import_never_deletes_rows_missing_from_the_workbook(personas):
    regency = personas.regency
    rows = exported(regency)
    rows["units"] = [r for r in rows["units"] if r[0] != "DISPENDIK"]
    rows["assignments"] = []
    counts = _counts(regency)

    import_organisation(regency=regency, data=build(rows), actor=None)

    assert _counts(regency) == counts


# --- Bad rows -------------------------------------------------------------------------------


def _append(rows, sheet, **values):
    rows[sheet].append(row(sheet, **values))
    return len(rows[sheet]) + 1  # the Excel row number (row 1 is the header)


def _set(rows, sheet, code, **values):
    for i, r in enumerate(rows[sheet]):
        if r[0] == code:
            d = as_dict(sheet, r)
            d.update(values)
            rows[sheet][i] = row(sheet, **d)
            return i + 2
    raise AssertionError(code)


BAD_ROWS = {
    "unknown parent code": lambda r: (
        "units",
        _append(r, "units", code="X1", parent="NOPE", kind="seksi", name="X"),
        "Unknown parent code NOPE",
    ),
    "duplicate unit code": lambda r: (
        "units",
        _append(r, "units", code="DINKES", parent="PEMKAB", kind="dinas", name="Lagi"),
        "Appears twice",
    ),
    "duplicate position code": lambda r: (
        "positions",
        _append(r, "positions", code="BUPATI", unit="PEMKAB", title="X", level="staff"),
        "Appears twice",
    ),
    "duplicate NIP": lambda r: (
        _append(r, "people", nip="198001012005011003", full_name="A"),
        (
            "people",
            _append(r, "people", nip="198001012005011003", username="b", full_name="B"),
            "Appears twice",
        ),
    )[1],
    "NIP of 17 digits": lambda r: (
        "people",
        _append(r, "people", nip="19800101200501100", full_name="A"),
        "exactly 18 digits",
    ),
    "NIP with letters": lambda r: (
        "people",
        _append(r, "people", nip="19800101200501100X", full_name="A"),
        "exactly 18 digits",
    ),
    "NIP typed as a number": lambda r: (
        "people",
        _append(r, "people", nip=1.980010120050110e17, full_name="A"),
        "lost its last digits",
    ),
    "unknown kind": lambda r: (
        "units",
        _append(r, "units", code="X1", parent="PEMKAB", kind="kementerian", name="X"),
        "Unknown value kementerian",
    ),
    "unknown level": lambda r: (
        "positions",
        _append(r, "positions", code="X1", unit="PEMKAB", title="X", level="menteri"),
        "Unknown value menteri",
    ),
    "impossible date": lambda r: (
        "assignments",
        _append(
            r,
            "assignments",
            person=r["people"][0][1] or r["people"][0][0],
            position="BUPATI",
            start="31/02/2026",
        ),
        "Write a date",
    ),
    "end before start": lambda r: (
        "assignments",
        _append(
            r,
            "assignments",
            person=r["people"][0][1] or r["people"][0][0],
            position="BUPATI",
            start=datetime.date(2026, 2, 1),
            end=datetime.date(2026, 1, 1),
        ),
        "end date is before the start date",
    ),
    "service hours past midnight": lambda r: (
        "units",
        _set(r, "units", "DINKES", service_hours="mon 25:00-26:00"),
        "HH:MM",
    ),
    "service hours closing before opening": lambda r: (
        "units",
        _set(r, "units", "DINKES", service_hours="mon 15:00-08:00"),
        "is not before closing",
    ),
    "service hours on an unknown day": lambda r: (
        "units",
        _set(r, "units", "DINKES", service_hours="xyz 08:00-12:00"),
        "Unknown day xyz",
    ),
    "two units under each other": lambda r: (
        _append(r, "units", code="A1", parent="B1", kind="bidang", name="A"),
        ("units", _append(r, "units", code="B1", parent="A1", kind="bidang", name="B"), "circle"),
    )[1],
    "a unit moved under its own sub-unit": lambda r: (
        "units",
        _set(r, "units", "DINKES", parent="DINKES-B3-S1"),
        "circle",
    ),
    "a second regency root": lambda r: (
        "units",
        _append(r, "units", code="PEMKAB2", kind="kabupaten", name="Lain"),
        "one root unit",
    ),
    "a unit without parent": lambda r: (
        "units",
        _append(r, "units", code="X1", kind="dinas", name="Yatim"),
        "Fill in the parent code",
    ),
    "latitude without longitude": lambda r: (
        "units",
        _set(r, "units", "DINKES", longitude=None),
        "both latitude and longitude",
    ),
    "latitude out of range": lambda r: (
        "units",
        _set(r, "units", "DINKES", latitude=91),
        "between -90 and 90",
    ),
    "position in an unknown unit": lambda r: (
        "positions",
        _append(r, "positions", code="X1", unit="NOPE", title="X", level="staff"),
        "Unknown unit code NOPE",
    ),
    "assignment of an unknown person": lambda r: (
        "assignments",
        _append(
            r,
            "assignments",
            person="199901012020011999",
            position="BUPATI",
            start=datetime.date(2026, 1, 1),
        ),
        "Unknown person 199901012020011999",
    ),
    "assignment to an unknown position": lambda r: (
        "assignments",
        _append(
            r,
            "assignments",
            person=r["people"][0][1] or r["people"][0][0],
            position="NOPE",
            start=datetime.date(2026, 1, 1),
        ),
        "Unknown position code NOPE",
    ),
    "two definitive heads at once": lambda r: (
        _append(r, "people", nip="198001012005011003", full_name="Kepala Kedua"),
        (
            "assignments",
            _append(
                r,
                "assignments",
                person="198001012005011003",
                position="DINKES-HEAD",
                start=datetime.date(2025, 1, 1),
            ),
            "two definitive holders",
        ),
    )[1],
    "empty required cell": lambda r: (
        "units",
        _append(r, "units", code="X1", parent="PEMKAB", kind="dinas"),
        "must be filled in",
    ),
    "bad yes/no": lambda r: (
        "units",
        _set(r, "units", "DINKES", frontline="mungkin"),
        "yes or no",
    ),
    "bad email": lambda r: (
        "people",
        _append(r, "people", username="pak-a", full_name="A", email="bukan-email"),
        "not an email address",
    ),
    "bad username": lambda r: (
        "people",
        _append(r, "people", username="pak a!", full_name="A"),
        "letters, digits",
    ),
    "code too long": lambda r: (
        "units",
        _append(r, "units", code="X" * 41, parent="PEMKAB", kind="dinas", name="X"),
        "Too long",
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_each_bad_row_is_reported_with_sheet_row_and_reason(case, personas):
    rows = exported(personas.regency)
    sheet, number, reason = BAD_ROWS[case](rows)
    data = build(rows)
    found = problems(personas.regency, data)
    assert any(s == sheet and n == number and reason in m for s, n, m in found), found
    with pytest.raises(ImportRejected):
        import_organisation(regency=personas.regency, data=data, actor=None)
    assert not Unit.objects.filter(code__in=["X1", "A1", "B1", "PEMKAB2"]).exists()


def test_a_nip_of_another_regency_and_a_taken_username_are_refused(personas):
    other = f.regency()
    f.person(other, nip="198001012005011003", username="taken")
    rows = exported(personas.regency)
    nip_row = _append(rows, "people", nip="198001012005011003", full_name="A")
    name_row = _append(rows, "people", username="taken", full_name="B")
    found = problems(personas.regency, build(rows))
    assert ("people", nip_row, "This NIP belongs to a person of another regency.") in found
    assert ("people", name_row, "The username taken is already used by someone else.") in found


def test_a_missing_required_column_is_reported_on_the_header_row(personas):
    book = Workbook()
    ws = book.active
    ws.title = "Units"
    ws.append(["Code", "Kind", "Name"])  # no "Parent code"? optional; "Name" present
    ws.append(["X1", "dinas", "X"])
    ws2 = book.create_sheet("Positions")
    ws2.append(["Code", "Title", "Level"])  # "Unit code" is required
    out = io.BytesIO()
    book.save(out)
    found = problems(personas.regency, out.getvalue())
    assert (
        "positions",
        1,
        "The required column “Unit code” is missing from the first row.",
    ) in found


def test_every_bad_row_is_listed_not_just_the_first(personas):
    rows = exported(personas.regency)
    bad = [
        _append(rows, "units", code=f"X{i}", parent="NOPE", kind="seksi", name="X")
        for i in range(5)
    ]
    found = problems(personas.regency, build(rows))
    assert sorted(n for s, n, _m in found if s == "units") == bad


# --- All or nothing -------------------------------------------------------------------------


def test_one_bad_row_means_nothing_is_imported(personas):
    regency = personas.regency
    rows = exported(regency)
    for i in range(5):
        _append(rows, "units", code=f"NEW-{i}", parent="PEMKAB", kind="dinas", name=f"Dinas {i}")
    _append(rows, "people", nip="198001012005011003", full_name="Baru")
    _set(rows, "units", "DISPENDIK", name="Nama Baru")
    _append(rows, "positions", code="BAD", unit="PEMKAB", title="X", level="menteri")
    counts, entries = _counts(regency), Entry.objects.count()

    with pytest.raises(ImportRejected) as rejected:
        import_organisation(regency=regency, data=build(rows), actor=personas.admin)

    assert len(rejected.value.plan.problems) == 1
    assert _counts(regency) == counts
    assert Unit.objects.get(regency=regency, code="DISPENDIK").name == "Dinas Pendidikan"
    assert Entry.objects.count() == entries


# --- The pages ------------------------------------------------------------------------------


def test_admin_previews_confirms_and_the_import_is_recorded(personas, client_as, private_storage):
    regency = personas.regency
    rows = exported(regency, "id")
    _append(rows, "units", code="DINKES-B4", parent="DINKES", kind="bidang", name="Bidang Baru")
    _set(rows, "units", "DISPENDIK", name="Dinas Pendidikan dan Kebudayaan")
    client = client_as(personas.admin)

    response = client.post(reverse("org:import"), {"workbook": upload(build(rows, "id"))})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Yang akan dilakukan impor" in page and "Impor sekarang" in page
    assert response.context["plan"].summary()["units"] == {
        "created": 1,
        "updated": 1,
        "unchanged": 9,
    }
    assert not Unit.objects.filter(code="DINKES-B4").exists()  # nothing before confirming
    token = response.context["token"]
    assert list(private_storage.rglob("*.xlsx"))

    response = client.post(reverse("org:import_confirm"), {"token": token}, follow=True)

    assert Unit.objects.get(regency=regency, code="DINKES-B4").parent.code == "DINKES"
    assert "Impor selesai: 2 unit" in response.content.decode()
    entry = Entry.objects.filter(kind="org.imported").get()
    assert entry.actor_id == personas.admin.pk and entry.payload["file"] == "organisasi.xlsx"
    assert entry.payload["counts"]["units"]["created"] == 1
    assert not list(private_storage.rglob("*.xlsx"))  # the pending upload is gone
    assert "organisasi.xlsx" in response.content.decode()  # listed under recent imports
    # The same token cannot import twice.
    again = client.post(reverse("org:import_confirm"), {"token": token}, follow=True)
    assert "sudah tidak menunggu" in again.content.decode()


def test_bad_rows_are_shown_and_nothing_waits_for_confirmation(
    personas, client_as, private_storage
):
    rows = exported(personas.regency)
    number = _append(rows, "units", code="X1", parent="NOPE", kind="seksi", name="X")
    client = client_as(personas.admin)

    response = client.post(reverse("org:import"), {"workbook": upload(build(rows))})

    page = response.content.decode()
    assert "Tidak ada yang diimpor: 1 baris perlu diperbaiki." in page
    assert f'<td class="num" data-label="Baris">{number}</td>' in page
    assert "Kode induk NOPE tidak dikenal" in page
    # The bad row is not counted among the rows the workbook would add.
    assert response.context["plan"].summary()["units"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 10,
    }
    assert response.context["token"] == "" and "Impor sekarang" not in page
    assert not list(private_storage.rglob("*.xlsx"))
    assert not Unit.objects.filter(code="X1").exists()


def test_problems_are_listed_one_block_each_on_a_phone(personas, client_as, private_storage):
    # Four narrow columns on a phone broke "Penugasan" into "Penug/asan": each problem is a
    # block of labelled values there (org.css, table.stack-sm).
    rows = exported(personas.regency)
    _append(rows, "units", code="X1", parent="NOPE", kind="seksi", name="X")
    response = client_as(personas.admin).post(
        reverse("org:import"), {"workbook": upload(build(rows))}
    )
    page = response.content.decode()
    problems_table = page[page.index('id="problems-heading"') :]
    problems_table = problems_table[: problems_table.index("</table>")]
    assert '<table class="stack-sm">' in problems_table
    for label in ("Baris", "Kolom", "Masalah"):
        assert f'data-label="{label}"' in problems_table


def test_an_empty_workbook_says_it_has_no_rows(personas, client_as, private_storage):
    client = client_as(personas.admin)
    template = client.get(reverse("org:import_template")).content
    response = client.post(reverse("org:import"), {"workbook": upload(template)})
    page = response.content.decode()
    assert "Berkas tidak berisi baris untuk diimpor" in page
    assert "sama persis" not in page  # it used to say the file matched the organisation
    assert response.context["token"] == ""


def test_cancel_leaves_everything_as_it_was(personas, client_as, private_storage):
    rows = exported(personas.regency)
    _append(rows, "units", code="X1", parent="PEMKAB", kind="dinas", name="X")
    client = client_as(personas.admin)
    token = client.post(reverse("org:import"), {"workbook": upload(build(rows))}).context["token"]

    response = client.post(reverse("org:import_confirm"), {"token": token, "cancel": "1"})

    assert response.status_code == 302
    assert not Unit.objects.filter(code="X1").exists()
    assert not list(private_storage.rglob("*.xlsx"))


def test_a_conflict_after_the_preview_is_caught_at_confirmation(
    personas, client_as, private_storage
):
    rows = exported(personas.regency)
    _append(rows, "people", username="baru", full_name="Orang Baru")
    _append(rows, "units", code="X1", parent="PEMKAB", kind="dinas", name="X")
    client = client_as(personas.admin)
    token = client.post(reverse("org:import"), {"workbook": upload(build(rows))}).context["token"]
    f.person(f.regency(), username="baru")  # someone elsewhere takes the username meanwhile

    response = client.post(reverse("org:import_confirm"), {"token": token})

    assert response.status_code == 409
    assert "sudah dipakai orang lain" in response.content.decode()
    assert not Unit.objects.filter(code="X1").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"NIP;Nama\n1;A\n", "bukan berkas Excel"),
        (b"%PDF-1.4 not a workbook", "bukan berkas Excel"),
        ("zip", "bukan berkas Excel"),
    ],
)
def test_an_upload_is_checked_by_its_content_not_its_name(
    content, message, personas, client_as, private_storage
):
    if content == "zip":  # a zip archive that is not a workbook
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("hello.txt", "hi")
        content = out.getvalue()
    response = client_as(personas.admin).post(
        reverse("org:import"), {"workbook": upload(content, "organisasi.xlsx")}
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["workbook"][0]


def test_uploads_are_size_capped_and_zip_bombs_refused(personas, client_as, monkeypatch):
    data = build(exported(personas.regency))
    client = client_as(personas.admin)
    monkeypatch.setattr(wb, "MAX_UPLOAD_BYTES", len(data) - 1)
    response = client.post(reverse("org:import"), {"workbook": upload(data)})
    assert "terlalu besar" in response.context["form"].errors["workbook"][0]
    monkeypatch.setattr(wb, "MAX_UPLOAD_BYTES", 20 * 2**20)
    monkeypatch.setattr(wb, "MAX_UNPACKED_BYTES", 1000)
    response = client.post(reverse("org:import"), {"workbook": upload(data)})
    assert "terlalu besar untuk dibaca" in response.context["form"].errors["workbook"][0]


def test_others_may_not_import_and_nothing_is_stored(personas, client_as, private_storage):
    rows = exported(personas.regency)
    _append(rows, "units", code="X1", parent="PEMKAB", kind="dinas", name="X")
    for role in ("regent", "head", "verifier", "staff", "outsider", "other_head"):
        client = client_as(getattr(personas, role))
        response = client.post(reverse("org:import"), {"workbook": upload(build(rows))})
        assert response.status_code == 403, role
        assert client.get(reverse("org:export")).status_code == 403
    assert not list(private_storage.rglob("*.xlsx"))
    assert not Unit.objects.filter(code="X1").exists()


# --- The template and the export ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "sheets", "header"),
    [
        ("id", ["Petunjuk", "Unit", "Jabatan", "Pegawai", "Penugasan"], "Kode induk"),
        ("en", ["Instructions", "Units", "Positions", "People", "Assignments"], "Parent code"),
    ],
)
def test_template_in_the_users_language(language, sheets, header, personas, client_as):
    client = client_as(personas.admin)
    client.post(reverse("core:set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("org:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == wb.XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == sheets
    units = book[sheets[1]]
    assert [c.value for c in units[1]][:3] == [
        f"{'Kode' if language == 'id' else 'Code'} *",
        header,
        f"{'Jenis' if language == 'id' else 'Kind'} *",
    ]
    assert units.max_row == 1  # no example rows that could be imported by mistake
    kinds = next(dv for dv in units.data_validations.dataValidation if "C2" in str(dv.sqref))
    assert "puskesmas" in kinds.formula1
    # The template imports as it is: nothing to do, no problem.
    plan = plan_import(regency=personas.regency, read=wb.read_workbook(response.content))
    assert plan.ok and plan.changes == 0


@pytest.mark.parametrize("language, stem", [("id", "organisasi"), ("en", "organisation")])
def test_the_export_file_is_named_in_the_users_language(language, stem, personas, client_as):
    client = client_as(personas.admin)
    client.post(reverse("core:set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("org:export"))
    slug = personas.regency.slug
    assert f'filename="{stem}-{slug}-' in response["Content-Disposition"]


def test_export_is_a_download_of_the_whole_organisation(personas, client_as):
    f.person(f.regency(), username="elsewhere")
    response = client_as(personas.admin).get(reverse("org:export"))
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    units = list(book["Unit"].iter_rows(values_only=True))
    assert len(units) == 1 + Unit.objects.filter(regency=personas.regency).count()
    people = list(book["Pegawai"].iter_rows(values_only=True))
    assert len(people) == 1 + Person.objects.filter(regency=personas.regency).count()
    other_regency = Person.objects.filter(~Q(regency=personas.regency)).values_list(
        "username", flat=True
    )
    assert not {r[1] for r in people} & set(other_regency)


def test_columns_left_out_of_a_sheet_change_nothing(personas):
    """A sheet with only some columns updates those and leaves the rest as they are."""
    p = personas
    p.dinkes.address, p.dinkes.service_hours, p.dinkes.is_frontline = "Jl. Ahmad Yani", "24h", True
    p.dinkes.save()
    p.kasi.nip, p.kasi.language = "197501012000121001", "en"
    p.kasi.save()
    book = Workbook()
    units = book.active
    units.title = "Unit"
    units.append(["Kode", "Jenis", "Nama"])
    units.append(["DINKES", "dinas", "Dinas Kesehatan Kabupaten"])
    people = book.create_sheet("Pegawai")
    people.append(["NIP", "Nama lengkap"])
    people.append(["197501012000121001", "dr. Kasi Baru"])
    out = io.BytesIO()
    book.save(out)

    plan = import_organisation(regency=p.regency, data=out.getvalue(), actor=None)

    assert plan.summary()["units"]["updated"] == 1 and plan.summary()["people"]["updated"] == 1
    assert plan.missing_sheets == ["positions", "assignments"]
    dinkes = Unit.objects.get(pk=p.dinkes.pk)
    assert dinkes.name == "Dinas Kesehatan Kabupaten"
    assert (dinkes.address, dinkes.service_hours, dinkes.is_frontline) == (
        "Jl. Ahmad Yani",
        "24h",
        True,
    )
    assert dinkes.parent == p.root
    kasi = Person.objects.get(pk=p.kasi.pk)
    assert kasi.full_name == "dr. Kasi Baru"
    assert (kasi.username, kasi.language, kasi.email) == (p.kasi.username, "en", p.kasi.email)


def test_an_upload_never_confirmed_is_deleted_after_a_day(personas, client_as, private_storage):
    rows = exported(personas.regency)
    _append(rows, "units", code="X1", parent="PEMKAB", kind="dinas", name="X")
    client = client_as(personas.admin)
    client.post(reverse("org:import"), {"workbook": upload(build(rows))})
    (abandoned,) = private_storage.rglob("*.xlsx")
    two_days_ago = time.time() - 2 * 86400
    os.utime(abandoned, (two_days_ago, two_days_ago))
    client_as(personas.admin)  # another session: the first one's upload is left behind
    client.post(reverse("org:import"), {"workbook": upload(build(rows))})
    remaining = list(private_storage.rglob("*.xlsx"))
    assert abandoned not in remaining and len(remaining) == 1

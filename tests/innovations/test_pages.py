"""Innovation pages as users meet them, with query counts that do not grow with the data."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from superteam.innovations import services
from superteam.innovations.models import Innovation, Stage
from tests import factories as f
from tests.innovations import factories as fi

pytestmark = pytest.mark.django_db


def many(p, n: int):
    for i in range(n):
        inn = fi.innovation(p.puskesmas, p.head, title=f"Inovasi {i}")
        fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 1 + i % 3, innovation=inn)


def test_register_edit_and_move_an_innovation_through_the_pages(personas, client_as):
    p = personas
    client = client_as(p.head)
    response = client.post(
        reverse("innovations:create"),
        {
            "owner_unit": p.puskesmas.pk,
            "title": "Jemput Bola Lansia",
            "problem": "Lansia sulit ke puskesmas.",
            "stage": "inisiatif",
            "initiated_on": "2025-01-06",
            "form": "pelayanan_publik",
            "affair": "kesehatan",
            "initiator_kind": "opd",
            "is_public": "on",
        },
    )
    inn = Innovation.objects.get()
    assert response.status_code == 302 and response["Location"] == inn.get_absolute_url()
    assert inn.owner_unit == p.puskesmas
    # A stage date before the initiative is refused with a translated message; nothing moves.
    response = client.post(
        reverse("innovations:stage", args=[inn.pk]),
        {"stage": "uji_coba", "on": "2024-12-01", "note": ""},
    )
    assert response.status_code == 200
    assert "Tahapan baru tidak dapat dimulai sebelum tahapan sekarang" in response.content.decode()
    inn.refresh_from_db()
    assert inn.stage == Stage.INISIATIF
    client.post(
        reverse("innovations:stage", args=[inn.pk]), {"stage": "uji_coba", "on": "2025-02-03"}
    )
    inn.refresh_from_db()
    assert inn.stage == Stage.UJI_COBA
    response = client.post(
        reverse("innovations:edit", args=[inn.pk]),
        {
            "title": "Jemput Bola Kesehatan Lansia",
            "problem": "Lansia sulit ke puskesmas.",
            "design": "kata " * 310,
            "form": "pelayanan_publik",
            "affair": "kesehatan",
            "initiator_kind": "opd",
            "video_url": "video.example.org/jemput-bola",
        },
    )
    assert response.status_code == 302
    inn.refresh_from_db()
    assert inn.title == "Jemput Bola Kesehatan Lansia"
    assert inn.video_url == "https://video.example.org/jemput-bola"
    page = client.get(inn.get_absolute_url()).content.decode()
    assert "310 kata" in page and "Uji coba" in page


def test_the_list_and_detail_pages_do_not_grow_with_data(
    personas, client_as, django_assert_max_num_queries
):
    p = personas
    many(p, 2)
    client = client_as(p.kasi)
    inn = Innovation.objects.first()
    with django_assert_max_num_queries(14):
        assert client.get(reverse("innovations:list")).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(inn.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("innovations:unit", args=[p.puskesmas.pk])).status_code == 200
    many(p, 12)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("innovations:list")).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(inn.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("innovations:unit", args=[p.puskesmas.pk])).status_code == 200
    listing = client.get(
        reverse("innovations:list"), {"stage": "penerapan", "q": "Inovasi 1"}
    ).content.decode()
    assert "Inovasi 11" in listing and "Inovasi 2<" not in listing


def test_the_export_has_the_national_submission_shape(personas, client_as):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head, title="Jemput Bola Lansia")
    fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 3, innovation=inn, at_level=2)
    services.submit_evidence(
        unit=p.puskesmas,
        actor=p.head,
        indicator_code="inst-tim",
        level=1,
        link="https://jdih.example.org/sk-tim",
    )
    response = client_as(p.head).get(reverse("innovations:export", args=[p.puskesmas.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "Profil",
        "Inovasi",
        "Indikator inovasi",
        "Indikator kelembagaan",
        "Katalog",
    ]
    header = [c.value for c in wb["Inovasi"][1]]
    assert header[:4] == ["No.", "Nama inovasi", "Unit", "Tahapan"]
    assert "Rancang bangun" in header and "Penerapan sejak" in header
    row = [c.value for c in wb["Inovasi"][2]]
    assert row[1] == "Jemput Bola Lansia" and row[3] == "Penerapan"
    evidence = [c.value for c in wb["Indikator inovasi"][2]]
    assert evidence[:2] == ["Jemput Bola Lansia", "regulasi"]
    assert evidence[4] == 3 and evidence[6] == 2 and evidence[7] == "Diterima"
    assert [c.value for c in wb["Indikator kelembagaan"][2]][1] == "inst-tim"
    assert wb["Katalog"].max_row == 1 + 27  # 7 institution + 20 innovation indicators


def test_the_public_showcase_shows_public_fields_of_rolled_out_innovations(personas, client):
    p = personas
    fi.innovation(p.puskesmas, p.head, title="Jemput Bola Lansia")
    fi.innovation(p.puskesmas, p.head, title="Rahasia Dapur", stage=Stage.UJI_COBA)
    village = f.unit(p.regency, kind="desa", code="DS-1", name="Desa Kemiren")
    original = Innovation.objects.get(title="Jemput Bola Lansia")
    services.replicate_innovation(
        original=original, unit=village, actor=p.admin, on=datetime.date(2025, 9, 1)
    )
    page = client.get(reverse("innovations:showcase")).content.decode()
    assert "Jemput Bola Lansia" in page and "Rahasia Dapur" not in page
    assert "Diadopsi dari Puskesmas Genteng Kulon" in page
    detail = client.get(reverse("innovations:showcase_detail", args=[original.pk])).content.decode()
    assert "Desa Kemiren" in detail
    hidden = Innovation.objects.get(title="Rahasia Dapur")
    assert client.get(reverse("innovations:showcase_detail", args=[hidden.pk])).status_code == 404


def test_pages_in_english(personas, client_as, settings):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    client = client_as(p.kasi)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(inn.get_absolute_url()).content.decode()
    assert "Evidence by indicator" in page and "Legal basis" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = client.get(inn.get_absolute_url()).content.decode()
    assert "Bukti dukung per indikator" in page and "Regulasi inovasi" in page


def test_new_innovation_form_shows_every_error_at_once(personas, client_as):
    """Date errors show together with the other fields' errors, not after those are fixed;
    a date that is itself not valid gets its own error only."""
    p = personas
    client = client_as(p.head)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    data = {
        "owner_unit": p.puskesmas.pk,
        "title": "Jemput Bola Lansia",
        "problem": "Lansia sulit ke puskesmas.",
        "stage": "penerapan",
        "initiated_on": "2025-03-03",
        "trial_started_on": "2025-01-06",  # before the initiative
        "implemented_on": tomorrow.isoformat(),  # in the future
        "form": "pelayanan_publik",
        "affair": "kesehatan",
        "initiator_kind": "opd",
        "beneficiary_count": "-5",
        "video_url": "bukan alamat video",
        "is_public": "on",
    }
    response = client.post(reverse("innovations:create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"trial_started_on", "implemented_on", "beneficiary_count", "video_url"}
    html = response.content.decode()
    assert "Uji coba tidak dapat dimulai sebelum inisiatif." in html
    assert "Tanggal tidak boleh di masa depan." in html
    assert not Innovation.objects.exists()
    # A date typed wrong keeps its own error; the stage's "give the date" is not added to
    # it, and the rollout date is compared with the initiative instead.
    response = client.post(
        reverse("innovations:create"),
        {**data, "trial_started_on": "kemarin", "implemented_on": "2025-02-03"},
    )
    errors = response.context["form"].errors
    assert set(errors) == {"trial_started_on", "implemented_on", "beneficiary_count", "video_url"}
    assert len(errors["trial_started_on"]) == 1
    assert "Isi tanggal mulai uji coba." not in response.content.decode()
    assert errors["implemented_on"] == [
        "Penerapan tidak dapat dimulai sebelum uji coba atau inisiatif."
    ]
    # The stage asks for its date, beside the other errors.
    response = client.post(reverse("innovations:create"), {**data, "implemented_on": ""})
    assert "Isi tanggal mulai penerapan." in response.content.decode()
    # Everything right: registered.
    fixed = {
        **data,
        "trial_started_on": "2025-04-07",
        "implemented_on": "2025-06-02",
        "beneficiary_count": "120",
        "video_url": "video.example.org/jemput-bola",
    }
    response = client.post(reverse("innovations:create"), fixed)
    assert response.status_code == 302
    inn = Innovation.objects.get()
    assert inn.stage == Stage.PENERAPAN and inn.implemented_on == datetime.date(2025, 6, 2)


def test_stage_date_error_names_the_date_in_the_short_format(personas, client_as, settings):
    """ "Not before the current stage (<date>)" reads 6 Jan 2025 in English and 06-01-2025
    in Bahasa Indonesia, like the pages' dates, not the ISO 2025-01-06."""
    p = personas
    inn = fi.innovation(p.puskesmas, p.head, stage=Stage.INISIATIF)
    client = client_as(p.head)
    for language, expected in [
        ("en", "The new stage cannot start before the current one (6 Jan 2025)."),
        ("id", "Tahapan baru tidak dapat dimulai sebelum tahapan sekarang (06-01-2025)."),
    ]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(
            reverse("innovations:stage", args=[inn.pk]), {"stage": "uji_coba", "on": "2024-12-01"}
        )
        assert expected in response.content.decode()
    inn.refresh_from_db()
    assert inn.stage == Stage.INISIATIF


def test_evidence_badges_link_only_for_those_who_may_open_them(personas, client_as):
    """A unit's board showed every evidence badge as a link; those who may not open the
    evidence got a 403 page from it."""
    from superteam.core.permissions import actor_for, can

    p = personas
    ev = fi.evidence(p.puskesmas, p.head, "inst-tim", 1)
    url = reverse("innovations:evidence", args=[ev.pk])
    seen = set()
    for person in (p.head, p.verifier, p.outsider, p.kabid, p.kasi):
        page = client_as(person).get(reverse("innovations:unit", args=[p.puskesmas.pk]))
        assert page.status_code == 200
        may = can(actor_for(person), "innovations.read_evidence", ev)
        assert (f'href="{url}"' in page.content.decode()) == may, person
        assert client_as(person).get(url).status_code == (200 if may else 403)
        seen.add(may)
    assert seen == {True, False}  # both kinds of reader were tried

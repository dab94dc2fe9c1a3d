"""Photo processing in the background: derivatives without EXIF, facts from the original,
flags for the wrong day, the wrong place and reused evidence."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import ExifTags, Image

from superteam.reports.models import BANDS, FlagKind, Photo, PhotoFlag, PhotoStatus, Report, UnitDay
from superteam.reports.services import private_storage, process_photo, public_photos
from tests.reports.helpers import jpeg, pustu_gps, submit

pytestmark = pytest.mark.django_db


def _process(report):
    for photo in report.photos.all():
        process_photo(photo_id=photo.pk)
    return list(report.photos.order_by("slot"))


def _kinds(photo) -> set[str]:
    return set(PhotoFlag.objects.filter(photo=photo).values_list("kind", flat=True))


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_the_background_worker_processes_photos(
    personas, reporting, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(
            personas, today, photos=[jpeg(1, day=today, gps=pustu_gps(personas))]
        ).report
    assert report.photos.get().status == PhotoStatus.RECEIVED
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    photo = report.photos.get()
    assert photo.status == PhotoStatus.READY
    assert photo.thumbnail and photo.display


def test_derivatives_never_carry_exif_or_gps(personas, reporting, today):
    gps = pustu_gps(personas)
    report = submit(personas, today, photos=[jpeg(1, day=today, gps=gps, size=(2000, 1500))]).report
    (photo,) = _process(report)
    with private_storage().open(photo.original.name, "rb") as fh:
        original = Image.open(io.BytesIO(fh.read()))
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the original keeps it
    for field in (photo.thumbnail, photo.display):
        with default_storage.open(field.name, "rb") as fh:
            data = fh.read()
        image = Image.open(io.BytesIO(data))
        assert not image.getexif(), "a public derivative carries EXIF"
        assert "exif" not in image.info
        assert b"Exif\x00\x00" not in data and b"GPS" not in data
    thumb = Image.open(default_storage.open(photo.thumbnail.name))
    display = Image.open(default_storage.open(photo.display.name))
    assert max(thumb.size) == 320 and max(display.size) == 1280
    # What other apps may publish: derivative URLs only, never the original's path.
    (public,) = public_photos(report=report)
    assert public["display_url"].startswith("/media/")
    assert photo.original.name not in str(public)


def test_capture_time_and_gps_are_read_from_the_original(personas, reporting, today):
    gps = pustu_gps(personas)
    report = submit(personas, today, photos=[jpeg(1, day=today, gps=gps)]).report
    (photo,) = _process(report)
    assert photo.taken_at.date() == today
    assert float(photo.gps_latitude) == pytest.approx(gps[0], abs=1e-5)
    assert float(photo.gps_longitude) == pytest.approx(gps[1], abs=1e-5)
    assert photo.camera == "SuperTeam Demo Camera"
    assert _kinds(photo) == set()  # right day, right place, nothing to say


def test_a_photo_taken_on_another_day_is_flagged(personas, reporting, today):
    earlier = today - datetime.timedelta(days=3)
    report = submit(personas, today, photos=[jpeg(1, day=earlier, gps=pustu_gps(personas))]).report
    (photo,) = _process(report)
    flag = PhotoFlag.objects.get(photo=photo)
    assert flag.kind == FlagKind.WRONG_DAY
    with translation.override("en"):
        assert "but the report is for" in flag.reason()
    report.refresh_from_db()
    assert report.flagged_photos == 1
    assert UnitDay.objects.get(unit=personas.pustu, date=today).flagged_photos == 1


def test_a_photo_taken_far_from_the_unit_is_flagged(personas, reporting, today, settings):
    settings.REPORTS_MAX_DISTANCE_KM = 5
    surabaya = (-7.2575, 112.7521)
    report = submit(personas, today, photos=[jpeg(1, day=today, gps=surabaya)]).report
    (photo,) = _process(report)
    flag = PhotoFlag.objects.get(photo=photo)
    assert flag.kind == FlagKind.WRONG_PLACE
    assert flag.details["distance_km"] > 150
    with translation.override("en"):
        assert "Pustu Genteng Wetan" in flag.reason()


def test_the_distance_threshold_is_configurable(personas, reporting, today, settings):
    nearby = (float(personas.pustu.latitude) + 0.03, float(personas.pustu.longitude))  # ~3.3 km
    settings.REPORTS_MAX_DISTANCE_KM = 2
    report = submit(personas, today, photos=[jpeg(1, day=today, gps=nearby)]).report
    (photo,) = _process(report)
    assert FlagKind.WRONG_PLACE in _kinds(photo)
    settings.REPORTS_MAX_DISTANCE_KM = 5
    report = submit(
        personas, today, key="key-00000002", photos=[jpeg(2, day=today, gps=nearby)]
    ).report
    (photo,) = _process(report)
    assert FlagKind.WRONG_PLACE not in _kinds(photo)


def test_photos_without_time_or_place_say_so(personas, reporting, today):
    report = submit(personas, today, photos=[jpeg(1)]).report
    (photo,) = _process(report)
    assert _kinds(photo) == {FlagKind.NO_TIME, FlagKind.NO_LOCATION}
    report.refresh_from_db()
    assert report.flagged_photos == 0  # information for the verifier, not a warning


def _resized_recompressed(data: bytes, scale: float = 0.6, quality: int = 55) -> bytes:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    image = image.resize((int(image.width * scale), int(image.height * scale)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def test_a_reused_photo_resized_and_recompressed_is_flagged(personas, reporting, today):
    yesterday = today - datetime.timedelta(days=1)
    original = jpeg(7, day=yesterday, gps=pustu_gps(personas), size=(1600, 1200))
    first = submit(personas, yesterday, photos=[original]).report
    _process(first)
    # The puskesmas sends the same picture today, smaller and recompressed.
    head = personas.head
    position = head.current_assignments().first().position
    copy = _resized_recompressed(original)
    assert copy != original
    second = submit(
        personas,
        today,
        key="key-00000002",
        author=head,
        position=position,
        unit=personas.puskesmas,
        photos=[copy],
    ).report
    (photo,) = _process(second)
    flag = PhotoFlag.objects.get(photo=photo, kind=FlagKind.REUSED)
    assert flag.matched_photo == first.photos.get()
    assert flag.details["identical"] is False
    with translation.override("en"):
        assert "Pustu Genteng Wetan" in flag.reason()
    assert not PhotoFlag.objects.filter(photo__report=first, kind=FlagKind.REUSED).exists()


def test_the_same_file_on_another_day_by_the_same_unit_is_flagged_as_identical(
    personas, reporting, today
):
    yesterday = today - datetime.timedelta(days=1)
    data = jpeg(8, day=yesterday, gps=pustu_gps(personas))
    _process(submit(personas, yesterday, photos=[data]).report)
    (photo,) = _process(submit(personas, today, key="key-00000002", photos=[data]).report)
    flag = PhotoFlag.objects.get(photo=photo, kind=FlagKind.REUSED)
    assert flag.details["identical"] is True


def test_two_photos_of_the_same_days_work_in_one_unit_are_not_reuse(personas, reporting, today):
    data = jpeg(9, day=today, gps=pustu_gps(personas))
    _process(submit(personas, today, photos=[data]).report)
    (photo,) = _process(
        submit(
            personas, today, key="key-00000002", title="Sore", photos=[_resized_recompressed(data)]
        ).report
    )
    assert FlagKind.REUSED not in _kinds(photo)


def test_different_photos_are_not_flagged_as_reuse(personas, reporting, today):
    yesterday = today - datetime.timedelta(days=1)
    for seed in range(10, 22):
        _process(
            submit(
                personas, yesterday, key=f"key-{seed:08d}", photos=[jpeg(seed, day=yesterday)]
            ).report
        )
    (photo,) = _process(
        submit(personas, today, key="key-99999999", photos=[jpeg(50, day=today)]).report
    )
    assert FlagKind.REUSED not in _kinds(photo)


def test_finding_reuse_does_not_scan_earlier_photos(personas, reporting, today):
    """The lookup is a fixed number of indexed queries, however many photos came before."""
    yesterday = today - datetime.timedelta(days=1)

    def queries_for_new_photo(seed: int, key: str) -> int:
        report = submit(personas, today, key=key, photos=[jpeg(seed, day=today)]).report
        photo = report.photos.get()
        with CaptureQueriesContext(connection) as ctx:
            process_photo(photo_id=photo.pk)
        # One UNION of the nine index lookups (PostgreSQL writes each part in brackets).
        lookups = [q["sql"] for q in ctx.captured_queries if "UNION" in q["sql"]]
        assert len(lookups) == 1 and "LIMIT" in lookups[0]
        assert lookups[0].count('"dh3" = ') == 1 and lookups[0].count("sha256") == 1
        return len(ctx.captured_queries)

    _process(
        submit(personas, yesterday, key="key-a0000001", photos=[jpeg(100, day=yesterday)]).report
    )
    few = queries_for_new_photo(101, "key-b0000001")
    for seed in range(200, 230):
        Photo.objects.create(
            regency=personas.regency,
            report=Report.objects.first(),
            slot=seed,
            status=PhotoStatus.READY,
            phash=seed * 7919,
            dhash=seed * 104729,
            ph0=seed,
            ph1=seed,
            ph2=seed,
            ph3=seed,
            dh0=seed,
            dh1=seed,
            dh2=seed,
            dh3=seed,
        )
    many = queries_for_new_photo(102, "key-c0000001")
    assert many == few


def test_a_photo_that_cannot_be_processed_is_flagged_not_dropped(personas, reporting, today):
    report = submit(personas, today, photos=[jpeg(1, day=today)]).report
    photo = report.photos.get()
    with private_storage().open(photo.original.name, "wb") as fh:
        fh.write(b"\xff\xd8\xff" + b"\0" * 10)  # the stored file got damaged
    process_photo(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.FAILED
    assert FlagKind.UNREADABLE in _kinds(photo)
    report.refresh_from_db()
    assert report.flagged_photos == 1


def test_processing_twice_changes_nothing(personas, reporting, today):
    report = submit(
        personas, today, photos=[jpeg(1, day=today - datetime.timedelta(days=2))]
    ).report
    (photo,) = _process(report)
    thumb = photo.thumbnail.name
    (again,) = _process(report)
    assert again.thumbnail.name == thumb
    assert _kinds(photo) == {FlagKind.WRONG_DAY, FlagKind.NO_LOCATION}
    assert PhotoFlag.objects.filter(photo=photo).count() == 2  # once each
    report.refresh_from_db()
    assert report.flagged_photos == 1


def test_the_reuse_lookup_reads_the_band_indexes(personas, reporting, today):
    """The band indexes hold processed photos only (partial: a report's insert writes none
    of them); the lookup "band = value" must still be answered from them, not by reading
    every processed photo of the regency (as the status index would)."""
    from superteam.reports.services import find_reuse

    photo = jpeg(1, day=today, gps=pustu_gps(personas))
    (first,) = _process(submit(personas, today, photos=[photo]).report)
    with CaptureQueriesContext(connection) as queries:
        find_reuse(photo=first)
    (lookup,) = [q["sql"] for q in queries.captured_queries if "UNION" in q["sql"]]
    bands = set(BANDS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test's table has one row: the planner may use any index whose first
            # column is the regency; what matters is one index scan per part, none on
            # the status index and no table scan.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + lookup)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert plan.count("Index Scan using reports_photo_") == 1 + len(bands), plan
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + lookup)
            plan = " ".join(row[-1] for row in cursor.fetchall())
            assert {band for band in bands if f"INDEX reports_photo_{band} " in plan} == bands
            assert "INDEX reports_photo_sha256 " in plan, plan
    assert "reports_photo_status" not in plan and "Seq Scan" not in plan, plan
    assert "regency_id_" not in plan, plan  # the regency's whole index

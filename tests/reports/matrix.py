"""Who may open which reports page (see tests/core/test_authorization_matrix.py)."""

import datetime

from tests.matrix import EVERYONE, HOLDERS, SIGNED_IN, Case

OVERSEERS = frozenset({"regent", "admin", "verifier", "head", "kabid", "kasi"})
# A report by the pustu's nurse: the author, heads above the pustu, verifiers, the regent
# and admins read it; colleagues elsewhere in the health agency do not.
READERS = frozenset({"staff", "head", "verifier", "admin", "regent"})
VERIFIERS = frozenset({"verifier", "head"})


def _report(p):
    from superteam.reports.models import Photo, PhotoStatus, Report

    position = p.staff.current_assignments().first().position
    report, _ = Report.objects.get_or_create(
        regency=p.regency,
        idempotency_key="matrix-report-1",
        defaults={
            "unit": p.pustu,
            "date": datetime.date(2026, 1, 7),
            "author": p.staff,
            "position": position,
            "title": "Jemput bola",
            "narrative": "Kunjungan lansia.",
            "content_hash": "0" * 64,
            "photos_expected": 1,
            "submitted_at": datetime.datetime(2026, 1, 7, 9, tzinfo=datetime.UTC),
        },
    )
    Photo.objects.get_or_create(
        regency=p.regency, report=report, slot=1, defaults={"status": PhotoStatus.MISSING}
    )
    return report


def _held(p):
    """The nurse's report, put on hold by a verifier: only she answers it."""
    from superteam.reports.models import Report, ReportStatus

    report = _report(p)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.ON_HOLD)
    return report


def _photo(p):
    return _report(p).photos.get()


def _holiday(p):
    from superteam.reports.models import Holiday

    entry, _ = Holiday.objects.get_or_create(
        regency=p.regency,
        date=datetime.date(2026, 12, 18),
        defaults={"name": "Hari Jadi Banyuwangi", "kind": "regional"},
    )
    return entry


CASES = [
    Case("reports:submit", HOLDERS),
    Case("reports:service_worker", EVERYONE),
    Case("reports:mine", SIGNED_IN),
    Case("reports:detail", READERS, args=lambda p: {"pk": _report(p).pk}),
    Case(
        "reports:verify",
        VERIFIERS,
        args=lambda p: {"pk": _report(p).pk},
        method="post",
        data=lambda p: {"decision": "approved", "comment": ""},
        ok=302,
    ),
    Case(
        "reports:answer",
        frozenset({"staff"}),
        args=lambda p: {"pk": _held(p).pk},
        method="post",
        data=lambda p: {"text": "Foto dari dekat terlampir."},
        ok=302,
    ),
    # The photo never arrived: those allowed to see originals are told so (404).
    Case("reports:photo_original", READERS, args=lambda p: {"pk": _photo(p).pk}, ok=404),
    Case("reports:verify_queue", VERIFIERS | {"kabid", "kasi"}),
    Case("reports:compliance", OVERSEERS),
    Case("reports:digest", OVERSEERS),
    Case("reports:holidays", SIGNED_IN),
    Case(
        "reports:holidays",
        frozenset({"admin"}),
        method="post",
        data=lambda p: {"date": "2026-12-18", "kind": "regional", "name": "Hari Jadi Banyuwangi"},
        ok=302,
        id="reports:holidays POST",
    ),
    Case(
        "reports:holiday_delete",
        frozenset({"admin"}),
        args=lambda p: {"pk": _holiday(p).pk},
        method="post",
        ok=302,
    ),
]

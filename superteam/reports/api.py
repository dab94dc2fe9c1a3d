"""Reports API under /api/reports/: submit one report (multipart), a batch, read a
report's status. The same idempotency rules as the web form: a resend with the same
``idempotency_key`` and content answers 200 with the stored report, other content 409.
"""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import JsonResponse, QueryDict
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from superteam.core.permissions import can
from superteam.core.tenancy import current_regency
from superteam.org.models import Unit
from superteam.reports import links
from superteam.reports.compliance import cluster_compliance, compliance_rate
from superteam.reports.forms import ReportForm
from superteam.reports.models import Channel, Photo, PhotoStatus, Report, ReportStatus
from superteam.reports.photos import check_uploads
from superteam.reports.services import (
    IdempotencyConflict,
    SubmissionError,
    SubmissionForbidden,
    answer_hold,
    regency_today,
    submit_report,
)

router = Router()
MAX_BATCH = 50
JSON_TYPE = "application/json; charset=utf-8"  # as ninja's own answers


class ReportIn(Schema):
    """The fields of a report (multipart form fields). Dates are ISO 8601. Links:
    ``innovations``, ``decisions`` (rakor decisions acted on) and ``indicators``
    (agreement indicators) are repeated ids; ``reading_<indicator id>`` carries the value
    read for an indicator, recorded as its realisation on the report's date."""

    idempotency_key: str = Field(
        max_length=80, description="Made by the device, the same for every resend."
    )
    title: str = Field(max_length=160)
    narrative: str = Field(max_length=5000)
    date: str = Field(
        description="The activity's date, ISO 8601 only (YYYY-MM-DD).",
        json_schema_extra={"format": "date"},
    )
    position: int | None = None
    unit: int | None = None
    location_name: str = Field("", max_length=200)
    latitude: str | None = Field(
        None, description="Degrees (-90 to 90), rounded to 6 decimals when stored."
    )
    longitude: str | None = Field(
        None, description="Degrees (-180 to 180), rounded to 6 decimals when stored."
    )
    photos_expected: int | None = Field(None, ge=0)
    client_created_at: str | None = Field(
        None,
        description="When the device made the report, ISO 8601 with its offset.",
        json_schema_extra={"format": "date-time"},
    )
    innovations: list[int] = []
    decisions: list[int] = []
    indicators: list[int] = []
    queued: bool = False


class PhotoOut(Schema):
    slot: int
    status: str
    thumbnail_url: str | None
    display_url: str | None


class VerificationOut(Schema):
    decision: str
    comment: str
    at: datetime.datetime | None


class ReportOut(Schema):
    id: int
    url: str
    idempotency_key: str
    content_hash: str
    unit_id: int
    date: datetime.date
    title: str
    status: str
    status_label: str
    photos_expected: int
    photos_missing: int
    flagged_photos: int
    photos: list[PhotoOut]
    verification: VerificationOut | None
    created: bool = False


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class ConflictOut(ErrorOut):
    report_id: int | None = None


class BatchItemOut(Schema):
    index: int
    status: int
    report: ReportOut | None = None
    detail: str | None = None
    errors: dict[str, list[str]] = {}


class BatchOut(Schema):
    results: list[BatchItemOut]


class PingOut(Schema):
    ok: bool
    person_id: int
    time: datetime.datetime


class ClusterComplianceOut(Schema):
    cluster_id: int
    code: str
    name: str
    units: int
    expected_days: int
    reported_days: int
    rate: float | None


class ClustersComplianceOut(Schema):
    start: datetime.date
    end: datetime.date
    clusters: list[ClusterComplianceOut]


class ComplianceOut(Schema):
    unit_id: int
    start: datetime.date
    end: datetime.date
    rate: float | None


_DETAIL_URLS: dict[str, tuple[str, str]] = {}


def detail_url(pk: int) -> str:
    """``reverse("reports:detail", args=[pk])``, reversed once per script prefix: an answer
    to every report carries it (reversing took a tenth of a millisecond)."""
    prefix = get_script_prefix()
    parts = _DETAIL_URLS.get(prefix)
    if parts is None:
        marker = 987654321
        before, _marker, after = reverse("reports:detail", args=[marker]).partition(str(marker))
        parts = _DETAIL_URLS[prefix] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"


def report_out(report: Report, *, created: bool = False) -> dict:
    photos = getattr(report, "api_photos", None)
    if photos is None:
        photos = list(report.photos.order_by("slot"))
    ready = PhotoStatus.READY
    return {
        "id": report.pk,
        "url": detail_url(report.pk),
        "idempotency_key": report.idempotency_key,
        "content_hash": report.content_hash,
        "unit_id": report.unit_id,
        "date": report.date,
        "title": report.title,
        "status": report.status,
        "status_label": str(ReportStatus(report.status).label),
        "photos_expected": report.photos_expected,
        "photos_missing": sum(1 for p in photos if p.status == PhotoStatus.MISSING),
        "flagged_photos": report.flagged_photos,
        "photos": [
            {
                "slot": p.slot,
                "status": p.status,
                "thumbnail_url": p.thumbnail.url if p.status == ready and p.thumbnail else None,
                "display_url": p.display.url if p.status == ready and p.display else None,
            }
            for p in photos
        ],
        "verification": (
            {
                "decision": report.status,
                "comment": report.verification_comment,
                "at": report.verified_at,
            }
            if report.verified_at
            else None
        ),
        "created": created,
    }


def _field_errors(form) -> dict[str, list[str]]:
    return {k: [str(e) for e in v] for k, v in form.errors.items()}


def _submit_one(
    request, fields: QueryDict | dict, files: list, *, channel: str
) -> tuple[int, dict]:
    """Validate and submit one report; (status, body) as the API answers it."""
    data = fields.copy() if isinstance(fields, QueryDict) else QueryDict(mutable=True)
    if not isinstance(fields, QueryDict):
        for key, value in fields.items():
            if isinstance(value, list):
                data.setlist(key, [str(v) for v in value])
            elif value is not None:
                data[key] = str(value)
    positions = request.actor.positions
    if not data.get("position") and len(positions) == 1:
        data["position"] = str(positions[0].pk)
    if not positions:
        return 403, {"detail": _("You hold no position today, so you cannot report.")}
    form = ReportForm(data, actor=request.actor)
    photos, photo_errors = check_uploads(files)
    if not form.is_valid() or photo_errors:
        errors = _field_errors(form) if form.is_bound and not form.is_valid() else {}
        if photo_errors:
            errors["photos"] = photo_errors
        first = photo_errors[0] if photo_errors else _("Some fields need attention.")
        return 400, {"detail": first, "errors": errors}
    report_data = form.to_data(regency=current_regency(request))
    (
        report_data.innovations,
        report_data.decisions,
        report_data.readings,
        link_errors,
    ) = links.choose(
        data, units=[report_data.unit, report_data.position.unit], day=report_data.date
    )
    if link_errors:
        first = next(iter(link_errors.values()))[0]
        return 400, {"detail": first, "errors": link_errors}
    if data.get("queued") in ("1", "true", "True"):
        channel = Channel.OFFLINE
    try:
        result = submit_report(
            author=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
            data=report_data,
            photos=photos,
            channel=channel,
            actor=request.actor,
        )
    except IdempotencyConflict as exc:
        body = {"detail": exc.message}
        if exc.report.author_id == request.user.pk:
            body["report_id"] = exc.report.pk
        return 409, body
    except SubmissionError as exc:
        return exc.status, {
            "detail": exc.message,
            "errors": {k: [str(e) for e in v] for k, v in exc.errors.items()},
        }
    return (201 if result.created else 200), report_out(result.report, created=result.created)


def _multipart_body(schema: type[Schema], files: str) -> dict:
    """The OpenAPI request body of a multipart form: ``schema``'s fields and ``files``, a
    repeated file field. What ninja writes for ``Form[schema]`` with ``File[list[...]]``,
    for a view that reads the form itself (see :func:`submit`)."""
    body = schema.model_json_schema()
    body["title"] = "MultiPartBodyParams"
    body["properties"][files] = {
        "items": {"format": "binary", "type": "string"},
        "maxItems": settings.REPORTS_MAX_PHOTOS,
        "title": files.replace("_", " ").title(),
        "type": "array",
    }
    return {"content": {"multipart/form-data": {"schema": body}}, "required": True}


@router.post(
    "/",
    response={
        201: ReportOut,
        200: ReportOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ConflictOut,
        413: ErrorOut,
        415: ErrorOut,
    },
    url_name="reports_submit",
    summary="Submit a daily report with photos",
    openapi_extra={"requestBody": _multipart_body(ReportIn, "photos")},
)
def submit(request):
    """Multipart form: the report's fields and up to six ``photos`` (JPEG, PNG, WebP,
    HEIC). 201: stored. 200: this key was stored before with the same content (photos
    missing then are added now). 409: this key was used for other content. 400: a field
    or a photo was refused, or a required field is missing, with a message per field in
    the person's language; nothing was stored."""
    # The form is read and checked by ReportForm (messages in Indonesian or English), not
    # by ninja from the schema as well (English only, and the same work twice).
    # A device token is the API; the signed-in browser (the form's script) is the web form.
    channel = Channel.API if "Authorization" in request.headers else Channel.WEB
    if request.content_type not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return Status(
            415,
            {
                "detail": _(
                    "Send the report as multipart/form-data (its fields and its photos), "
                    "not as %(type)s."
                )
                % {"type": request.content_type or "?"}
            },
        )
    queued_by = request.POST.get("queued_by")
    if queued_by and queued_by != str(request.user.pk):
        # Written on this phone by someone else who signed out: not stored as this person's
        # report; the phone keeps it until its author signs in (static/reports/queue.js).
        message = _(
            "This report was written on this phone by another person: it waits until they "
            "sign in to send it."
        )
        return JsonResponse(
            {"detail": message, "code": "other_person"}, status=403, content_type=JSON_TYPE
        )
    stray = sorted(name for name in request.FILES if name != "photos")
    if stray:
        message = _("Photos go in the file field “photos”; this request sent files in: %(names)s.")
        message %= {"names": ", ".join(stray)}
        return Status(400, {"detail": message, "errors": {"photos": [message]}})
    status, body = _submit_one(
        request, request.POST, request.FILES.getlist("photos"), channel=channel
    )
    if status in (200, 201) and channel == Channel.WEB and not request.POST.get("queued"):
        # The form's script goes to the report's page next: it says the report arrived,
        # as the form without the script does.
        if status == 201:
            messages.success(request, _("Report received. Thank you."))
        else:
            messages.info(request, _("This report had already arrived; nothing was doubled."))
    if status in (200, 201):
        # Written directly (Django's JSON encoder, as ninja's renderer uses): the answer is
        # made by report_out with exactly ReportOut's fields (a test checks it), and
        # validating it again took 0.1 ms of every report.
        return JsonResponse(body, status=status, content_type=JSON_TYPE)
    return Status(status, body)


_BATCH_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "title": "BatchBody",
                "type": "object",
                "required": ["reports"],
                "properties": {
                    "reports": {
                        "type": "string",
                        "description": (
                            f"JSON array of up to {MAX_BATCH} reports: each the fields of a "
                            "single submission, plus `photos`, the names of this request's "
                            "file fields that hold its photos."
                        ),
                    }
                },
                "additionalProperties": {"type": "string", "format": "binary"},
            }
        }
    },
    "required": True,
}


@router.post(
    "/batch",
    response={200: BatchOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut},
    url_name="reports_batch",
    summary="Submit many reports at once",
    openapi_extra={"requestBody": _BATCH_BODY},
)
def batch(request):
    """Multipart form: ``reports`` is a JSON array of report objects (the fields of
    the single submission, plus ``photos``: the names of file fields of this request
    holding that report's photos). Each report is stored in its own transaction and
    answered with its own status (201, 200, 400, 403 or 409), in order. At most 50
    reports and 100 files per request: send more as several batches."""
    reports = request.POST.get("reports")
    if reports is None:
        message = _("The field “reports” is missing: a JSON array of reports.")
        return Status(400, {"detail": message, "errors": {"reports": [message]}})
    try:
        items = json.loads(reports)
    except ValueError:
        return Status(400, {"detail": _("“reports” must be a JSON array of reports.")})
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return Status(400, {"detail": _("“reports” must be a JSON array of reports.")})
    if len(items) > MAX_BATCH:
        return Status(
            400, {"detail": _("At most %(count)s reports per batch.") % {"count": MAX_BATCH}}
        )
    results = []
    for index, item in enumerate(items):
        names = item.pop("photos", []) or []
        unreadable = _unreadable_item(item, names)
        if unreadable:
            results.append({"index": index, "status": 400, **unreadable})
            continue
        files = [f for name in names for f in request.FILES.getlist(str(name))]
        missing = [n for n in names if str(n) not in request.FILES]
        if missing:
            status, body = (
                400,
                {
                    "detail": _("Photo fields not found in the request: %(names)s")
                    % {"names": ", ".join(map(str, missing))}
                },
            )
        else:
            status, body = _submit_one(request, item, files, channel=Channel.BATCH)
        row = {"index": index, "status": status}
        if status in (200, 201):
            row["report"] = body
        else:
            row["detail"], row["errors"] = body.get("detail"), body.get("errors", {})
        results.append(row)
    return Status(200, {"results": results})


_PLAIN = (str, int, float, bool)


def _unreadable_item(item: dict, names) -> dict | None:
    """What is wrong with a batch item's shape (``detail`` and ``errors``), or None. A
    field is a text, a number, a boolean or null, or (links) a list of those; ``photos``
    is a list of file field names."""
    errors: dict[str, list[str]] = {}
    if not isinstance(names, list) or not all(isinstance(n, str | int) for n in names):
        errors["photos"] = [_("“photos” must be a list of the names of file fields.")]
    for key, value in item.items():
        values = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, _PLAIN) for v in values):
            errors[str(key)] = [_("Must be a text, a number or a list of them.")]
    if not errors:
        return None
    return {"detail": next(iter(errors.values()))[0], "errors": errors}


def _readable(request, report: Report) -> Report:
    if not can(request.actor, "reports.view", report):
        raise HttpError(404, _("No such report."))
    return report


def _with_photos(qs):
    return qs.select_related("unit").prefetch_related(
        Prefetch("photos", queryset=Photo.objects.order_by("slot"), to_attr="api_photos")
    )


@router.get(
    "/by-key/{key}",
    response={200: ReportOut, 401: ErrorOut, 404: ErrorOut},
    url_name="reports_by_key",
)
def by_key(request, key: str):
    """The report sent with this submission key (for a phone checking its queue)."""
    regency_ids = request.actor.regency_ids
    report = _with_photos(
        Report.objects.filter(regency_id__in=regency_ids, idempotency_key=key)
    ).first()
    if report is None:
        raise HttpError(404, _("No such report."))
    return report_out(_readable(request, report))


@router.get(
    "/{int:report_id}",
    response={200: ReportOut, 401: ErrorOut, 404: ErrorOut},
    url_name="reports_detail",
)
def detail(request, report_id: int):
    """A report's status, photos (derivative URLs only) and the verifier's decision."""
    report = _with_photos(Report.objects.filter(pk=report_id)).first()
    if report is None:
        raise HttpError(404, _("No such report."))
    return report_out(_readable(request, report))


class AnswerIn(Schema):
    """The reporter's answer to a hold (a multipart form field; photos in ``photos``)."""

    text: str = Field(max_length=2000)


@router.post(
    "/{int:report_id}/answer",
    response={
        200: ReportOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        415: ErrorOut,
    },
    url_name="reports_answer",
    summary="Answer a verifier's hold",
    openapi_extra={"requestBody": _multipart_body(AnswerIn, "photos")},
)
def answer(request, report_id: int):
    """The report's author answers a hold: ``text`` (what was done, or why) and any
    ``photos`` asked for. 200: the report, back with the verifiers (the same answer sent
    again changes nothing). 403: not the author, or the report is not on hold."""
    if request.content_type not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return Status(415, {"detail": _("Send the answer as multipart/form-data.")})
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        raise HttpError(404, _("No such report."))
    _readable(request, report)
    photos, errors = check_uploads(request.FILES.getlist("photos"))
    if errors:
        return Status(400, {"detail": errors[0], "errors": {"photos": errors}})
    try:
        answer_hold(
            report=report, author=request.user, text=request.POST.get("text", ""), photos=photos
        )
    except SubmissionForbidden as exc:
        return Status(403, {"detail": exc.message})
    except SubmissionError as exc:
        return Status(400, {"detail": exc.message, "errors": exc.errors})
    return report_out(_with_photos(Report.objects.filter(pk=report_id)).get())


@router.post("/ping", response={200: PingOut, 401: ErrorOut}, url_name="reports_ping")
def ping(request):
    """Authenticated no-op: lets a device check its token and connection (stores nothing)."""
    from django.utils import timezone

    return {"ok": True, "person_id": request.user.pk, "time": timezone.now()}


MAX_COMPLIANCE_DAYS = 366


@router.get(
    "/compliance",
    response={200: ComplianceOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="reports_compliance",
)
def compliance(
    request, unit: int, start: datetime.date | None = None, end: datetime.date | None = None
):
    """Compliance (%) of a unit over a range (default: the last 28 days), from rollups.
    Days after today are not counted (they cannot have been missed yet): ``end`` is
    answered as it was used. At most 366 days at a time; ``start`` after ``end`` is 400."""
    target = Unit.objects.select_related("regency").filter(pk=unit).first()
    if target is None:
        raise HttpError(404, _("No such unit."))
    if not can(request.actor, "reports.oversee", target):
        raise HttpError(403, _("You may not see this unit's compliance."))
    start, end, refused = _compliance_range(start, end, regency_today(target.regency))
    if refused is not None:
        return refused
    rate = compliance_rate(unit=target, start=start, end=end)
    return {
        "unit_id": target.pk,
        "start": start,
        "end": end,
        "rate": float(rate) if rate is not None else None,
    }


def _compliance_range(start, end, today):
    """(start, end) as the compliance answers use them, or a 400 answer: the range ends
    today at the latest (days after it cannot have been missed yet), 28 days by default,
    at most MAX_COMPLIANCE_DAYS."""
    end = min(end or today, today)
    start = start or end - datetime.timedelta(days=27)
    if start > end:
        message = _("The range starts after it ends (%(start)s to %(end)s).") % {
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        return None, None, Status(400, {"detail": message})
    if (end - start).days >= MAX_COMPLIANCE_DAYS:
        message = _("At most %(count)s days at a time.") % {"count": MAX_COMPLIANCE_DAYS}
        return None, None, Status(400, {"detail": message})
    return start, end, None


@router.get(
    "/compliance/clusters",
    response={200: ClustersComplianceOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    url_name="reports_compliance_clusters",
)
def compliance_clusters(
    request, start: datetime.date | None = None, end: datetime.date | None = None
):
    """Compliance (%) of each cluster of the person's regency over a range (default: the
    last 28 days), for those who oversee the whole regency; names in the answer's
    language. The same range rules as ``/compliance``."""
    regency = current_regency(request)
    if regency is None or not request.actor.reads_all(regency):
        raise HttpError(403, _("Only those who oversee the whole regency see every cluster."))
    start, end, refused = _compliance_range(start, end, regency_today(regency))
    if refused is not None:
        return refused
    rows = cluster_compliance(regency=regency, start=start, end=end)
    return {
        "start": start,
        "end": end,
        "clusters": [
            {
                "cluster_id": row.cluster.pk,
                "code": row.cluster.code,
                "name": row.cluster.localized_name,
                "units": row.units,
                "expected_days": row.expected,
                "reported_days": row.reported,
                "rate": float(row.rate) if row.rate is not None else None,
            }
            for row in rows
        ],
    }

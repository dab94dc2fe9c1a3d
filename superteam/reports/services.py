"""Reports services: submitting (idempotently), processing photos, flagging, verifying.

The HTML form, the JSON API, the batch endpoint, the demo and the benchmark all submit
through :func:`submit_report`. A report, its photos and its rollup counters commit in one
transaction with the ledger entry; the original files are written just before it and
removed again if it fails, so a failed submission leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import logging
import os
import secrets
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from superteam.core import fastsql
from superteam.core.permissions import actor_for, can
from superteam.ledger.services import prepare_record, record
from superteam.reports import photos as photo_checks
from superteam.reports.compliance import (  # noqa: F401 - part of this app's service API
    bump_unit_day,
    compliance_rate,
    enrol_reporting_units,
    is_working_day,
    working_days,
)
from superteam.reports.models import (
    WARNING_FLAGS,
    Channel,
    Decision,
    FlagKind,
    Photo,
    PhotoFlag,
    PhotoStatus,
    Reply,
    Report,
    ReportStatus,
    UnitDay,
    Verification,
    private_storage,
)

log = logging.getLogger(__name__)

KEY_ALPHABET = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.")


class SubmissionError(Exception):
    """A submission that cannot be accepted; ``status`` is the HTTP status to answer."""

    status = 400

    def __init__(self, message: str, *, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class SubmissionForbidden(SubmissionError):
    status = 403


class IdempotencyConflict(SubmissionError):
    """The key was used before for a report with other content."""

    status = 409

    def __init__(self, message: str, *, report: Report):
        super().__init__(message)
        self.report = report


@dataclass
class ReportData:
    """The content of a submission, already validated field by field (see forms.py)."""

    unit: object
    position: object
    date: datetime.date
    title: str
    narrative: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    location_name: str = ""
    photos_expected: int = 0
    client_created_at: datetime.datetime | None = None
    innovations: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    # (indicator, value or None): indicators the report is about, with the value read
    readings: list[tuple[object, Decimal | None]] = field(default_factory=list)

    def canonical(self, author_id: int) -> dict:
        """The fields the content hash covers: what the person wrote, not how it travelled."""

        def dec(v):
            return None if v is None else f"{Decimal(v):.6f}"

        return {
            "author": author_id,
            "unit": self.unit.pk,
            "position": self.position.pk,
            "date": self.date.isoformat(),
            "title": self.title.strip(),
            "narrative": self.narrative.strip().replace("\r\n", "\n"),
            "lat": dec(self.latitude),
            "lon": dec(self.longitude),
            "place": self.location_name.strip(),
            "photos": self.photos_expected,
            "innovations": sorted(i.pk for i in self.innovations),
            "decisions": sorted(d.pk for d in self.decisions),
            "readings": sorted(
                (i.pk, None if v is None else f"{Decimal(v).normalize():f}")
                for i, v in self.readings
            ),
        }


def content_hash(*, author, data: ReportData) -> str:
    text = json.dumps(data.canonical(author.pk), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def new_idempotency_key() -> str:
    """A key for a form rendered by the server (the phone's script makes its own)."""
    return secrets.token_urlsafe(18)


def clean_idempotency_key(key: str) -> str:
    key = (key or "").strip()
    if not 8 <= len(key) <= 80 or not set(key) <= KEY_ALPHABET:
        raise SubmissionError(
            _(
                "The submission key must be 8 to 80 letters, digits or -_:. characters; "
                "the app makes one for every new report."
            ),
            errors={"idempotency_key": [_("Invalid submission key.")]},
        )
    return key


@dataclass
class SubmissionResult:
    report: Report
    created: bool
    photos_added: int = 0


def regency_today(regency, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date where the regency is (WIB, WITA or WIT)."""
    return timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(regency.time_zone)).date()


def _check_allowed(*, author, data: ReportData, actor=None) -> None:
    if actor is None or actor.person is None or actor.person.pk != author.pk:
        actor = actor_for(author)
    if not actor.holds(data.position):
        raise SubmissionForbidden(
            _("You do not hold the position %(position)s today.")
            % {"position": data.position.title}
        )
    if not can(actor, "reports.submit_for", {"unit": data.unit, "position": data.position}):
        raise SubmissionForbidden(
            _("As %(position)s you cannot report for %(unit)s.")
            % {"position": data.position.title, "unit": data.unit.name}
        )


def _check_date(*, regency, day: datetime.date, now: datetime.datetime) -> None:
    today = regency_today(regency, now)
    if day > today:
        raise SubmissionError(
            _("A report cannot be dated in the future."),
            errors={"date": [_("A report cannot be dated in the future.")]},
        )
    oldest = today - datetime.timedelta(days=settings.REPORTS_BACKDATE_DAYS)
    if day < oldest:
        message = _("Reports can be sent up to %(days)s days late; this one is dated %(day)s.") % {
            "days": settings.REPORTS_BACKDATE_DAYS,
            "day": date_format(day, "DATE_FORMAT"),  # "1 Oktober 2026", "Oct. 1, 2026"
        }
        raise SubmissionError(message, errors={"date": [message]})


def _store_originals(*, regency, photos: list) -> list[str]:
    """Write the originals to private storage (before the transaction; see module doc)."""
    names = []
    storage = private_storage()
    now = timezone.now()
    try:
        for checked in photos:
            name = f"reports/{regency.pk}/{now:%Y/%m}/{secrets.token_hex(16)}.{checked.extension}"
            names.append(_write_new(storage, name, checked.data))
    except Exception:
        _delete_files(storage, names)
        raise
    return names


_DIRECTORIES: set[str] = set()


def _write_new(storage, name: str, data: bytes) -> str:
    """Write a new file. On the file system (the default) the name, random, is created
    exclusively (O_EXCL) in one system call instead of the storage's existence checks,
    temporary name and chunked copy; other storages (S3, ...) save it their way.

    The file and its folder's entry are on disk before this returns (``fdatasync``, then
    ``fsync`` of the folder), so a report is never committed, and answered, with evidence
    that a power cut could still take back. Its pages are then released from the page
    cache: the server never reads an original again (the worker reads it once, later), and
    pages released are what the next report's photo is written into, instead of memory
    the system takes fresh each time (on this project's 2-CPU VM, copying into fresh pages
    was 13 % of a report's CPU, 0.75 % after; docs/reports.md, "Originals synced")."""
    if not isinstance(storage, FileSystemStorage):
        return storage.save(name, ContentFile(data))
    path = storage.path(name)
    directory = os.path.dirname(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        if directory not in _DIRECTORIES:
            raise FileNotFoundError(directory)
        fd = os.open(path, flags, 0o666)
    except FileNotFoundError:  # first file of the month, or the folder was removed since
        os.makedirs(directory, mode=storage.directory_permissions_mode or 0o777, exist_ok=True)
        # The folders' own entries on disk too (once per folder and process).
        root = os.path.abspath(storage.location)
        parent = os.path.dirname(directory)
        while parent.startswith(root + os.sep):
            _sync_directory(parent)
            parent = os.path.dirname(parent)
        if parent == root:
            _sync_directory(root)
        _DIRECTORIES.add(directory)
        fd = os.open(path, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            _sync_and_release(fd)
        if storage.file_permissions_mode is not None:
            os.chmod(path, storage.file_permissions_mode)
        _sync_directory(directory)
    except BaseException:
        os.unlink(path)
        raise
    return name


def _sync_and_release(fd: int) -> None:
    """The file's data on disk, then its cached pages released (where the system can)."""
    getattr(os, "fdatasync", os.fsync)(fd)
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _sync_directory(directory: str) -> None:
    """A new file's entry in its folder on disk (POSIX; elsewhere the file system's own)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _delete_files(storage, names) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - best effort; the file is unreachable anyway
            log.warning("Could not remove %s after a failed submission", name)


def submit_report(
    *,
    author,
    idempotency_key: str,
    data: ReportData,
    photos: list | None = None,
    channel: str = Channel.WEB,
    received_at: datetime.datetime | None = None,
    actor=None,
    process_photos: bool = True,
) -> SubmissionResult:
    """Store a report with its photos once per idempotency key.

    Same key and same content: the stored report (``created`` False), and photos that were
    missing are filled in. Same key, other content: :class:`IdempotencyConflict`.
    ``received_at`` is for imports of earlier reports (and the demo); default: now.
    ``actor``: the author as an Actor when the caller has one (saves a query).
    ``process_photos``: queue the photos' processing (False: the caller, a bulk import or
    the demo, calls :func:`process_photo` itself)."""
    photos = photos or []
    key = clean_idempotency_key(idempotency_key)
    regency = data.unit.regency
    data.photos_expected = max(data.photos_expected or 0, len(photos))
    if data.photos_expected > settings.REPORTS_MAX_PHOTOS:
        message = _("At most %(count)s photos per report.") % {"count": settings.REPORTS_MAX_PHOTOS}
        raise SubmissionError(message, errors={"photos": [message]})
    digest = content_hash(author=author, data=data)
    now = received_at or timezone.now()
    # Most submissions are new: no lookup of the key first. A resend is recognised by the
    # unique key when its insert fails, or here, when it could not be sent anew any more
    # (dated too long ago, a position since left) but was stored before.
    try:
        _check_allowed(author=author, data=data, actor=actor)
        _check_date(regency=regency, day=data.date, now=now)
    except SubmissionError:
        existing = _stored(regency=regency, key=key)
        if existing is None:
            raise
        return _replay(existing, digest=digest, photos=photos, actor=author, data=data)
    names = _store_originals(regency=regency, photos=photos)
    try:
        rows = _NewReport(
            author=author,
            key=key,
            digest=digest,
            data=data,
            photos=photos,
            names=names,
            channel=channel,
            now=now,
            process_photos=process_photos,
        )
        with transaction.atomic():
            report = rows.store()
    except IntegrityError:
        # The key was stored before (a resend), or by an identical submission at the same
        # moment: nothing of this one remains; answer with the stored report.
        _delete_files(private_storage(), names)
        existing = _stored(regency=regency, key=key)
        if existing is None:
            raise
        return _replay(existing, digest=digest, photos=photos, actor=author, data=data)
    except BaseException:
        _delete_files(private_storage(), names)
        raise
    return SubmissionResult(report=report, created=True, photos_added=len(photos))


def _stored(*, regency, key: str) -> Report | None:
    return Report.objects.filter(regency=regency, idempotency_key=key).first()


class _NewReport:
    """A new report's rows, prepared before its transaction and stored inside it.

    On SQLite the transaction holds the database's one write lock from its first statement
    (transactions are IMMEDIATE) and every other report waits for it; on PostgreSQL the
    ledger append holds the regency's chain head. So everything that does not need the
    database (the rows' values, the task rows, the ledger event made canonical) is done
    here first, and :meth:`store` only runs statements."""

    def __init__(
        self, *, author, key, digest, data: ReportData, photos, names, channel, now, process_photos
    ):
        self.author, self.data, self.now = author, data, now
        regency = data.unit.regency
        self.report = fastsql.prepare(
            Report(
                regency=regency,
                unit=data.unit,
                date=data.date,
                author=author,
                position=data.position,
                title=data.title.strip(),
                narrative=data.narrative.strip(),
                latitude=data.latitude,
                longitude=data.longitude,
                location_name=data.location_name.strip(),
                idempotency_key=key,
                content_hash=digest,
                photos_expected=data.photos_expected,
                channel=channel,
                submitted_at=now,
                client_created_at=data.client_created_at,
            )
        )
        received = [
            Photo(
                regency=regency,
                slot=slot,
                status=PhotoStatus.RECEIVED,
                original=name,
                original_name=checked.name,
                format=checked.short_format,
                byte_size=len(checked.data),
                width=checked.width,
                height=checked.height,
                sha256=checked.sha256,
            )
            for slot, (checked, name) in enumerate(zip(photos, names, strict=True), start=1)
        ]
        self.missing = data.photos_expected - len(photos)
        missing = [
            Photo(regency=regency, slot=len(photos) + i, status=PhotoStatus.MISSING)
            for i in range(1, self.missing + 1)
        ]
        self.photos = [fastsql.prepare(photo) for photo in received + missing]
        self.received = len(received)
        self.tasks = _prepare_processing(len(received)) if process_photos else None
        self.event = prepare_record(
            regency=regency,
            kind="reports.submitted",
            subject_model=Report,
            actor=author,
            payload={
                "unit": data.unit.pk,
                "date": data.date,
                "position": data.position.pk,
                "content_hash": digest,
                "photos": [c.sha256 for c in photos],
                "photos_missing": self.missing,
                "channel": channel,
            },
        )

    def store(self) -> Report:
        """Insert the rows (inside the transaction)."""
        data = self.data
        report = self.report.insert()
        rows = [photo.set(report=report).insert() for photo in self.photos]
        report.api_photos = rows  # what the API answers with, without reading them back
        _link(report=report, data=data, actor=self.author, at=self.now)
        bump_unit_day(
            regency_id=report.regency_id,
            unit_id=data.unit.pk,
            day=data.date,
            first_at=self.now,
            reports=1,
            photos=self.received,
            photos_missing=self.missing,
        )
        if self.tasks is not None:
            self.tasks([row.pk for row in rows[: self.received]])
        # Last: appending to the regency's chain locks its head row until the commit, and every
        # report of the regency waits for that lock; nothing else happens while it is held.
        self.event.append(subject=report)
        return report


def _link(*, report: Report, data: ReportData, actor, at) -> None:
    """Links to other apps (innovations, indicators, rakor decisions) as they exist."""
    from superteam.reports import links

    links.attach(report=report, data=data, actor=actor, at=at)


def _replay(
    report: Report, *, digest: str, photos: list, actor, data: ReportData
) -> SubmissionResult:
    """A resend with a known key: the stored report, or a conflict if the content differs.

    The number of photos is "at least": a resend that carries fewer photos than the report
    expects and does not say how many (a client resending the fields alone) is the same
    report, not other content."""
    if (
        report.content_hash != digest
        and data.photos_expected < report.photos_expected
        and report.author_id == getattr(actor, "pk", None)
    ):
        counted = dataclasses.replace(data, photos_expected=report.photos_expected)
        digest = content_hash(author=actor, data=counted)
    if report.content_hash != digest and report.author_id != getattr(actor, "pk", None):
        # Someone else's report: say nothing of it (its title and date are not theirs to see).
        raise IdempotencyConflict(
            _(
                "This submission key was already used for another report. Nothing was "
                "stored; start a new report, which gets a new key."
            ),
            report=report,
        )
    if report.content_hash != digest:
        raise IdempotencyConflict(
            _(
                "This submission key was already used for another report (“%(title)s”, "
                "%(day)s) with different content. Nothing was stored; start a new report "
                "to send different content."
            )
            % {"title": report.title, "day": report.date.isoformat()},
            report=report,
        )
    stored = {p.sha256 for p in report.photos.exclude(status=PhotoStatus.MISSING)}
    new = [c for c in photos if c.sha256 not in stored]
    new = list({c.sha256: c for c in new}.values())
    if not new:
        return SubmissionResult(report=report, created=False)
    return _fill_missing(report=report, photos=new, actor=actor)


def _fill_missing(*, report: Report, photos: list, actor) -> SubmissionResult:
    """Photos that did not arrive the first time, sent again with the same key."""
    names = _store_originals(regency=report.regency, photos=photos)
    try:
        with transaction.atomic():
            slots = list(
                Photo.objects.select_for_update()
                .filter(report=report, status=PhotoStatus.MISSING)
                .order_by("slot")
            )
            if len(slots) < len(photos):
                raise IdempotencyConflict(
                    _(
                        "This submission key was already used for a report with other "
                        "photos. Nothing was stored; start a new report to send other photos."
                    ),
                    report=report,
                )
            for slot, checked, name in zip(slots, photos, names, strict=False):
                slot.status = PhotoStatus.RECEIVED
                slot.original = name
                slot.original_name = checked.name
                slot.format = checked.short_format
                slot.byte_size = len(checked.data)
                slot.width, slot.height = checked.width, checked.height
                slot.sha256 = checked.sha256
                slot.save()
            bump_unit_day(
                regency_id=report.regency_id,
                unit_id=report.unit_id,
                day=report.date,
                photos=len(photos),
                photos_missing=-len(photos),
            )
            record(
                regency=report.regency_id,
                kind="reports.photos_received",
                subject=report,
                actor=actor,
                payload={"photos": [c.sha256 for c in photos]},
            )
            _enqueue_processing([s.pk for s in slots[: len(photos)]])
    except BaseException:
        _delete_files(private_storage(), names)
        raise
    return SubmissionResult(report=report, created=False, photos_added=len(photos))


def _enqueue_processing(photo_ids: list[int]) -> None:
    """Queue the photos' processing (see :func:`_prepare_processing`)."""
    _prepare_processing(len(photo_ids))(photo_ids)


def _prepare_processing(count: int):
    """What queues the processing of ``count`` photos, given their keys: with the database
    task backend the task rows are prepared now and written in the report's own transaction
    (they commit or vanish with it: no photo is left unqueued by a crash between the two);
    other backends are called after the commit."""
    from django_tasks_db.backend import DatabaseBackend

    from superteam.reports.tasks import process_photo_task

    backend = process_photo_task.get_backend()
    if isinstance(backend, DatabaseBackend):
        prepare = getattr(backend, "prepare", None)  # this project's backend; not the original
        prepared = [prepare(process_photo_task) if prepare else None for _ in range(count)]

        def enqueue(photo_ids):
            for task, pk in zip(prepared, photo_ids, strict=True):
                if task is None:
                    process_photo_task.enqueue(pk)
                else:
                    task.enqueue((pk,))

        return enqueue

    def after_commit(photo_ids):
        def enqueue():
            for pk in photo_ids:
                process_photo_task.enqueue(pk)

        if photo_ids:
            transaction.on_commit(enqueue)

    return after_commit


def process_photo(*, photo_id: int) -> Photo | None:
    """Make a photo's derivatives, read its EXIF facts and hashes, then flag what a verifier
    should see. Idempotent: a photo already processed is only re-checked."""
    photo = (
        Photo.objects.select_related("report", "report__unit", "regency")
        .filter(pk=photo_id)
        .first()
    )
    if photo is None or photo.status == PhotoStatus.MISSING:
        return photo
    if photo.status != PhotoStatus.READY:
        try:
            with private_storage().open(photo.original.name, "rb") as fh:
                data = fh.read()
            facts = photo_checks.read_original(data, time_zone=photo.regency.time_zone)
        except Exception as exc:
            log.exception("Photo %s could not be processed", photo.pk)
            _mark_failed(photo, str(exc)[:200] or exc.__class__.__name__)
            return photo
        _save_facts(photo, facts)
    check_photo(photo=photo)
    return photo


def _save_facts(photo: Photo, facts) -> None:
    base = f"reports/{photo.created_at:%Y/%m}/{secrets.token_urlsafe(12)}"
    thumb = default_storage.save(f"{base}-t.jpg", ContentFile(facts.thumbnail))
    display = default_storage.save(f"{base}-d.jpg", ContentFile(facts.display))
    ph = photo_checks.bands(facts.phash)
    dh = photo_checks.bands(facts.dhash)
    updated = Photo.objects.filter(pk=photo.pk).exclude(status=PhotoStatus.READY)
    changed = updated.update(
        status=PhotoStatus.READY,
        thumbnail=thumb,
        display=display,
        taken_at=facts.taken_at,
        gps_latitude=facts.latitude,
        gps_longitude=facts.longitude,
        camera=facts.camera,
        phash=photo_checks.to_signed(facts.phash),
        dhash=photo_checks.to_signed(facts.dhash),
        ph0=ph[0],
        ph1=ph[1],
        ph2=ph[2],
        ph3=ph[3],
        dh0=dh[0],
        dh1=dh[1],
        dh2=dh[2],
        dh3=dh[3],
        processed_at=timezone.now(),
        error="",
    )
    if not changed:  # processed meanwhile by another worker: keep theirs
        default_storage.delete(thumb)
        default_storage.delete(display)
    photo.refresh_from_db()


def _mark_failed(photo: Photo, error: str) -> None:
    Photo.objects.filter(pk=photo.pk).update(
        status=PhotoStatus.FAILED, error=error, processed_at=timezone.now()
    )
    photo.refresh_from_db()
    raise_flag(photo=photo, kind=FlagKind.UNREADABLE, details={"error": error})


def raise_flag(
    *, photo: Photo, kind: str, details: dict | None = None, matched: Photo | None = None
) -> PhotoFlag | None:
    """Record a flag once; the first warning on a photo counts it as flagged in the report
    and the unit's rollup, and goes to the ledger."""
    report = photo.report
    with transaction.atomic():
        locked = Photo.objects.select_for_update().get(pk=photo.pk)
        exists = PhotoFlag.objects.filter(photo=locked, kind=kind, matched_photo=matched).exists()
        if exists:
            return None
        first_warning = (
            kind in WARNING_FLAGS
            and not PhotoFlag.objects.filter(photo=locked, kind__in=WARNING_FLAGS).exists()
        )
        flag = PhotoFlag.objects.create(
            regency_id=photo.regency_id,
            photo=locked,
            report=report,
            report_date=report.date,
            kind=kind,
            details=json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder)),
            matched_photo=matched,
        )
        if first_warning:
            Report.objects.filter(pk=report.pk).update(flagged_photos=F("flagged_photos") + 1)
            bump_unit_day(
                regency_id=report.regency_id,
                unit_id=report.unit_id,
                day=report.date,
                flagged_photos=1,
            )
        if kind in WARNING_FLAGS:
            record(
                regency=report.regency_id,
                kind="reports.photo_flagged",
                subject=report,
                payload={"photo": photo.pk, "flag": kind, "matched_photo": matched},
            )
    return flag


def check_photo(*, photo: Photo) -> list[PhotoFlag]:
    """Compare a processed photo with its report (day, place) and with every earlier photo."""
    report, unit = photo.report, photo.report.unit
    raised = []
    if photo.taken_at is None:
        raised.append(raise_flag(photo=photo, kind=FlagKind.NO_TIME))
    else:
        tz = zoneinfo.ZoneInfo(photo.regency.time_zone)
        taken_on = timezone.localtime(photo.taken_at, tz).date()
        if abs((taken_on - report.date).days) > settings.REPORTS_DAY_TOLERANCE:
            raised.append(
                raise_flag(
                    photo=photo,
                    kind=FlagKind.WRONG_DAY,
                    details={"taken_on": taken_on, "report_date": report.date},
                )
            )
    if photo.gps_latitude is None:
        raised.append(raise_flag(photo=photo, kind=FlagKind.NO_LOCATION))
    elif unit.latitude is None or unit.longitude is None:
        raised.append(
            raise_flag(
                photo=photo, kind=FlagKind.NO_LOCATION, details={"unit_without_location": True}
            )
        )
    else:
        km = photo_checks.distance_km(
            float(photo.gps_latitude),
            float(photo.gps_longitude),
            float(unit.latitude),
            float(unit.longitude),
        )
        if km > settings.REPORTS_MAX_DISTANCE_KM:
            raised.append(
                raise_flag(
                    photo=photo,
                    kind=FlagKind.WRONG_PLACE,
                    details={
                        "distance_km": round(km, 1),
                        "limit_km": settings.REPORTS_MAX_DISTANCE_KM,
                        "unit": unit.name,
                    },
                )
            )
    for later, earlier, identical, distance in find_reuse(photo=photo):
        raised.append(
            raise_flag(
                photo=later,
                kind=FlagKind.REUSED,
                matched=earlier,
                details={
                    "identical": identical,
                    "distance": distance,
                    "unit": earlier.report.unit.name,
                    "date": earlier.report.date,
                    "title": earlier.report.title,
                    "report": earlier.report_id,
                },
            )
        )
    return [f for f in raised if f is not None]


MAX_REUSE_CANDIDATES = 2000


def find_reuse(*, photo: Photo) -> list[tuple[Photo, Photo, bool, int]]:
    """Photos that look like this one and belong to another unit or another day, as
    (later, earlier, identical file, pHash distance). Candidates come from the band
    indexes (see photos.py), so the cost does not grow with the number of photos."""
    if photo.phash is None:
        return []
    ph = photo_checks.bands(photo_checks.to_unsigned(photo.phash))
    dh = photo_checks.bands(photo_checks.to_unsigned(photo.dhash))
    terms = [{"sha256": photo.sha256}]
    if not photo_checks.is_degenerate(photo.phash):
        for i in range(4):
            terms += [{f"ph{i}": ph[i]}, {f"dh{i}": dh[i]}]
    # One SELECT per term, joined by UNION: each is a lookup in its own index. Written as
    # one WHERE with ORs, both databases preferred the status index and read every
    # processed photo of the regency.
    mine = Photo.objects.filter(regency_id=photo.regency_id)
    lookups = [mine.filter(**term).order_by().values_list("pk", flat=True) for term in terms]
    near = list(lookups[0].union(*lookups[1:])[:MAX_REUSE_CANDIDATES])
    candidates = (
        Photo.objects.filter(pk__in=near, status=PhotoStatus.READY)
        .exclude(report_id=photo.report_id)
        .select_related("report", "report__unit")
        .order_by("created_at", "pk")[:200]
    )
    limit = settings.REPORTS_REUSE_MAX_DISTANCE
    found = []
    for other in candidates:
        identical = bool(photo.sha256) and other.sha256 == photo.sha256
        distance = photo_checks.hamming(photo.phash, other.phash)
        similar = (
            distance <= limit
            and photo_checks.hamming(photo.dhash, other.dhash) <= limit
            and not photo_checks.is_degenerate(other.phash)
        )
        if not (identical or similar):
            continue
        same_unit = other.report.unit_id == photo.report.unit_id
        if same_unit and other.report.date == photo.report.date:
            continue  # two photos of the same day's work in one unit are not reuse
        if (other.created_at, other.pk) < (photo.created_at, photo.pk):
            found.append((photo, other, identical, distance))
        else:
            found.append((other, photo, identical, distance))
    return found


def requeue_unprocessed(*, older_than: datetime.timedelta = datetime.timedelta(minutes=10)):
    """Photos received but still unprocessed (a worker died, a queue was lost): queue again."""
    from superteam.reports.tasks import process_photo_task

    cutoff = timezone.now() - older_than
    ids = list(
        Photo.objects.filter(status=PhotoStatus.RECEIVED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in ids:
        process_photo_task.enqueue(pk)
    return len(ids)


# --- Verification ------------------------------------------------------------------------

_STATUS_COUNTER = {
    ReportStatus.APPROVED: "approved",
    ReportStatus.ON_HOLD: "on_hold",
    ReportStatus.REJECTED: "rejected",
}


def verify_report(*, report: Report, verifier, decision: str, comment: str = "") -> Report:
    """A verifier approves, holds or rejects a report (a comment is required to hold or
    reject); the reporter sees the outcome and is told by email when action is needed."""
    if decision not in Decision.values:
        raise SubmissionError(_("Unknown decision."))
    comment = (comment or "").strip()
    if decision != Decision.APPROVE and not comment:
        raise SubmissionError(
            _("Say why, so the reporter knows what to do."),
            errors={"comment": [_("A comment is required to hold or reject a report.")]},
        )
    if not can(verifier, "reports.verify", report):
        raise SubmissionForbidden(_("You may not verify this report."))
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        previous = locked.status
        now = timezone.now()
        locked.status = decision
        locked.verified_by = verifier
        locked.verified_at = now
        locked.verification_comment = comment
        locked.save(update_fields=["status", "verified_by", "verified_at", "verification_comment"])
        Verification.objects.create(
            regency_id=locked.regency_id,
            report=locked,
            verifier=verifier,
            decision=decision,
            comment=comment,
            at=now,
        )
        deltas = {}
        if previous in _STATUS_COUNTER:
            deltas[_STATUS_COUNTER[previous]] = -1
        deltas[_STATUS_COUNTER[decision]] = deltas.get(_STATUS_COUNTER[decision], 0) + 1
        bump_unit_day(
            regency_id=locked.regency_id, unit_id=locked.unit_id, day=locked.date, **deltas
        )
        record(
            regency=locked.regency_id,
            kind="reports.verified",
            subject=locked,
            actor=verifier,
            payload={"decision": decision, "previous": previous, "comment": comment},
        )
        if decision != Decision.APPROVE:
            from superteam.reports.tasks import notify_reporter_task

            pk = locked.pk
            transaction.on_commit(lambda: notify_reporter_task.enqueue(pk))
    return locked


MAX_REPLY = 2000


@dataclass(frozen=True)
class AnswerResult:
    report: Report
    created: bool  # False: the same answer had already arrived (sent twice)


def answer_hold(*, report: Report, author, text: str, photos: list | None = None) -> AnswerResult:
    """The reporter answers a hold: a note (required) and any photos added (checked like a
    report's); the report goes back to the verifiers, and the verifier who held it is told.
    The added photos' files are written before the transaction, as a report's are."""
    photos = photos or []
    text = (text or "").strip()
    if not text:
        message = _("Say what you did or why, so the verifier can decide again.")
        raise SubmissionError(message, errors={"text": [message]})
    if len(text) > MAX_REPLY:
        message = _("At most %(count)s characters.") % {"count": MAX_REPLY}
        raise SubmissionError(message, errors={"text": [message]})
    if report.status == ReportStatus.SUBMITTED:
        last = report.replies.first()
        if last is not None and last.author_id == author.pk and last.text == text:
            return AnswerResult(report, created=False)  # a double tap, or a resend
    if not can(author, "reports.answer", report):
        raise SubmissionForbidden(_("Only the report's author answers a hold, while it lasts."))
    room = settings.REPORTS_MAX_PHOTOS - report.photos.count()
    if len(photos) > room:
        message = _("This report can take %(count)s more photos at most.") % {"count": max(room, 0)}
        raise SubmissionError(message, errors={"photos": [message]})
    names = _store_originals(regency=report.regency, photos=photos)
    try:
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            if locked.status != ReportStatus.ON_HOLD:
                # A verifier decided in the meantime: the answer is not needed any more.
                raise SubmissionError(
                    _("The report is no longer on hold: %(status)s.")
                    % {"status": locked.get_status_display()}
                )
            now = timezone.now()
            first = (locked.photos.aggregate(m=Max("slot"))["m"] or 0) + 1
            added = Photo.objects.bulk_create(
                [
                    Photo(
                        regency_id=locked.regency_id,
                        report=locked,
                        slot=first + i,
                        status=PhotoStatus.RECEIVED,
                        original=name,
                        original_name=checked.name,
                        format=checked.short_format,
                        byte_size=len(checked.data),
                        width=checked.width,
                        height=checked.height,
                        sha256=checked.sha256,
                    )
                    for i, (checked, name) in enumerate(zip(photos, names, strict=True))
                ]
            )
            locked.status = ReportStatus.SUBMITTED
            locked.photos_expected += len(added)
            locked.save(update_fields=["status", "photos_expected"])
            Reply.objects.create(
                regency_id=locked.regency_id,
                report=locked,
                author=author,
                text=text,
                photos_added=len(added),
                at=now,
            )
            bump_unit_day(
                regency_id=locked.regency_id,
                unit_id=locked.unit_id,
                day=locked.date,
                on_hold=-1,
                photos=len(added),
            )
            record(
                regency=locked.regency_id,
                kind="reports.answered",
                subject=locked,
                actor=author,
                payload={"text": text, "photos": [c.sha256 for c in photos]},
            )
            ids = [photo.pk for photo in added]  # both databases return the new keys
            _enqueue_processing(ids)
            from superteam.reports.tasks import notify_verifier_task

            pk = locked.pk
            transaction.on_commit(lambda: notify_verifier_task.enqueue(pk))
    except BaseException:
        _delete_files(private_storage(), names)
        raise
    return AnswerResult(locked, created=True)


# --- For other apps ----------------------------------------------------------------------


def public_photos(*, report: Report) -> list[dict]:
    """The report's photos that may be shown publicly: derivative URLs only, never the
    original; ``flagged`` tells which ones a verifier questioned. A rejected report has
    none (one query)."""
    if report.status == ReportStatus.REJECTED:
        return []
    warned = PhotoFlag.objects.filter(photo=OuterRef("pk"), kind__in=WARNING_FLAGS)
    rows = []
    for p in (
        report.photos.filter(status=PhotoStatus.READY)
        .annotate(flagged=Exists(warned))
        .order_by("slot")
    ):
        if p.display and p.thumbnail:
            rows.append(
                {
                    "id": p.pk,
                    "thumbnail_url": p.thumbnail.url,
                    "display_url": p.display.url,
                    "width": p.width,
                    "height": p.height,
                    "flagged": p.flagged,
                }
            )
    return rows


def reports_of_day(*, regency, day: datetime.date):
    """Reports of a day (an index range), newest first."""
    return Report.objects.filter(regency=regency, date=day).order_by("-submitted_at")


def unit_day(*, unit, day: datetime.date) -> UnitDay | None:
    return UnitDay.objects.filter(unit=unit, date=day).first()

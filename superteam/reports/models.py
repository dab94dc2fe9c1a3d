"""Daily reports with photo evidence, the holiday calendar, and the rollups dashboards read.

Vocabulary: a *laporan harian* is a unit's daily report; *rakor* the cluster coordination
meeting; *cuti bersama* the collective leave days the government adds around holidays;
*jemput bola* ("fetching the ball") outreach where staff go to residents instead of waiting.

Big tables (Report, Photo, PhotoFlag) carry the regency (the Citus distribution column);
pages never aggregate them: they read :class:`UnitDay`, maintained as reports arrive.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from superteam.core.models import RegencyScoped, regency_key


def private_storage():
    """Originals (with EXIF and GPS) live here and leave only through a permission check."""
    return storages["private"]


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting verification")
    APPROVED = "approved", _("Approved")
    ON_HOLD = "on_hold", _("On hold")
    REJECTED = "rejected", _("Rejected")


class Channel(models.TextChoices):
    """How a report reached the server."""

    WEB = "web", _("Web form")
    OFFLINE = "offline", _("Sent later from the phone's queue")
    API = "api", _("API")
    BATCH = "batch", _("API batch")


class ReportQuerySet(models.QuerySet):
    def for_unit(self, unit):
        return self.filter(unit=unit)

    def on(self, day: datetime.date):
        return self.filter(date=day)

    def awaiting_verification(self):
        return self.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.ON_HOLD])

    def verifiable_by(self, actor, regency):
        """The regency's reports this person may verify: all of them for its verifiers,
        the units under them for heads; never their own."""
        reports = self.filter(regency=regency).exclude(author_id=actor.person.pk)
        if actor.is_verifier and actor.in_regency(regency):
            return reports
        scope = Q(pk__in=[])
        for unit in actor.headed_units:
            scope |= Q(unit__path__startswith=unit.path)
        return reports.filter(scope)


class Report(RegencyScoped):
    """A unit's report of one day's work, written by a person acting in a position."""

    # No index of their own for the regency, unit and author: the report's indexes begin
    # with them (one B-tree fewer to write for every report, each).
    regency = regency_key(db_index=False)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
    )
    date = models.DateField(_("date of the activity"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
    )
    position = models.ForeignKey(
        "org.Position",
        verbose_name=pgettext_lazy("jabatan", "position"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    title = models.CharField(_("title"), max_length=160)
    narrative = models.TextField(_("what was done"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_name = models.CharField(_("place"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("submission key"), max_length=80)
    content_hash = models.CharField(_("content hash"), max_length=64)
    photos_expected = models.PositiveSmallIntegerField(_("photos announced"), default=0)
    flagged_photos = models.PositiveSmallIntegerField(_("flagged photos"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    channel = models.CharField(
        _("sent through"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    submitted_at = models.DateTimeField(_("received"))
    client_created_at = models.DateTimeField(_("written on the device"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # partial index below: a new report has no verifier to index
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verification_comment = models.TextField(_("verifier's comment"), blank=True)
    innovations = models.ManyToManyField(
        "innovations.Innovation",
        verbose_name=_("innovations"),
        blank=True,
        related_name="daily_reports",
    )
    decisions = models.ManyToManyField(
        "meetings.Decision",
        verbose_name=_("rakor decisions acted on"),
        blank=True,
        related_name="daily_reports",
    )
    indicators = models.ManyToManyField(
        "agreements.Indicator",
        verbose_name=_("agreement indicators"),
        through="IndicatorReading",
        blank=True,
        related_name="daily_reports",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-date", "-submitted_at"]
        constraints = [
            # The submission key makes a resend idempotent: one report per key, ever.
            models.UniqueConstraint(
                fields=["regency", "idempotency_key"], name="reports_report_key_unique"
            ),
        ]
        indexes = [
            # Serves both "reports of a day" and "the latest reports of a day first".
            models.Index(
                fields=["regency", "date", "submitted_at"], name="reports_report_regency_date"
            ),
            models.Index(fields=["unit", "date"], name="reports_report_unit_date"),
            models.Index(fields=["regency", "status", "date"], name="reports_report_status_date"),
            models.Index(fields=["author", "submitted_at"], name="reports_report_author"),
            models.Index(
                fields=["verified_by"],
                name="reports_report_verified_by",
                condition=Q(verified_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.date:%Y-%m-%d} · {self.title}"

    @property
    def is_final(self) -> bool:
        return self.status in (ReportStatus.APPROVED, ReportStatus.REJECTED)

    @property
    def status_tone(self) -> str:
        return {
            ReportStatus.APPROVED: "ok",
            ReportStatus.REJECTED: "bad",
            ReportStatus.ON_HOLD: "warn",
        }.get(self.status, "info")


class IndicatorReading(RegencyScoped):
    """An agreement indicator a report is about, with the value read that day if any;
    a value becomes a realisation (realisasi) of the indicator as of the report's date."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="readings"
    )
    indicator = models.ForeignKey(
        "agreements.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="daily_report_readings",
    )
    value = models.DecimalField(
        _("value read"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    realisation = models.ForeignKey(
        "agreements.Realisation",
        verbose_name=_("realisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("indicator reading")
        verbose_name_plural = _("indicator readings")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="reports_reading_once"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class PhotoStatus(models.TextChoices):
    MISSING = "missing", _("Missing: announced but never arrived")
    RECEIVED = "received", _("Received, being processed")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be processed")


BANDS = ("ph0", "ph1", "ph2", "ph3", "dh0", "dh1", "dh2", "dh3")


class Photo(RegencyScoped):
    """One photo of a report: the private original and its public, EXIF-free derivatives,
    with the facts read from the original (capture time, GPS) and its perceptual hashes."""

    regency = regency_key(db_index=False)  # the photo's indexes begin with it
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="photos",
        db_index=False,  # (report, slot) is unique: that index serves
    )
    slot = models.PositiveSmallIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=PhotoStatus.choices, default=PhotoStatus.RECEIVED
    )
    original = models.FileField(
        _("original"), storage=private_storage, upload_to="reports/", max_length=200, blank=True
    )
    original_name = models.CharField(_("file name on the device"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=10, blank=True)
    byte_size = models.PositiveIntegerField(_("size in bytes"), default=0)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to="reports/", max_length=200, blank=True)
    display = models.FileField(_("display size"), upload_to="reports/", max_length=200, blank=True)
    taken_at = models.DateTimeField(_("taken (EXIF)"), null=True, blank=True)
    gps_latitude = models.DecimalField(
        _("GPS latitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    gps_longitude = models.DecimalField(
        _("GPS longitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    camera = models.CharField(_("camera"), max_length=120, blank=True)
    # Perceptual hashes (64 bits, stored signed) and their 16-bit bands: two photos within
    # a small Hamming distance share at least one band exactly, so lookups are index hits.
    phash = models.BigIntegerField(null=True, blank=True)
    dhash = models.BigIntegerField(null=True, blank=True)
    ph0 = models.IntegerField(null=True, blank=True)
    ph1 = models.IntegerField(null=True, blank=True)
    ph2 = models.IntegerField(null=True, blank=True)
    ph3 = models.IntegerField(null=True, blank=True)
    dh0 = models.IntegerField(null=True, blank=True)
    dh1 = models.IntegerField(null=True, blank=True)
    dh2 = models.IntegerField(null=True, blank=True)
    dh3 = models.IntegerField(null=True, blank=True)
    error = models.CharField(_("processing error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["report", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["report", "slot"], name="reports_photo_slot_unique"),
        ]
        indexes = [
            # Partial: a photo has its bands once processed, and a report's insert then
            # writes none of these eight indexes (a lookup "band = value" implies the
            # band is not null, so both databases use them as before).
            *(
                models.Index(
                    fields=["regency", band],
                    name=f"reports_photo_{band}",
                    condition=Q(**{f"{band}__isnull": False}),
                )
                for band in BANDS
            ),
            models.Index(fields=["regency", "sha256"], name="reports_photo_sha256"),
            models.Index(fields=["status", "created_at"], name="reports_photo_status"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} #{self.slot}"

    @property
    def is_ready(self) -> bool:
        return self.status == PhotoStatus.READY and bool(self.display)

    @property
    def thumbnail_url(self) -> str:
        return self.thumbnail.url if self.thumbnail else ""

    @property
    def display_url(self) -> str:
        return self.display.url if self.display else ""


class FlagKind(models.TextChoices):
    WRONG_DAY = "wrong_day", _("Taken on another day")
    WRONG_PLACE = "wrong_place", _("Taken far from the unit")
    REUSED = "reused", _("Photo used before")
    NO_TIME = "no_time", _("No capture time in the photo")
    NO_LOCATION = "no_location", _("No location in the photo")
    UNREADABLE = "unreadable", _("Photo could not be processed")


WARNING_FLAGS = {FlagKind.WRONG_DAY, FlagKind.WRONG_PLACE, FlagKind.REUSED, FlagKind.UNREADABLE}


class PhotoFlag(RegencyScoped):
    """Something a verifier should look at in a photo, with the facts behind it."""

    photo = models.ForeignKey(
        Photo, verbose_name=_("photo"), on_delete=models.CASCADE, related_name="flags"
    )
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="flags"
    )
    report_date = models.DateField(_("report date"))
    kind = models.CharField(_("kind"), max_length=12, choices=FlagKind.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    matched_photo = models.ForeignKey(
        Photo,
        verbose_name=_("same as photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo flag")
        verbose_name_plural = _("photo flags")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "kind"],
                condition=Q(matched_photo__isnull=True),
                name="reports_flag_once",
            ),
            models.UniqueConstraint(
                fields=["photo", "kind", "matched_photo"],
                condition=Q(matched_photo__isnull=False),
                name="reports_flag_match_once",
            ),
        ]
        indexes = [models.Index(fields=["regency", "report_date"], name="reports_flag_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.photo_id})"

    @property
    def is_warning(self) -> bool:
        return self.kind in WARNING_FLAGS

    def reason(self) -> str:
        """The reason in the active language, built from the stored facts."""
        from superteam.reports.photos import flag_reason

        return flag_reason(self)


class Decision(models.TextChoices):
    APPROVE = "approved", _("Approve")
    HOLD = "on_hold", _("Put on hold")
    REJECT = "rejected", _("Reject")


class Verification(RegencyScoped):
    """One verifier's decision on a report; the report keeps the latest, this the history."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="verifications"
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifier"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.get_decision_display()}"


class Reply(RegencyScoped):
    """The reporter's answer to a hold: what was done or explained, with any photos added;
    the report goes back to the verifiers."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("answer"))
    photos_added = models.PositiveSmallIntegerField(_("photos added"), default=0)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("answer to a hold")
        verbose_name_plural = _("answers to holds")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.at:%Y-%m-%d %H:%M}"


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National holiday")
    COLLECTIVE_LEAVE = "cuti_bersama", _("Collective leave (cuti bersama)")
    REGIONAL = "regional", _("Regional holiday")
    WORKDAY = "workday", _("Working day (overrides a holiday)")


class Holiday(models.Model):
    """A day off (or a working day that overrides one). Rows without a regency are the
    national calendar; a regency's own rows add local holidays or override national ones."""

    regency = models.ForeignKey(
        "org.Regency",
        verbose_name=_("regency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the national calendar, for every regency."),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("name in English"), max_length=160, blank=True)
    kind = models.CharField(_("kind"), max_length=14, choices=HolidayKind.choices)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(regency__isnull=True), name="reports_holiday_national"
            ),
            models.UniqueConstraint(
                fields=["regency", "date"],
                condition=Q(regency__isnull=False),
                name="reports_holiday_regency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.localized_name}"

    @property
    def localized_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def is_day_off(self) -> bool:
        return self.kind != HolidayKind.WORKDAY


class ReportingUnit(RegencyScoped):
    """A unit expected to report every working day from a date (until a date, if set).
    ``clusters`` is kept in step with org clusters (the unit's or an ancestor's membership)."""

    unit = models.OneToOneField(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="reporting"
    )
    since = models.DateField(_("reports from"))
    until = models.DateField(_("reports until"), null=True, blank=True)
    clusters = models.ManyToManyField(
        "org.Cluster", verbose_name=_("clusters"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("reporting unit")
        verbose_name_plural = _("reporting units")
        ordering = ["unit__path"]

    def __str__(self) -> str:
        return str(self.unit)

    def expected_on(self, day: datetime.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


class UnitDay(RegencyScoped):
    """Rollup of one unit's reports on one day, updated as reports arrive and are verified."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("date"))
    reports = models.PositiveIntegerField(_("reports"), default=0)
    photos = models.PositiveIntegerField(_("photos"), default=0)
    photos_missing = models.PositiveIntegerField(_("photos missing"), default=0)
    flagged_photos = models.PositiveIntegerField(_("flagged photos"), default=0)
    approved = models.PositiveIntegerField(_("approved"), default=0)
    on_hold = models.PositiveIntegerField(_("on hold"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    first_submitted_at = models.DateTimeField(_("first report received"), null=True)

    class Meta:
        verbose_name = _("unit day")
        verbose_name_plural = _("unit days")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="reports_unitday_unique"),
        ]
        indexes = [models.Index(fields=["regency", "date"], name="reports_unitday_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date}: {self.reports}"


class DigestDelivery(RegencyScoped):
    """A digest (or a reminder) sent to one address for one day: sending is idempotent."""

    KIND_DIGEST = "digest"
    KIND_REMINDER = "reminder"

    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[(KIND_DIGEST, _("Daily digest")), (KIND_REMINDER, _("Reminder"))],
    )
    day = models.DateField(_("day"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The unit the digest covers, or the late unit a reminder is about."),
    )
    address = models.EmailField(_("address"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "day", "address", "unit"], name="reports_delivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} → {self.address}"

"""Rakor (rapat koordinasi): cluster coordination meetings held over several days.

Vocabulary kept in Indonesian because users say it that way:
- rakor: coordination meeting of a cluster of units, chaired by the regent or a head;
- kabid / kasi: head of division / head of section, who each present their programme;
- notulen: the minutes; notulis: the minute-taker;
- jemput bola: "picking up the ball", services that go out to the people.

A rakor has sessions (one or more per cluster) that the scheduler (scheduler.py) places in
a day, a time slot and a room; participants are the current holders of the cluster's head
positions; decisions become jointly signed targets (agreements) and are followed until a
report shows them acted on.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from superteam.core.models import RegencyScoped


def private_storage():
    """Slides are kept out of any public URL: only a permission-checked view serves them."""
    return storages["private"]


def new_checkin_token() -> str:
    return secrets.token_urlsafe(18)


# Participants may check in from this long before a session starts until it ends.
CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=60)


class RakorStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Invitations sent")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Room(RegencyScoped):
    """A meeting room of the regency (pendopo, aula, ruang rapat) and how many it seats."""

    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["-capacity", "name"]

    def __str__(self) -> str:
        return self.name


class RakorQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=RakorStatus.CANCELLED)


class Rakor(RegencyScoped):
    """A coordination meeting over several days, with sessions per cluster."""

    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    first_slot_start = models.TimeField(_("first time slot starts"), default=datetime.time(8, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    slots_per_day = models.PositiveSmallIntegerField(
        _("time slots per day"), default=8, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    min_on_duty_percent = models.PositiveSmallIntegerField(
        _("staff kept on duty (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Every frontline unit keeps at least this share of its staff at work during its "
            "service hours."
        ),
    )
    day_weight = models.PositiveIntegerField(
        _("cost of one more day"),
        default=600,
        help_text=_(
            "How many staff-minutes of service disruption one more meeting day is worth avoiding."
        ),
    )
    spread_over_days = models.BooleanField(
        _("spread the sessions over the days"),
        default=False,
        help_text=_(
            "Use every day evenly instead of as few days as possible (the on-duty rules and "
            "service disruption still come first)."
        ),
    )
    time_limit_seconds = models.PositiveSmallIntegerField(
        _("solver time limit (seconds)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    rooms = models.ManyToManyField(Room, verbose_name=_("rooms"), related_name="rakors")
    status = models.CharField(
        _("status"), max_length=12, choices=RakorStatus.choices, default=RakorStatus.DRAFT
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_rakors",
    )
    violations = models.JSONField(
        _("rules broken"),
        default=list,
        blank=True,
        help_text=_("What the current placement breaks, refreshed after every change."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RakorQuerySet.as_manager()

    class Meta:
        verbose_name = _("rakor")
        verbose_name_plural = _("rakor")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["regency", "start_date"], name="meetings_rakor_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="meetings_rakor_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> list[datetime.date]:
        n = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=i) for i in range(n)]

    def slot_start(self, slot: int) -> datetime.time:
        base = datetime.datetime.combine(datetime.date(2000, 1, 1), self.first_slot_start)
        return (base + datetime.timedelta(minutes=slot * self.slot_minutes)).time()

    def slot_times(self) -> list[tuple[datetime.time, datetime.time]]:
        return [(self.slot_start(k), self.slot_start(k + 1)) for k in range(self.slots_per_day)]

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(getattr(self.regency, "time_zone", None) or "Asia/Jakarta")

    def at(self, day: datetime.date, slot: int) -> datetime.datetime:
        """The aware moment a slot begins on a day (in the regency's time zone)."""
        base = datetime.datetime.combine(day, self.first_slot_start, tzinfo=self.tz)
        return base + datetime.timedelta(minutes=slot * self.slot_minutes)

    @property
    def min_on_duty_share(self) -> float:
        return self.min_on_duty_percent / 100

    @property
    def is_open_for_changes(self) -> bool:
        return self.status not in (RakorStatus.CLOSED, RakorStatus.CANCELLED)


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")


class Session(RegencyScoped):
    """One sitting of a cluster at a rakor; the scheduler gives it a day, a slot and a room."""

    rakor = models.ForeignKey(
        Rakor, verbose_name=_("rakor"), on_delete=models.CASCADE, related_name="sessions"
    )
    cluster = models.ForeignKey(
        "org.Cluster", verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    length_slots = models.PositiveSmallIntegerField(
        _("length (time slots)"), default=3, validators=[MinValueValidator(1)]
    )
    priority = models.PositiveSmallIntegerField(
        _("preferred order"),
        default=0,
        help_text=_("1 = as early as possible, 2 = next, …; 0 = no preference."),
    )
    fixed_day = models.DateField(
        _("must be held on"),
        null=True,
        blank=True,
        help_text=_("Leave empty to let the scheduler choose the day."),
    )
    include_staff = models.BooleanField(
        _("staff attend too"),
        default=False,
        help_text=_("Invite the staff of the cluster's units, not only heads, kabid and kasi."),
    )
    day = models.DateField(_("day"), null=True, blank=True)
    start_slot = models.PositiveSmallIntegerField(_("first time slot"), null=True, blank=True)
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    placed_by = models.CharField(
        _("placed by"),
        max_length=12,
        blank=True,
        choices=[("solver", _("scheduler")), ("organiser", _("organiser"))],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    # Calendar identity: the same UID for every update; SEQUENCE grows with each change.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    checkin_token = models.CharField(
        max_length=40, default=new_checkin_token, unique=True, editable=False
    )
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minute-taker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    minutes = models.TextField(_("minutes (notulen)"), blank=True)
    minutes_updated_at = models.DateTimeField(_("minutes updated"), null=True, blank=True)
    sort_order = models.IntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["rakor", "day", "start_slot", "sort_order", "pk"]
        indexes = [models.Index(fields=["rakor", "cluster"], name="meetings_session_cluster")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_placed(self) -> bool:
        return self.day is not None and self.start_slot is not None and self.room_id is not None

    @property
    def starts_at(self) -> datetime.datetime | None:
        if self.day is None or self.start_slot is None:
            return None
        return self.rakor.at(self.day, self.start_slot)

    @property
    def ends_at(self) -> datetime.datetime | None:
        start = self.starts_at
        if start is None:
            return None
        return start + datetime.timedelta(minutes=self.length_slots * self.rakor.slot_minutes)

    @property
    def minutes_long(self) -> int:
        return self.length_slots * self.rakor.slot_minutes

    def checkin_window(self) -> tuple[datetime.datetime, datetime.datetime] | None:
        """When participants may check in: from shortly before the start until the end."""
        if not self.is_placed:
            return None
        return self.starts_at - CHECKIN_OPENS_BEFORE, self.ends_at


class ParticipantRole(models.TextChoices):
    """Why someone is on the list: the level of the position they attend for."""

    HEAD = "head", _("Head of unit")
    SECRETARY = "secretary", _("Secretary")
    KABID = "kabid", _("Head of division (kabid)")
    KASUBAG = "kasubag", _("Head of sub-section (kasubag)")
    KASI = "kasi", _("Head of section (kasi)")
    STAFF = "staff", _("Staff")
    GUEST = "guest", _("Invited by the organiser")


class Participant(RegencyScoped):
    """Someone a cluster's sessions at a rakor need: the roster entry of one person.

    With one session per cluster everyone attends it; with several, each participant
    attends one of them (chosen by the scheduler unless the organiser pins it) and the
    chairs (``all_sessions``) attend all of them.
    """

    rakor = models.ForeignKey(
        Rakor, verbose_name=_("rakor"), on_delete=models.CASCADE, related_name="participants"
    )
    cluster = models.ForeignKey(
        "org.Cluster", verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="rakor_participations",
    )
    position = models.ForeignKey(
        "org.Position",
        verbose_name=pgettext_lazy("jabatan", "position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The unit they attend for (its staff count for the on-duty rule)."),
    )
    role = models.CharField(_("role"), max_length=12, choices=ParticipantRole.choices)
    added_by_organiser = models.BooleanField(_("added by the organiser"), default=False)
    excluded = models.BooleanField(_("excluded by the organiser"), default=False)
    all_sessions = models.BooleanField(_("attends every session of the cluster"), default=False)
    pinned_session = models.ForeignKey(
        Session,
        verbose_name=_("must attend"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("attends"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_participants",
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["rakor", "cluster", "unit__path", "role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rakor", "cluster", "person"], name="meetings_participant_unique"
            )
        ]
        indexes = [models.Index(fields=["rakor", "person"], name="meetings_participant_person")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Unavailability(RegencyScoped):
    """A period in which a person cannot attend meetings (leave, duty travel, surgery list)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="unavailabilities",
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="meetings_unavailability_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class DecisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DecisionStatus.OPEN)

    def overdue(self, day: datetime.date | None = None):
        """Open decisions whose deadline has passed."""
        return self.open().filter(deadline__lt=day or timezone.localdate())


class Decision(RegencyScoped):
    """A decision of a rakor session: who owns it, who contributes, what is measured, by when.

    It becomes an indicator of a jointly signed agreement, and is followed until a report
    linked to it shows it acted on (``first_evidence_at``).
    """

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="decisions"
    )
    code = models.SlugField(
        _("code"),
        max_length=60,
        blank=True,
        help_text=_("Optional short reference, unique within the regency."),
    )
    text = models.TextField(_("decision"))
    owner_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_decisions",
        help_text=_("The position that answers for it (not the person: it stays with the post)."),
    )
    contributing_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("contributing units"), blank=True, related_name="+"
    )
    indicator_name = models.CharField(_("indicator"), max_length=255)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    deadline = models.DateField(_("deadline"))
    decided_at = models.DateTimeField(_("decided at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A decision recorded by mistake is withdrawn: kept (the ledger names it) as dropped, so
    # that every list of open decisions, agenda and score leaves it out; it never reopens.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    # The joint agreement the decision became, and its indicator (stable across amendments).
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rakor_decisions",
    )
    indicator = models.ForeignKey(
        "agreements.Indicator",
        verbose_name=_("agreement indicator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rakor_decisions",
    )
    # The first report that showed the decision acted on (reports call
    # services.record_decision_evidence); a plain id so that reports may link back to us.
    first_evidence_at = models.DateTimeField(_("first evidence"), null=True, blank=True)
    first_evidence_report_id = models.BigIntegerField(
        _("first evidence report"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["regency", "status", "deadline"], name="meetings_decision_due")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "code"],
                condition=~Q(code=""),
                name="meetings_decision_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def time_to_action(self) -> datetime.timedelta | None:
        """From the decision to its first evidence of action."""
        if self.first_evidence_at is None:
            return None
        return self.first_evidence_at - self.decided_at

    def is_overdue(self, day: datetime.date | None = None) -> bool:
        return self.status == DecisionStatus.OPEN and self.deadline < (day or timezone.localdate())

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def get_state_display(self) -> str:
        """The status as people say it: a withdrawn decision is "withdrawn", not "dropped"."""
        return str(_("Withdrawn")) if self.is_withdrawn else self.get_status_display()


class AgendaKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    REVIEW = "review", _("Review of an open decision")
    PRESENTATION = "presentation", _("Presentation")
    DISCUSSION = "discussion", _("Discussion and decisions")
    OTHER = "other", _("Other")


class AgendaItem(RegencyScoped):
    """One time-boxed item of a session's agenda: a presentation, a decision to review, …"""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="agenda"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=14, choices=AgendaKind.choices)
    title = models.CharField(_("title"), max_length=255)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=5)
    presenter_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("presenting position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision to review"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    slides = models.FileField(
        _("slides"), storage=private_storage, upload_to="meetings/slides/%Y/%m/", blank=True
    )
    slides_name = models.CharField(_("slides file name"), max_length=200, blank=True)
    slides_uploaded_at = models.DateTimeField(_("slides uploaded"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class CheckInMethod(models.TextChoices):
    QR = "qr", _("QR code")
    ORGANISER = "organiser", _("by the organiser")


class Attendance(RegencyScoped):
    """A person checked in at a session."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    method = models.CharField(_("how"), max_length=12, choices=CheckInMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "checked_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="meetings_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.session}"


class Invitation(RegencyScoped):
    """The calendar invitation last sent to a person for a session (for updates/cancels)."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    method = models.CharField(
        _("method"), max_length=8, choices=[("REQUEST", "REQUEST"), ("CANCEL", "CANCEL")]
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    room_name = models.CharField(_("room"), max_length=120, blank=True)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="meetings_invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.session} ({self.method} {self.sequence})"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Solving")
    OPTIMAL = "optimal", _("Best schedule found")
    FEASIBLE = "feasible", _("Good schedule found (time limit reached)")
    INFEASIBLE = "infeasible", _("No schedule exists")
    UNKNOWN = "unknown", _("No schedule found in the time limit")
    FAILED = "failed", _("Failed")


class ScheduleRun(RegencyScoped):
    """One run of the scheduler for a rakor: its progress, outcome and explanation."""

    rakor = models.ForeignKey(
        Rakor, verbose_name=_("rakor"), on_delete=models.CASCADE, related_name="runs"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=255, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduler run")
        verbose_name_plural = _("scheduler runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rakor} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (RunStatus.QUEUED, RunStatus.RUNNING)

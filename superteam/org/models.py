"""The organisation of a regency: units in a tree, positions (jabatan), people, who holds
which position when (assignments), and clusters of units.

Vocabulary kept in Indonesian because users say it that way:
- kabupaten: regency; kecamatan: district; desa / kelurahan: village / urban ward;
- dinas / badan: agency; bidang: division; seksi: section; sub-bagian: sub-section;
- puskesmas: community health centre; pustu (puskesmas pembantu): its auxiliary post;
- RSUD: regional hospital; UPTD: technical implementation unit;
- jabatan: position; kabid: head of division; kasi: head of section;
- Plt (pelaksana tugas): acting holder of a position; NIP: civil-servant number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from superteam.core.models import RegencyScoped

PATH_SEGMENT_WIDTH = 10  # enough for 10 billion units, sorted as text


class Regency(models.Model):
    """A kabupaten or kota: the root of one organisation tree and the tenant of all data."""

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_("BPS code of the regency, e.g. 3510 for Banyuwangi."),
    )
    slug = models.SlugField(_("slug"), unique=True)
    province = models.CharField(_("province"), max_length=80, blank=True)
    emblem = models.ImageField(_("emblem"), upload_to="emblems/", blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        default="Asia/Jakarta",
        choices=[
            ("Asia/Jakarta", _("WIB (western Indonesia)")),
            ("Asia/Makassar", _("WITA (central Indonesia)")),
            ("Asia/Jayapura", _("WIT (eastern Indonesia)")),
        ],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("regency")
        verbose_name_plural = _("regencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def root_unit(self) -> Unit | None:
        return Unit.objects.filter(regency=self, parent__isnull=True).first()


class UnitKind(models.TextChoices):
    """What a unit is; decides where it sits in the tree and which leaderboard it joins."""

    KABUPATEN = "kabupaten", _("Regency government")
    SEKRETARIAT_DAERAH = "setda", _("Regional secretariat")
    BAGIAN = "bagian", _("Bureau (bagian)")
    SEKRETARIAT = "sekretariat", _("Secretariat")
    DINAS = "dinas", _("Agency (dinas)")
    BADAN = "badan", _("Agency (badan)")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    RSUD = "rsud", _("Regional hospital (RSUD)")
    PUSKESMAS = "puskesmas", _("Community health centre (puskesmas)")
    PUSTU = "pustu", _("Auxiliary health post (pustu)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    DESA = "desa", _("Village (desa)")
    KELURAHAN = "kelurahan", _("Urban ward (kelurahan)")
    BIDANG = "bidang", _("Division (bidang)")
    SEKSI = "seksi", _("Section (seksi)")
    SUBBAGIAN = "subbagian", _("Sub-section (sub-bagian)")
    UPTD = "uptd", _("Technical unit (UPTD)")


# Agencies compete with agencies, villages with villages: the leaderboard families.
AGENCY_KINDS = {
    UnitKind.SEKRETARIAT_DAERAH,
    UnitKind.DINAS,
    UnitKind.BADAN,
    UnitKind.INSPEKTORAT,
}
INTERNAL_KINDS = {
    UnitKind.BIDANG,
    UnitKind.SEKSI,
    UnitKind.SUBBAGIAN,
    UnitKind.BAGIAN,
    UnitKind.SEKRETARIAT,
}

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TIME_RE = RegexValidator(r"^([01]\d|2[0-3]):[0-5]\d$", _("Use HH:MM (24-hour clock)."))


def validate_service_hours(value) -> None:
    """Service hours: {"mon": [["07:30", "15:30"]], ...}; "24h" for round-the-clock units."""
    if value in (None, "", {}):
        return
    if value == "24h":
        return
    if not isinstance(value, dict):
        raise ValidationError(_("Service hours must map weekdays to lists of opening times."))
    for day, spans in value.items():
        if day not in WEEKDAYS:
            raise ValidationError(_("Unknown weekday %(day)s."), params={"day": day})
        if not isinstance(spans, list):
            raise ValidationError(
                _("Opening times of %(day)s must be a list."), params={"day": day}
            )
        for span in spans:
            if not (isinstance(span, list | tuple) and len(span) == 2):
                raise ValidationError(_("Each opening time is a pair: from and until."))
            for t in span:
                TIME_RE(t)
            if span[0] >= span[1]:
                raise ValidationError(
                    _("On %(day)s, opening %(start)s is not before closing %(end)s."),
                    params={"day": day, "start": span[0], "end": span[1]},
                )


DEFAULT_SERVICE_HOURS = {
    "mon": [["07:30", "15:30"]],
    "tue": [["07:30", "15:30"]],
    "wed": [["07:30", "15:30"]],
    "thu": [["07:30", "15:30"]],
    "fri": [["07:30", "14:30"]],
}


class UnitQuerySet(models.QuerySet):
    """Tree queries by materialised path: a subtree is one indexed prefix match."""

    def active(self):
        return self.filter(is_active=True)

    def subtree(self, unit: Unit, include_self: bool = True):
        qs = self.filter(regency_id=unit.regency_id, path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def ancestors_of(self, unit: Unit):
        return self.filter(pk__in=unit.ancestor_ids).order_by("depth")

    def of_kind(self, *kinds: str):
        return self.filter(kind__in=kinds)


class Unit(RegencyScoped):
    """A unit of the regency government: the regency itself, an agency, a division,
    a section, a hospital, a health centre, a district, a village."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of fixed-width ids ("0000000001/0000000042/"): subtree = prefix.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(
        _("code"),
        max_length=40,
        help_text=_("Short code, unique within the regency, e.g. DINKES or KEC-GENTENG."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_frontline = models.BooleanField(
        _("frontline"),
        default=False,
        help_text=_("Serves the public in person: keeps staff on duty during service hours."),
    )
    service_hours = models.JSONField(
        _("service hours"),
        default=dict,
        blank=True,
        validators=[validate_service_hours],
        help_text=_('Per weekday, e.g. {"mon": [["07:30", "15:30"]]}, or "24h".'),
    )
    sort_order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "code"], name="org_unit_code_unique"),
        ]
        indexes = [
            models.Index(fields=["regency", "path"], name="org_unit_regency_path"),
            models.Index(fields=["regency", "kind"], name="org_unit_regency_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.parent_id and self.parent.regency_id != self.regency_id:
            raise ValidationError({"parent": _("The parent unit belongs to another regency.")})
        if self.pk and self.parent_id and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("A unit cannot be placed under its own sub-unit.")})
        if not self.parent_id and self.kind != UnitKind.KABUPATEN:
            raise ValidationError({"parent": _("Only the regency itself has no parent unit.")})

    def save(self, *args, **kwargs):
        # The path needs the primary key, so a new unit is saved, then its path set.
        super().save(*args, **kwargs)
        expected = self.compute_path()
        if expected != self.path:
            old_path = self.path
            self.path, self.depth = expected, expected.count("/") - 1
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                self._rewrite_descendant_paths(old_path)

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.pk:0{PATH_SEGMENT_WIDTH}d}/"

    def _rewrite_descendant_paths(self, old_path: str) -> None:
        """After a move, every descendant's path starts with the new prefix."""
        descendants = list(
            Unit.objects.filter(regency_id=self.regency_id, path__startswith=old_path).exclude(
                pk=self.pk
            )
        )
        for d in descendants:
            d.path = self.path + d.path[len(old_path) :]
            d.depth = d.path.count("/") - 1
        Unit.objects.bulk_update(descendants, ["path", "depth"], batch_size=500)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids of the ancestors from the root down, read from the path (no query)."""
        return [int(seg) for seg in self.path.strip("/").split("/")[:-1] if seg]

    def ancestors(self) -> list[Unit]:
        return list(Unit.objects.ancestors_of(self))

    def is_descendant_of(self, other: Unit, include_self: bool = True) -> bool:
        if self.pk == other.pk:
            return include_self
        return self.path.startswith(other.path)

    @property
    def is_internal(self) -> bool:
        """A division, section or sub-section: part of a larger unit."""
        return self.kind in INTERNAL_KINDS

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def opening_spans(self, day: datetime.date) -> list[tuple[datetime.time, datetime.time]]:
        """The unit's service hours on a given day; round-the-clock units are open all day."""
        if self.service_hours == "24h":
            return [(datetime.time(0, 0), datetime.time(23, 59))]
        spans = (self.service_hours or {}).get(WEEKDAYS[day.weekday()], [])
        return [(datetime.time.fromisoformat(a), datetime.time.fromisoformat(b)) for a, b in spans]

    @property
    def is_round_the_clock(self) -> bool:
        return self.service_hours == "24h"


class PositionLevel(models.TextChoices):
    """The level of a position; heads act for their unit and its sub-units."""

    REGENT = "regent", _("Regent (bupati)")
    VICE_REGENT = "vice_regent", _("Vice regent (wakil bupati)")
    SEKDA = "sekda", _("Regional secretary (sekda)")
    HEAD = "head", _("Head of unit")
    SECRETARY = "secretary", _("Secretary of unit")
    KABID = "kabid", _("Head of division (kabid)")
    KASUBAG = "kasubag", _("Head of sub-section (kasubag)")
    KASI = "kasi", _("Head of section (kasi)")
    FUNCTIONAL = "functional", _("Functional official")
    STAFF = "staff", _("Staff")


REGENT_LEVELS = {PositionLevel.REGENT, PositionLevel.VICE_REGENT, PositionLevel.SEKDA}
HEAD_LEVELS = {
    PositionLevel.HEAD,
    PositionLevel.SECRETARY,
    PositionLevel.KABID,
    PositionLevel.KASUBAG,
    PositionLevel.KASI,
}
# Positions held by one definitive holder at a time (acting holders aside); other positions
# (staff, functional) are held by many people at once.
SINGLE_HOLDER_LEVELS = {str(level) for level in HEAD_LEVELS | REGENT_LEVELS}
# Positions that present at a rakor: heads of division and heads of section.
PRESENTER_LEVELS = {PositionLevel.KABID, PositionLevel.KASI, PositionLevel.KASUBAG}


class PositionQuerySet(models.QuerySet):
    def heads(self):
        return self.filter(level__in=HEAD_LEVELS)


class Position(RegencyScoped):
    """A position (jabatan) in a unit; duties and agreements belong to it, not to a person."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    code = models.CharField(_("code"), max_length=60)
    # A context: "title" is "judul" elsewhere (one catalogue serves every app).
    title = models.CharField(pgettext_lazy("position", "title"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=PositionLevel.choices)
    is_admin = models.BooleanField(
        _("administers the system"),
        default=False,
        help_text=_("Holders configure units, clusters, scoring model and holidays."),
    )
    is_verifier = models.BooleanField(
        _("verifies evidence"),
        default=False,
        help_text=_("Holders read everything and verify evidence, reports and scores."),
    )
    sort_order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("jabatan", "position")
        verbose_name_plural = pgettext_lazy("jabatan", "positions")
        ordering = ["unit__path", "sort_order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "code"], name="org_position_code_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.unit_id and not self.regency_id:
            self.regency_id = self.unit.regency_id  # e.g. added inline on its unit's page
        if self.unit_id and self.unit.regency_id != self.regency_id:
            raise ValidationError({"unit": _("The unit belongs to another regency.")})

    @property
    def is_head(self) -> bool:
        return self.level in HEAD_LEVELS

    @property
    def is_regent(self) -> bool:
        return self.level in REGENT_LEVELS

    @property
    def has_single_holder(self) -> bool:
        """A head or regent position: one definitive holder at a time."""
        return self.level in SINGLE_HOLDER_LEVELS

    def holders_on(self, day: datetime.date | None = None):
        """People holding this position on a day (definitive and acting)."""
        return Person.objects.filter(
            pk__in=Assignment.objects.current(day).filter(position=self).values("person_id")
        )

    def current_assignment(self, day: datetime.date | None = None) -> Assignment | None:
        """The definitive holder if any, else the acting one."""
        return (
            Assignment.objects.current(day)
            .filter(position=self)
            .select_related("person")
            .order_by("kind", "-start")
            .first()
        )


class PersonManager(UserManager):
    pass


class Person(AbstractUser):
    """A person who signs in: a civil servant (with NIP) or another user such as an editor."""

    nip_validator = RegexValidator(r"^\d{18}$", _("A NIP has exactly 18 digits."))

    regency = models.ForeignKey(
        Regency,
        verbose_name=_("regency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[nip_validator],
        help_text=_("Civil-servant number (18 digits)."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )

    objects = PersonManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return (self.full_name or self.username).split(" ")[0]

    def current_assignments(self, day: datetime.date | None = None):
        return (
            Assignment.objects.current(day)
            .filter(person=self)
            .select_related("position", "position__unit")
        )


class AssignmentKind(models.TextChoices):
    DEFINITIVE = "definitive", _("Definitive")
    ACTING = "plt", _("Acting (Plt)")


class AssignmentQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None):
        """Assignments in force on a day (today by default)."""
        day = day or timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)

    def overlapping(self, start: datetime.date, end: datetime.date | None = None):
        """Assignments in force on any day from ``start`` until ``end`` (open: for ever)."""
        qs = self.filter(Q(end__isnull=True) | Q(end__gte=start))
        return qs.filter(start__lte=end) if end else qs

    def for_units(self, units: Iterable[Unit]):
        return self.filter(position__unit__in=units)


class Assignment(RegencyScoped):
    """A person holds a position from a date until a date, definitively or as acting (Plt).
    Assignments are never deleted: an ended one keeps the history of who held what."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assignments"
    )
    position = models.ForeignKey(
        Position,
        verbose_name=pgettext_lazy("jabatan", "position"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=AssignmentKind.choices, default=AssignmentKind.DEFINITIVE
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    decree = models.CharField(_("decree (SK)"), max_length=120, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-start"]
        indexes = [
            models.Index(fields=["person", "start"], name="org_assignment_person"),
            models.Index(fields=["position", "start"], name="org_assignment_position"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="org_assignment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.position}"

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The end date is before the start date.")})
        if self.position_id and not self.regency_id:
            self.regency_id = self.position.regency_id  # e.g. added inline on a person's page
        if self.position_id and self.position.regency_id != self.regency_id:
            raise ValidationError({"position": _("The position belongs to another regency.")})

    def is_current(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start <= day and (self.end is None or self.end >= day)


class Cluster(RegencyScoped):
    """A named group of units that coordinate together (e.g. health: Dinkes, RSUD,
    puskesmas and Dinas Sosial) with a lead unit and a coordinator position."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="led_clusters",
    )
    coordinator = models.ForeignKey(
        Position,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_clusters",
    )
    units = models.ManyToManyField(Unit, verbose_name=_("member units"), related_name="clusters")
    sort_order = models.IntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "code"], name="org_cluster_code_unique"),
        ]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class UnitRollup(RegencyScoped):
    """Counts over a unit's whole subtree (people by level, sub-units by kind), refreshed in
    bulk for a regency after imports and appointments and every half hour, so that pages
    read one row instead of counting thousands (DESIGN.md: pages read rollups)."""

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("unit"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="rollup",
    )
    people = models.PositiveIntegerField(_("people"), default=0)
    by_level = models.JSONField(_("people by level"), default=dict)
    subunits = models.PositiveIntegerField(_("sub-units"), default=0)
    by_kind = models.JSONField(_("units by kind"), default=dict)
    computed_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("unit counts")
        verbose_name_plural = _("unit counts")

    def __str__(self) -> str:
        return str(self.unit_id)

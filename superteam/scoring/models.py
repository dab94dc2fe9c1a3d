"""The innovation index as data: versioned scoring models (catalogue of indicators and
formula parameters), incrementally maintained scores per innovation and per unit, and the
weekly published snapshots that leaderboards and the public read.

Modelled on the Ministry of Home Affairs' Indeks Inovasi Daerah (IID), per unit instead of
per regency. Vocabulary:
- SPD (skor perangkat daerah): the institution side, indicators about the unit itself;
- SID (skor inovasi daerah): the innovation side, Σ of the innovations' indicator scores
  divided by MAX(k, n), plus a quantity score;
- disclaimer ("tidak dapat dinilai"): index 0, nothing backed by verified evidence.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from superteam.core.models import RegencyScoped
from superteam.scoring.fields import BulkJSONField

HUNDRED = Decimal("100")


class ModelStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")


class Family(models.TextChoices):
    """Leaderboard families: units compete with units of their own kind."""

    AGENCIES = "agencies", _("Agencies")
    HOSPITALS = "hospitals", _("Hospitals")
    PUSKESMAS = "puskesmas", _("Health centres (puskesmas)")
    KECAMATAN = "kecamatan", _("Districts (kecamatan)")
    VILLAGES = "villages", _("Villages (desa/kelurahan)")


class Category(models.TextChoices):
    VERY_INNOVATIVE = "sangat_inovatif", _("Very innovative (Sangat Inovatif)")
    INNOVATIVE = "inovatif", _("Innovative (Inovatif)")
    LESS_INNOVATIVE = "kurang_inovatif", _("Less innovative (Kurang Inovatif)")
    DISCLAIMER = "disclaimer", _("Cannot be assessed (disclaimer)")


class Side(models.TextChoices):
    INSTITUTION = "institution", _("Institution (the unit itself)")
    INNOVATION = "innovation", _("Innovation")


def validate_quantity_bands(value) -> None:
    """Quantity rules: [[minimum number of innovations, points], ...], rising."""
    if not isinstance(value, list):
        raise ValidationError(_("Quantity bands must be a list of [minimum count, points] pairs."))
    last_count, last_points = 0, Decimal("-1")
    for pair in value:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise ValidationError(_("Each quantity band is a pair: minimum count and points."))
        try:
            count, points = int(pair[0]), Decimal(str(pair[1]))
        except (TypeError, ValueError, ArithmeticError):
            raise ValidationError(_("Quantity bands hold numbers only.")) from None
        if count < 1 or points < 0:
            raise ValidationError(_("Counts start at 1 and points are not negative."))
        if count <= last_count or points < last_points:
            raise ValidationError(
                _("Quantity bands must rise: larger counts give at least as many points.")
            )
        last_count, last_points = count, points


class ScoringModel(RegencyScoped):
    """One version of the scoring model: the indicator catalogue and the formula parameters.

    Only a draft can be edited; once in use a version is frozen, so every published score
    can be explained with exactly the model that produced it. Editing means copying.
    """

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveIntegerField(_("version"), default=1)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ModelStatus.choices, default=ModelStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    divisor_min = models.PositiveSmallIntegerField(
        _("divisor minimum (k)"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Innovation quality is Σ ÷ MAX(k, n): fewer than k innovations still divide by k."
        ),
    )
    institution_share = models.DecimalField(
        _("institution share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25.20"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    innovation_share = models.DecimalField(
        _("innovation share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("74.80"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    band_very_innovative = models.DecimalField(
        _("'very innovative' above"), max_digits=5, decimal_places=2, default=Decimal("60.00")
    )
    band_innovative = models.DecimalField(
        _("'innovative' from"), max_digits=5, decimal_places=2, default=Decimal("35.00")
    )
    quantity_bands = models.JSONField(
        _("quantity score bands"),
        default=list,
        blank=True,
        validators=[validate_quantity_bands],
        help_text=_(
            "[[minimum number of innovations, points], ...]: innovations in rollout with "
            "verified evidence."
        ),
    )
    quantity_min_basic_affairs = models.PositiveSmallIntegerField(
        _("basic-service affairs needed for a quantity score"),
        default=0,
        validators=[MaxValueValidator(6)],
        help_text=_("0: no condition. The 2026 variant asks for innovations in 5 of the 6."),
    )
    weight_compliance = models.DecimalField(
        _("blend: daily-report compliance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_achievement = models.DecimalField(
        _("blend: agreement achievement (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_decision_speed = models.DecimalField(
        _("blend: decision-to-evidence speed (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    decision_days_best = models.PositiveSmallIntegerField(
        _("decision speed: full marks within (days)"), default=1
    )
    decision_days_worst = models.PositiveSmallIntegerField(
        _("decision speed: no marks after (days)"), default=30
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("put in use"), null=True, blank=True)

    class Meta:
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        ordering = ["-activated_at", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "code", "version"], name="scoring_model_version_unique"
            ),
            models.UniqueConstraint(
                fields=["regency"],
                condition=Q(status="active"),
                name="scoring_model_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("scoring:model", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == ModelStatus.DRAFT

    @property
    def blend_total(self) -> Decimal:
        return self.weight_compliance + self.weight_achievement + self.weight_decision_speed

    def clean(self):
        errors = {}
        if self.institution_share + self.innovation_share != HUNDRED:
            errors["innovation_share"] = _("The two shares must add up to 100%.")
        if self.band_innovative >= self.band_very_innovative:
            errors["band_innovative"] = _(
                "The 'innovative' band must start below the 'very innovative' one."
            )
        if self.blend_total > HUNDRED:
            errors["weight_decision_speed"] = _("The blend weights add up to more than 100%.")
        if self.decision_days_worst <= self.decision_days_best:
            errors["decision_days_worst"] = _("No marks must come after full marks.")
        if errors:
            raise ValidationError(errors)

    def quantity_max(self) -> Decimal:
        bands = self.quantity_bands or []
        return max((Decimal(str(p)) for _c, p in bands), default=Decimal("0"))


class Indicator(models.Model):
    """One indicator of a model's catalogue: evidence level 1–3 × weight."""

    model = models.ForeignKey(
        ScoringModel,
        verbose_name=_("scoring model"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Stable across versions: evidence is filed under this code."),
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_id = models.CharField(_("name (Indonesian)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    evidence_id = models.CharField(_("evidence asked (Indonesian)"), max_length=300, blank=True)
    evidence_en = models.CharField(_("evidence asked (English)"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
    )
    mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_("An innovation without accepted evidence for it scores 0."),
    )
    level_1_id = models.CharField(_("level 1 (Indonesian)"), max_length=200)
    level_1_en = models.CharField(_("level 1 (English)"), max_length=200)
    level_2_id = models.CharField(_("level 2 (Indonesian)"), max_length=200, blank=True)
    level_2_en = models.CharField(_("level 2 (English)"), max_length=200, blank=True)
    level_3_id = models.CharField(_("level 3 (Indonesian)"), max_length=200, blank=True)
    level_3_en = models.CharField(_("level 3 (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["model", "side", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="scoring_indicator_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def _local(self, base: str) -> str:
        english = (get_language() or "id").startswith("en")
        value = getattr(self, f"{base}_en" if english else f"{base}_id")
        return value or getattr(self, f"{base}_id")

    @property
    def name(self) -> str:
        return self._local("name")

    @property
    def evidence_asked(self) -> str:
        return self._local("evidence")

    @property
    def max_level(self) -> int:
        """Levels defined: a document-only indicator (video, monev) has just level 1."""
        if self.level_3_id:
            return 3
        if self.level_2_id:
            return 2
        return 1

    def level_text(self, level: int) -> str:
        if not 1 <= level <= 3:
            return ""
        return self._local(f"level_{level}")

    def levels(self) -> list[tuple[int, str]]:
        return [(n, self.level_text(n)) for n in range(1, self.max_level + 1)]

    @property
    def max_score(self) -> Decimal:
        return self.weight * self.max_level

    def clean(self):
        if self.level_3_id and not self.level_2_id:
            raise ValidationError({"level_2_id": _("Define level 2 before level 3.")})


class InnovationScore(RegencyScoped):
    """The score of one innovation under one model, as computed at one moment.

    Rows are never changed once written (only ``is_current`` moves to the newer row), so
    published snapshots can point at them and stay explainable forever.
    """

    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    model = models.ForeignKey(
        ScoringModel, verbose_name=_("scoring model"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("counts for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quality = models.DecimalField(_("quality"), max_digits=9, decimal_places=2, default=0)
    maximum = models.DecimalField(_("maximum"), max_digits=9, decimal_places=2, default=0)
    counted = models.BooleanField(_("counted"), default=False)
    zeroed = models.BooleanField(_("zeroed by a missing mandatory indicator"), default=False)
    missing_mandatory = BulkJSONField(_("missing mandatory indicators"), default=list)
    affair = models.CharField(_("government affair (urusan)"), max_length=20, blank=True)
    lines = BulkJSONField(_("lines"), default=list)
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("innovation score")
        verbose_name_plural = _("innovation scores")
        indexes = [
            models.Index(fields=["unit", "model", "is_current"], name="scoring_innov_unit_current"),
            models.Index(
                fields=["innovation", "model", "is_current"], name="scoring_innov_current"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "model"],
                condition=Q(is_current=True),
                name="scoring_innov_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.innovation_id}: {self.quality}"


class UnitScore(RegencyScoped):
    """The live index of a unit under a model, maintained incrementally whenever evidence
    is verified or an innovation changes stage; pages read it, never the evidence table."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    model = models.ForeignKey(
        ScoringModel, verbose_name=_("scoring model"), on_delete=models.PROTECT, related_name="+"
    )
    family = models.CharField(_("leaderboard"), max_length=12, choices=Family.choices)
    institution = models.DecimalField(
        _("institution score"), max_digits=9, decimal_places=2, default=0
    )
    institution_max = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    quality_sum = models.DecimalField(
        _("Σ innovation quality"), max_digits=12, decimal_places=2, default=0
    )
    quality_max = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    counted_innovations = models.PositiveIntegerField(_("innovations counted (n)"), default=0)
    divisor = models.PositiveIntegerField(_("divisor MAX(k, n)"), default=1)
    innovation_quality = models.DecimalField(
        _("innovation quality"), max_digits=9, decimal_places=2, default=0
    )
    quantity_count = models.PositiveIntegerField(_("innovations with verified evidence"), default=0)
    basic_affairs = models.PositiveSmallIntegerField(_("basic-service affairs covered"), default=0)
    quantity = models.DecimalField(_("quantity score"), max_digits=9, decimal_places=2, default=0)
    quantity_max = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    score = models.DecimalField(_("index"), max_digits=5, decimal_places=2, default=0)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.DISCLAIMER
    )
    final = models.DecimalField(
        _("index with local signals"), max_digits=5, decimal_places=2, default=0
    )
    signals = BulkJSONField(_("local signals"), default=dict, blank=True)
    signals_at = models.DateTimeField(_("signals read"), null=True, blank=True)
    accepted_evidence = models.PositiveIntegerField(_("accepted evidence"), default=0)
    pending_evidence = models.PositiveIntegerField(_("evidence waiting"), default=0)
    lines = BulkJSONField(_("institution lines"), default=list)
    innovations = BulkJSONField(_("innovation scores"), default=list)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("unit score")
        verbose_name_plural = _("unit scores")
        constraints = [
            models.UniqueConstraint(fields=["unit", "model"], name="scoring_unitscore_unique")
        ]
        indexes = [
            models.Index(fields=["model", "family", "-final"], name="scoring_unitscore_board"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.score}"


class SnapshotKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MANUAL = "manual", _("Published by hand")


class Snapshot(RegencyScoped):
    """A published set of scores: what leaderboards and the public see. Never changed."""

    model = models.ForeignKey(
        ScoringModel, verbose_name=_("scoring model"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=SnapshotKind.choices)
    week = models.DateField(_("week of"), help_text=_("The Monday of the week published."))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("compared with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    row_count = models.PositiveIntegerField(_("units"), default=0)
    digest = models.CharField(_("SHA-256 of the rows"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("published snapshot")
        verbose_name_plural = _("published snapshots")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["regency", "-published_at"], name="scoring_snapshot_latest")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "week"],
                condition=Q(kind="weekly"),
                name="scoring_snapshot_one_weekly",
            )
        ]

    def __str__(self) -> str:
        return f"{self.week} ({self.get_kind_display()})"


class SnapshotRow(RegencyScoped):
    """One unit's published score in a snapshot, with its rank, movement and lines."""

    # No single-column indexes: scoring_row_unique (snapshot, unit) and scoring_row_unit
    # (unit, snapshot) serve both keys. The one on snapshot alone made PostgreSQL, with
    # statistics older than the newest snapshot, look up a unit's previous row by scanning
    # the whole previous snapshot (see services._copy_rows).
    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("snapshot"),
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    family = models.CharField(_("leaderboard"), max_length=12, choices=Family.choices)
    rank = models.PositiveIntegerField(_("rank"))
    previous_rank = models.PositiveIntegerField(_("previous rank"), null=True, blank=True)
    score = models.DecimalField(_("index"), max_digits=5, decimal_places=2)
    previous_score = models.DecimalField(
        _("previous index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    final = models.DecimalField(_("index with local signals"), max_digits=5, decimal_places=2)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    institution = models.DecimalField(_("institution score"), max_digits=9, decimal_places=2)
    innovation_quality = models.DecimalField(
        _("innovation quality"), max_digits=9, decimal_places=2
    )
    quantity = models.DecimalField(_("quantity score"), max_digits=9, decimal_places=2)
    counted_innovations = models.PositiveIntegerField(_("innovations counted (n)"))
    signals = BulkJSONField(_("local signals"), default=dict, blank=True)
    detail = BulkJSONField(_("explanation"), default=dict)

    class Meta:
        verbose_name = _("published score")
        verbose_name_plural = _("published scores")
        ordering = ["snapshot", "family", "rank"]
        indexes = [
            models.Index(fields=["snapshot", "family", "rank"], name="scoring_row_board"),
            models.Index(fields=["unit", "snapshot"], name="scoring_row_unit"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit"], name="scoring_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}/{self.unit_id}: {self.score}"

    @property
    def movement(self) -> int | None:
        """Places gained since the previous snapshot (positive: up)."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

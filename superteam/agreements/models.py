"""Performance agreements (Perjanjian Kinerja, SAKIP) signed jointly, their indicators,
realisation values and capaian.

Vocabulary kept in Indonesian because users say it that way:
- Perjanjian Kinerja (PK): the yearly performance agreement between a superior and a
  unit head (vertical) or between several units for a shared target (joint);
- sasaran (strategis): the strategic goal an indicator serves;
- indikator kinerja: a measurable indicator with a target (target) per year and per
  quarter (triwulan, Tw I–IV);
- realisasi: the value actually reached in a period; capaian: achievement in percent;
- addendum / perubahan: an amendment, signed again by every party.

An agreement has versions; the content of a version (parties, indicators, period, title)
is serialised to RFC 8785 canonical JSON (canonical.py), its SHA-256 is the document id,
and every party signs that hash with Ed25519 (signing.py). An :class:`Indicator` keeps one
identity across versions (other apps point to it); :class:`IndicatorTerms` is the
indicator as written in one version.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from superteam.core.models import RegencyScoped

VALUE_DIGITS = {"max_digits": 20, "decimal_places": 4}
MONEY_DIGITS = {"max_digits": 18, "decimal_places": 2}
PERCENT_DIGITS = {"max_digits": 9, "decimal_places": 2}


class AgreementKind(models.TextChoices):
    VERTICAL = "vertical", _("Vertical (superior and unit head)")
    JOINT = "joint", _("Joint (several units)")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATING = "circulating", _("Circulating for signatures")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATING = "circulating", _("Circulating for signatures")
    SIGNED = "signed", _("Signed by every party")
    DECLINED = "declined", _("Declined by a party")
    SUPERSEDED = "superseded", _("Replaced by a later version")


class PartyRole(models.TextChoices):
    """The place of a party on the agreement: vertical agreements have a first party (the
    superior) and a second party (the unit head); joint agreements have equal parties."""

    FIRST = "first", _("First party (superior)")
    SECOND = "second", _("Second party (unit head)")
    PARTY = "party", _("Party")


class Polarity(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    RANGE = "range", _("Within a range")


class Aggregation(models.TextChoices):
    """How the values of several periods make the value of the year."""

    SUM = "sum", _("Sum of the periods (cumulative)")
    LAST = "last", _("Latest period")
    AVERAGE = "average", _("Average of the periods")


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")


class KeyOrigin(models.TextChoices):
    HOLDER = "holder", _("Made when its holder entered their password")
    DEMO = "demo", _("Made by the demo loader (demo data, not a real signature)")


class RevokeReason(models.TextChoices):
    RESET = "reset", _("Password reset by email")
    SET = "set", _("Password set without the old one (administrator or command)")
    HOLDER = "holder", _("Revoked by its holder")


class SigningKey(models.Model):
    """A person's Ed25519 signing key: the public half in clear, the private half encrypted
    under a key derived (Argon2id) from the person's own password, so the server cannot
    sign for anyone. At most one key per person is in use; a password reset revokes it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="signing_keys",
    )
    public_key = models.CharField(_("public key"), max_length=64, help_text=_("Base64."))
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    kdf = models.JSONField(_("key derivation"), default=dict)
    nonce = models.CharField(max_length=32)
    encrypted_private_key = models.CharField(max_length=120)
    origin = models.CharField(
        _("origin"), max_length=10, choices=KeyOrigin.choices, default=KeyOrigin.HOLDER
    )
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(
        _("why revoked"), max_length=10, choices=RevokeReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["person", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="agreements_one_key_in_use_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.short_fingerprint}"

    @property
    def short_fingerprint(self) -> str:
        """The first 16 hex digits in groups of four, as printed on the PDF."""
        head = self.fingerprint[:16].upper()
        return " ".join(head[i : i + 4] for i in range(0, 16, 4))

    def was_valid_at(self, moment: datetime.datetime) -> bool:
        return self.created_at <= moment and (self.revoked_at is None or moment < self.revoked_at)


class AgreementQuerySet(models.QuerySet):
    def for_year(self, year: int):
        return self.filter(year=year)

    def involving(self, unit):
        """Agreements a unit (or one of its sub-units) takes part in."""
        return self.filter(
            pk__in=Agreement.units.through.objects.filter(
                unit__regency_id=unit.regency_id, unit__path__startswith=unit.path
            ).values("agreement_id")
        )

    def held_by(self, positions):
        """Agreements in which one of these positions is a party of the newest version."""
        return self.filter(
            pk__in=Party.objects.filter(position__in=positions, version__is_current=True).values(
                "version__agreement_id"
            )
        )


class Agreement(RegencyScoped):
    """A performance agreement: its parties are positions, its content lives in versions."""

    kind = models.CharField(_("kind"), max_length=10, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=250)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit whose agreement this is (for a joint one, the lead unit)."),
    )
    cluster = models.ForeignKey(
        "org.Cluster",
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    units = models.ManyToManyField(
        "org.Unit",
        verbose_name=_("units taking part"),
        related_name="+",
        blank=True,
        help_text=_("Units of the parties and contributing units of the newest version."),
    )
    current_version = models.ForeignKey(
        "AgreementVersion",
        verbose_name=_("newest version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active_version = models.ForeignKey(
        "AgreementVersion",
        verbose_name=_("version in force"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_type = models.CharField(_("made from"), max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Rollup of the indicators in force (refreshed by services.refresh_progress).
    capaian = models.DecimalField(_("achievement (%)"), null=True, blank=True, **PERCENT_DIGITS)
    on_track_count = models.PositiveIntegerField(default=0)
    at_risk_count = models.PositiveIntegerField(default=0)
    late_count = models.PositiveIntegerField(default=0)
    progress_on = models.DateField(null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-year", "title"]
        indexes = [
            models.Index(fields=["regency", "year", "status"], name="agr_regency_year"),
            models.Index(fields=["source_type", "source_id"], name="agr_source"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status != AgreementStatus.CLOSED

    @property
    def amendment_in_progress(self) -> bool:
        return (
            self.active_version_id is not None
            and self.current_version_id != self.active_version_id
            and self.status == AgreementStatus.ACTIVE
        )


class AgreementVersion(RegencyScoped):
    """One version of an agreement: its content is frozen when it goes out for signing,
    and its SHA-256 over RFC 8785 canonical JSON is the document id every party signs."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=10, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=250)
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    previous_hash = models.CharField(_("previous version's document id"), max_length=64, blank=True)
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    is_current = models.BooleanField(default=True, help_text=_("The newest version."))
    document_hash = models.CharField(_("document id (SHA-256)"), max_length=64, blank=True)
    short_code = models.CharField(
        _("verification code"), max_length=16, null=True, blank=True, unique=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    circulated_at = models.DateTimeField(_("sent for signing"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed by every party"), null=True, blank=True)
    # A party that refuses to sign says why; the version then stays as it is, declined.
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declined by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declined_party = models.ForeignKey(
        "Party",
        verbose_name=_("declining party"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreements_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT


class Party(models.Model):
    """A position that is a party to a version. The position's code, title and unit are
    copied at writing time: a later renaming in the organisation does not change what was
    signed."""

    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="parties",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)
    position = models.ForeignKey(
        "org.Position",
        verbose_name=pgettext_lazy("jabatan", "position"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position_code = models.CharField(max_length=60)
    position_title = models.CharField(max_length=200)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_code = models.CharField(max_length=40)
    unit_name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="agreements_party_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.position_title


class Indicator(RegencyScoped):
    """A performance indicator with one identity across all versions of its agreement
    (other apps point to it). Its wording and targets per version are IndicatorTerms;
    ``terms`` are the ones in force (the signed version's, or the newest while unsigned)."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Stable within the agreement, across versions.")
    )
    terms = models.ForeignKey(
        "IndicatorTerms",
        verbose_name=_("terms in force"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(
        _("in force"), default=True, help_text=_("False once a later version dropped it.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Progress rollup (services.refresh_progress): read by pages instead of raw values.
    realised = models.DecimalField(_("realisation"), null=True, blank=True, **VALUE_DIGITS)
    capaian = models.DecimalField(_("achievement (%)"), null=True, blank=True, **PERCENT_DIGITS)
    progress = models.CharField(
        _("status"), max_length=10, choices=ProgressStatus.choices, blank=True
    )
    progress_on = models.DateField(null=True, blank=True)
    last_period_end = models.DateField(_("latest period"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreements_indicator_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["regency", "progress"], name="agr_indicator_progress"),
        ]

    def __str__(self) -> str:
        return self.terms.name if self.terms_id else f"IK-{self.number}"

    @property
    def name(self) -> str:
        return str(self)


class IndicatorTerms(models.Model):
    """An indicator as written in one version: goal, wording, unit of measure, baseline,
    targets for the year and each quarter, polarity, aggregation, deadline, responsible
    position, contributing units, programme and budget."""

    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="indicator_terms",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sasaran = models.CharField(
        _("strategic goal (sasaran)"),
        max_length=300,
        help_text=_("The strategic goal the indicator serves."),
    )
    name = models.CharField(_("indicator"), max_length=300)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60)
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **VALUE_DIGITS)
    target = models.DecimalField(
        _("target"),
        help_text=_("For a range: its lower bound."),
        **VALUE_DIGITS,
    )
    target_high = models.DecimalField(
        _("upper bound of the range"), null=True, blank=True, **VALUE_DIGITS
    )
    q1 = models.DecimalField(_("Q1 target"), null=True, blank=True, **VALUE_DIGITS)
    q2 = models.DecimalField(_("Q2 target"), null=True, blank=True, **VALUE_DIGITS)
    q3 = models.DecimalField(_("Q3 target"), null=True, blank=True, **VALUE_DIGITS)
    q4 = models.DecimalField(_("Q4 target"), null=True, blank=True, **VALUE_DIGITS)
    polarity = models.CharField(
        _("polarity"), max_length=10, choices=Polarity.choices, default=Polarity.HIGHER
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.LAST
    )
    deadline = models.DateField(_("deadline"))
    responsible_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("responsible position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_code = models.CharField(max_length=60, blank=True)
    responsible_title = models.CharField(max_length=200, blank=True)
    responsible_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contributing_units = models.ManyToManyField(
        "org.Unit",
        verbose_name=_("contributing units"),
        through="Contribution",
        related_name="+",
        blank=True,
    )
    programme = models.CharField(_("programme"), max_length=300, blank=True)
    budget = models.DecimalField(_("budget (Rp)"), null=True, blank=True, **MONEY_DIGITS)

    class Meta:
        verbose_name = _("indicator terms")
        verbose_name_plural = _("indicator terms")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "indicator"], name="agreements_terms_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def quarterly_targets(self) -> list[Decimal | None]:
        return [self.q1, self.q2, self.q3, self.q4]


class Contribution(models.Model):
    """A unit contributing to an indicator in one version (code and name copied)."""

    terms = models.ForeignKey(
        IndicatorTerms, on_delete=models.CASCADE, related_name="contributions"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit_code = models.CharField(max_length=40)
    unit_name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("contributing unit")
        verbose_name_plural = _("contributing units")
        constraints = [
            models.UniqueConstraint(fields=["terms", "unit"], name="agreements_contribution_once")
        ]

    def __str__(self) -> str:
        return self.unit_name


class Signature(RegencyScoped):
    """A party's Ed25519 signature over a version's document id, with who signed, for
    which position, with which key and when (all also written to the ledger)."""

    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="signatures"
    )
    position = models.ForeignKey(
        "org.Position",
        verbose_name=pgettext_lazy("jabatan", "position"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="agreement_signatures",
    )
    signer_name = models.CharField(_("signer's name"), max_length=200)
    acting = models.BooleanField(_("acting holder (Plt)"), default=False)
    key = models.ForeignKey(
        SigningKey, verbose_name=_("key"), on_delete=models.PROTECT, related_name="signatures"
    )
    document_hash = models.CharField(_("document id signed"), max_length=64)
    signature = models.CharField(_("signature"), max_length=100, help_text=_("Base64."))
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["version", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "party"], name="agreements_one_signature")
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} — {self.version}"


def private_storage():
    """Evidence files never leave through a public URL (settings.STORAGES["private"])."""
    from django.core.files.storage import storages

    return storages["private"]


def evidence_path(instance, filename: str) -> str:
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"agreements/evidence/{instance.regency_id}/{uuid.uuid4().hex}.{suffix}"


class Realisation(RegencyScoped):
    """A value reached by an indicator in a period (realisasi), with optional evidence.
    A later entry for the same period replaces the earlier one (kept as history)."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="realisations",
    )
    period_end = models.DateField(_("period ending"))
    value = models.DecimalField(_("value"), **VALUE_DIGITS)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(
        _("evidence"),
        storage=private_storage,
        upload_to=evidence_path,
        blank=True,
        max_length=200,
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_type = models.CharField(max_length=80, blank=True)
    is_current = models.BooleanField(
        _("current"), default=True, help_text=_("False once a later entry for the period exists.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)
    source_type = models.CharField(_("from"), max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("realisation")
        verbose_name_plural = _("realisations")
        ordering = ["indicator", "period_end", "entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "source_type", "source_id"],
                condition=~Q(source_type=""),
                name="agreements_realisation_once_per_source",
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "is_current", "period_end"], name="agr_real_current")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} @ {self.period_end}: {self.value}"

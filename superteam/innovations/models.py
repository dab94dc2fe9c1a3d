"""Innovations owned by units, ideas from any civil servant, and the evidence behind them.

Vocabulary kept in Indonesian because users say it that way (PP 38/2017 on regional
innovation):
- inisiatif: the innovation is designed; uji coba: it is being trialled; penerapan: it is
  rolled out and serves people. Only innovations in penerapan count for the index.
- rancang bangun: the design narrative of an innovation (at least 300 words nationally).
- urusan: a government affair (health, education, ...); six of them are basic services.
- replikasi: another unit adopts an innovation; both the original and the adopter are
  credited.
An innovation belongs to a unit, never to a person: when a head changes, the new holder
of the position inherits it and the history of who ran it stays readable.
"""

from __future__ import annotations

import datetime
import os
import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from superteam.core.models import RegencyScoped


class PrivateStorage(Storage):
    """The configured private storage, looked up on every use (settings may change it, as
    tests do); evidence files are served only through a permission-checking view."""

    def _target(self) -> Storage:
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def _save(self, name, content):
        return self._target().save(name, content)

    def delete(self, name):
        return self._target().delete(name)

    def exists(self, name):
        return self._target().exists(name)

    def size(self, name):
        return self._target().size(name)

    def path(self, name):
        return self._target().path(name)

    def url(self, name):
        raise NotImplementedError("Evidence files have no public URL.")

    def get_available_name(self, name, max_length=None):
        return self._target().get_available_name(name, max_length=max_length)


def private_storage() -> Storage:
    return PrivateStorage()


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"evidence/{instance.regency_id}/{uuid.uuid4().hex}{ext}"


class Stage(models.TextChoices):
    """Where an innovation is on its way (PP 38/2017): designed, trialled, rolled out."""

    INISIATIF = "inisiatif", _("Initiative (inisiatif)")
    UJI_COBA = "uji_coba", _("Trial (uji coba)")
    PENERAPAN = "penerapan", _("Rollout (penerapan)")


STAGE_ORDER = [Stage.INISIATIF, Stage.UJI_COBA, Stage.PENERAPAN]


def stage_date_errors(
    *,
    stage: str | None,
    initiated_on: datetime.date | None,
    trial_started_on: datetime.date | None,
    implemented_on: datetime.date | None,
) -> dict[str, str]:
    """What is wrong with an innovation's stage dates, by field: never in the future, never
    before the stage before, the date of the current stage given. A value not known (None:
    not given, or not valid in a form) is only checked for being required by the stage, so
    a form can show these errors beside its other ones."""
    today = timezone.localdate()
    errors = {}
    dates = [
        ("initiated_on", initiated_on),
        ("trial_started_on", trial_started_on),
        ("implemented_on", implemented_on),
    ]
    for name, value in dates:
        if value and value > today:
            errors[name] = _("The date cannot be in the future.")
    if trial_started_on and initiated_on and trial_started_on < initiated_on:
        errors["trial_started_on"] = _("The trial cannot start before the initiative.")
    start = trial_started_on or initiated_on
    if implemented_on and start and implemented_on < start:
        errors["implemented_on"] = _("The rollout cannot start before the trial or initiative.")
    if stage == Stage.UJI_COBA and not trial_started_on:
        errors["trial_started_on"] = _("Give the date the trial started.")
    if stage == Stage.PENERAPAN and not implemented_on:
        errors["implemented_on"] = _("Give the date the rollout started.")
    return errors


class Form(models.TextChoices):
    """The form of an innovation (bentuk inovasi)."""

    GOVERNANCE = "tata_kelola", _("Governance (tata kelola pemerintahan)")
    PUBLIC_SERVICE = "pelayanan_publik", _("Public service (pelayanan publik)")
    OTHER = "lainnya", _("Other regional innovation")


class InitiatorKind(models.TextChoices):
    """Who started it (inisiator)."""

    REGIONAL_HEAD = "kepala_daerah", _("Regional head")
    DPRD = "dprd", _("Member of the regional parliament (DPRD)")
    AGENCY = "opd", _("Regional agency (OPD)")
    ASN = "asn", _("Civil servant (ASN)")
    PUBLIC = "masyarakat", _("The public")


class Affair(models.TextChoices):
    """Government affairs (urusan pemerintahan, UU 23/2014); the first six are basic services."""

    PENDIDIKAN = "pendidikan", _("Education")
    KESEHATAN = "kesehatan", _("Health")
    PUPR = "pupr", _("Public works and spatial planning")
    PERUMAHAN = "perumahan", _("Housing and settlements")
    TRANTIBUM = "trantibum", _("Public order and community protection")
    SOSIAL = "sosial", _("Social affairs")
    TENAGA_KERJA = "tenaga_kerja", _("Manpower")
    PEREMPUAN_ANAK = "perempuan_anak", _("Women's empowerment and child protection")
    PANGAN = "pangan", _("Food")
    PERTANAHAN = "pertanahan", _("Land")
    LINGKUNGAN = "lingkungan", _("Environment")
    ADMINDUK = "adminduk", _("Population administration and civil registration")
    DESA = "desa", _("Community and village empowerment")
    KB = "kb", _("Population control and family planning")
    PERHUBUNGAN = "perhubungan", _("Transport")
    KOMINFO = "kominfo", _("Communication and informatics")
    KOPERASI = "koperasi", _("Cooperatives and small businesses")
    PENANAMAN_MODAL = "penanaman_modal", _("Investment")
    KEPEMUDAAN = "kepemudaan", _("Youth and sports")
    STATISTIK = "statistik", _("Statistics")
    PERSANDIAN = "persandian", _("Encryption")
    KEBUDAYAAN = "kebudayaan", _("Culture")
    PERPUSTAKAAN = "perpustakaan", _("Libraries")
    KEARSIPAN = "kearsipan", _("Archives")
    PERIKANAN = "perikanan", _("Marine affairs and fisheries")
    PARIWISATA = "pariwisata", _("Tourism")
    PERTANIAN = "pertanian", _("Agriculture")
    KEHUTANAN = "kehutanan", _("Forestry")
    ESDM = "esdm", _("Energy and mineral resources")
    PERDAGANGAN = "perdagangan", _("Trade")
    PERINDUSTRIAN = "perindustrian", _("Industry")
    TRANSMIGRASI = "transmigrasi", _("Transmigration")
    PENUNJANG = "penunjang", _("Supporting functions (planning, finance, staffing, oversight)")


# The six basic-service affairs (urusan wajib pelayanan dasar).
BASIC_SERVICE_AFFAIRS = frozenset(
    {
        Affair.PENDIDIKAN,
        Affair.KESEHATAN,
        Affair.PUPR,
        Affair.PERUMAHAN,
        Affair.TRANTIBUM,
        Affair.SOSIAL,
    }
)


class InnovationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def counted(self):
        """Innovations the index counts: active and in penerapan."""
        return self.filter(is_active=True, stage=Stage.PENERAPAN)

    def public(self):
        """Shown to the public: rolled out, or adopted by another unit, and not hidden."""
        return self.filter(is_active=True, is_public=True).filter(
            Q(stage=Stage.PENERAPAN) | Q(replicated_from__isnull=False)
        )


class Innovation(RegencyScoped):
    """An innovation of a unit: what problem it solves, how, for whom, and how far it got."""

    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    # The unit whose index the innovation counts for: the owner, or its nearest ancestor
    # that competes on a leaderboard (a seksi's innovation counts for its dinas).
    scoring_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("counts for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scored_innovations",
    )
    responsible_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("responsible position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_for_innovations",
        help_text=_("The position (jabatan) that runs the innovation, whoever holds it."),
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    design = models.TextField(
        _("design narrative (rancang bangun)"),
        blank=True,
        help_text=_("How the innovation works; the national assessment asks for 300 words."),
    )
    goals = models.TextField(_("goals"), blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    results = models.TextField(_("results"), blank=True)
    form = models.CharField(
        _("form"), max_length=20, choices=Form.choices, default=Form.PUBLIC_SERVICE
    )
    is_digital = models.BooleanField(_("digital"), default=False)
    initiator_kind = models.CharField(
        _("initiator"), max_length=20, choices=InitiatorKind.choices, default=InitiatorKind.AGENCY
    )
    initiator_name = models.CharField(_("initiator's name"), max_length=200, blank=True)
    affair = models.CharField(
        _("government affair (urusan)"), max_length=20, choices=Affair.choices
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.INISIATIF
    )
    initiated_on = models.DateField(_("initiative since"))
    trial_started_on = models.DateField(_("trial since"), null=True, blank=True)
    implemented_on = models.DateField(_("rollout since"), null=True, blank=True)
    beneficiaries = models.TextField(_("beneficiaries"), blank=True)
    beneficiary_count = models.PositiveIntegerField(
        _("number of beneficiaries"), null=True, blank=True
    )
    involved_units = models.ManyToManyField(
        "org.Unit",
        verbose_name=_("units involved"),
        blank=True,
        related_name="involved_in_innovations",
    )
    replicated_from = models.ForeignKey(
        "self",
        verbose_name=_("replicated from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replicas",
    )
    video_url = models.URLField(_("video"), blank=True)
    is_public = models.BooleanField(
        _("shown to the public"),
        default=True,
        help_text=_("Rolled-out innovations appear in the public showcase unless hidden."),
    )
    is_active = models.BooleanField(_("running"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InnovationQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["regency", "stage"], name="innov_regency_stage"),
            models.Index(fields=["scoring_unit", "stage"], name="innov_scoring_unit_stage"),
            models.Index(fields=["regency", "initiated_on"], name="innov_regency_initiated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("innovations:detail", args=[self.pk])

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)

    @property
    def next_stage(self) -> str | None:
        i = self.stage_index
        return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None

    @property
    def is_counted(self) -> bool:
        return self.is_active and self.stage == Stage.PENERAPAN

    @property
    def is_basic_service(self) -> bool:
        return self.affair in BASIC_SERVICE_AFFAIRS

    def stage_date(self, stage: str):
        return {
            Stage.INISIATIF: self.initiated_on,
            Stage.UJI_COBA: self.trial_started_on,
            Stage.PENERAPAN: self.implemented_on,
        }[stage]


class EventKind(models.TextChoices):
    CREATED = "created", _("Registered")
    STAGE = "stage", _("Stage changed")
    RESPONSIBLE = "responsible", _("Responsible position changed")
    REPLICATED = "replicated", _("Replicated by another unit")
    EDITED = "edited", _("Details edited")
    STOPPED = "stopped", _("Stopped")
    RESUMED = "resumed", _("Resumed")


class InnovationEvent(RegencyScoped):
    """One step in an innovation's history, with the position the actor acted through, so
    the story survives leadership changes."""

    innovation = models.ForeignKey(
        Innovation, verbose_name=_("innovation"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    stage_from = models.CharField(_("from stage"), max_length=12, choices=Stage.choices, blank=True)
    stage_to = models.CharField(_("to stage"), max_length=12, choices=Stage.choices, blank=True)
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.ForeignKey(
        "org.Position",
        verbose_name=pgettext_lazy("jabatan", "as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related = models.ForeignKey(
        Innovation,
        verbose_name=_("related innovation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("innovation history entry")
        verbose_name_plural = _("innovation history")
        ordering = ["on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.innovation} — {self.get_kind_display()}"


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    PROMOTED = "promoted", _("Promoted to an innovation")
    DECLINED = "declined", _("Declined")


class Idea(RegencyScoped):
    """An idea proposed by any civil servant to a unit; its head promotes it to an
    innovation at stage inisiatif or declines it with a reason."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("proposed to"), on_delete=models.PROTECT, related_name="ideas"
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="innovation_ideas",
    )
    proposer_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("proposer's position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    proposal = models.TextField(_("the idea"))
    expected_benefit = models.TextField(_("expected benefit"), blank=True)
    affair = models.CharField(
        _("government affair (urusan)"), max_length=20, choices=Affair.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=IdeaStatus.choices,
        default=IdeaStatus.SUBMITTED,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    innovation = models.OneToOneField(
        Innovation,
        verbose_name=_("innovation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea",
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit", "status"], name="innov_idea_unit_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("innovations:idea", args=[self.pk])


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EvidenceQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=EvidenceStatus.ACCEPTED)

    def pending(self):
        return self.filter(status=EvidenceStatus.PENDING)


class Evidence(RegencyScoped):
    """A claim that an indicator of the scoring catalogue is met at a level (1–3), backed by
    a file or a link. Only evidence a verifier accepted scores.

    Innovation-side evidence names its innovation; institution-side evidence has none and
    belongs to the unit. The indicator is named by its stable code, so evidence keeps its
    meaning across versions of the scoring model.
    """

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="innovation_evidence",
    )
    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    indicator_code = models.CharField(_("indicator"), max_length=40)
    level = models.PositiveSmallIntegerField(_("level claimed"))
    accepted_level = models.PositiveSmallIntegerField(_("level accepted"), null=True, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=evidence_upload_to, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=80, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EvidenceStatus.choices,
        default=EvidenceStatus.PENDING,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verifier_note = models.TextField(_("verifier's note or reason"), blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["innovation", "status"], name="innov_evidence_innov_status"),
            models.Index(fields=["unit", "status"], name="innov_evidence_unit_status"),
            models.Index(fields=["regency", "status", "submitted_at"], name="innov_evidence_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=3), name="innov_evidence_level_1_3"
            ),
            models.CheckConstraint(
                condition=Q(accepted_level__isnull=True)
                | (Q(accepted_level__gte=1) & Q(accepted_level__lte=models.F("level"))),
                name="innov_evidence_accepted_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} L{self.level}"

    @property
    def scoring_level(self) -> int:
        """The level that scores: the accepted one, and only once accepted."""
        if self.status != EvidenceStatus.ACCEPTED:
            return 0
        return self.accepted_level or self.level


class NoticeKind(models.TextChoices):
    IDEA_SUBMITTED = "idea_submitted", _("A new idea to review")
    IDEA_PROMOTED = "idea_promoted", _("Your idea became an innovation")
    IDEA_DECLINED = "idea_declined", _("Your idea was declined")
    EVIDENCE_ACCEPTED = "evidence_accepted", _("Evidence accepted")
    EVIDENCE_REJECTED = "evidence_rejected", _("Evidence rejected")


class Notice(RegencyScoped):
    """An on-page notice for one person (shown until read); the text is rendered in the
    reader's language when shown, from its kind and the linked objects."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="innovation_notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE
    )
    innovation = models.ForeignKey(
        Innovation, verbose_name=_("innovation"), null=True, blank=True, on_delete=models.CASCADE
    )
    evidence = models.ForeignKey(
        Evidence, verbose_name=_("evidence"), null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "read_at"], name="innov_notice_person_unread")]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()}"

"""The tamper-evident ledger: one hash chain per regency of every significant state change.

hash_n = SHA-256(hash_{n-1} ‖ RFC 8785 canonical JSON of entry n); see services.py.
"""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from superteam.core.lookups import AnyOf
from superteam.core.models import RegencyScoped, regency_key

GENESIS_HASH = "0" * 64


class CanonicalJSONEncoder(json.JSONEncoder):
    """Stores payloads as compact JSON with sorted keys: for the values record() writes this
    is already their RFC 8785 form, so verification can hash the stored text as it is."""

    def __init__(self, **kwargs):
        kwargs.update(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        super().__init__(**kwargs)


class Entry(RegencyScoped):
    """One link of a regency's chain: what happened, to what, by whom, when."""

    # No index of its own: the unique (regency, seq) begins with it.
    regency = regency_key(db_index=False)
    seq = models.BigIntegerField(_("number"))
    kind = models.CharField(_("event"), max_length=60, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=60, blank=True)
    subject_id = models.CharField(_("subject"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField(_("details"), default=dict, encoder=CanonicalJSONEncoder)
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["regency_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "seq"], name="ledger_entry_seq_unique"),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="ledger_entry_subject")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"

    @property
    def kind_label(self) -> str:
        """What happened, in words (the kind itself stays the record; see kinds.py)."""
        from superteam.ledger.kinds import label

        return label(self.kind)

    @property
    def subject_label(self) -> str:
        """What it happened to, in words: the model's name and the row's number ("Laporan
        harian 41"); the stored ``app.model`` when the model no longer exists."""
        if not self.subject_type:
            return ""
        from django.apps import apps
        from django.utils.text import capfirst

        try:
            name = capfirst(apps.get_model(self.subject_type)._meta.verbose_name)
        except (LookupError, ValueError):
            name = self.subject_type
        return f"{name} {self.subject_id}".strip()


# Bulk verification looks entries up by hundreds of subject ids at once.
Entry._meta.get_field("subject_id").register_lookup(AnyOf)


class Head(RegencyScoped):
    """The newest link of a regency's chain; appends lock this row so the chain never forks."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("ledger head")
        verbose_name_plural = _("ledger heads")
        constraints = [
            models.UniqueConstraint(fields=["regency"], name="ledger_head_regency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.regency_id}: #{self.seq}"


class Checkpoint(RegencyScoped):
    """A signed statement of a chain's size and head hash at a moment, made with the
    installation key; exported and published so that a rewrite of the whole chain (which
    would still be self-consistent) is caught against it."""

    seq = models.BigIntegerField(_("entries"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(_("time"))
    public_key = models.CharField(_("installation public key"), max_length=64)
    signature = models.CharField(_("signature"), max_length=100)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["regency_id", "-seq", "-created_at"]
        indexes = [models.Index(fields=["regency", "seq"], name="ledger_checkpoint_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.head_hash[:12]}"


class Verification(RegencyScoped):
    """The outcome of one run of chain verification (kept so pages never recompute)."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    checked = models.BigIntegerField(_("entries checked"))
    ok = models.BooleanField(_("sound"))
    first_broken_seq = models.BigIntegerField(_("first broken entry"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    checkpoints_checked = models.PositiveIntegerField(_("checkpoints checked"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")
        ordering = ["regency_id", "-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'broken'}"

"""The tamper-evident ledger: one hash chain per regency of every significant state change.

hash_n = SHA-256(hash_{n-1} ‖ RFC 8785 canonical JSON of entry n); see services.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from superteam.core.models import RegencyScoped

GENESIS_HASH = "0" * 64


class Entry(RegencyScoped):
    """One link of a regency's chain: what happened, to what, by whom, when."""

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
    payload = models.JSONField(_("details"), default=dict)
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["regency", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "seq"], name="ledger_entry_seq_unique"),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="ledger_entry_subject")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


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

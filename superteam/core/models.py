"""Shared base models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def regency_key(*, db_index: bool = True) -> models.ForeignKey:
    """The regency foreign key of :class:`RegencyScoped`. ``db_index=False`` for a model
    whose own indexes all begin with the regency: an index of its own would only be one
    more B-tree to write for every row."""
    return models.ForeignKey(
        "org.Regency",
        verbose_name=_("regency"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=db_index,
    )


class RegencyScoped(models.Model):
    """Carries the regency a row belongs to: the tenant key of every large table and the
    distribution column when the database is sharded by regency (Citus)."""

    regency = regency_key()

    class Meta:
        abstract = True


class ScheduledRun(models.Model):
    """When a periodic job (see core/scheduler.py) last ran; locked while it is being started
    so that two scheduler processes never start the same run twice."""

    name = models.CharField(_("job"), max_length=80, unique=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_slot = models.CharField(_("last slot"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return self.name

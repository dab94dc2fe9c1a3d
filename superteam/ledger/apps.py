from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from superteam.core.navigation import NavItem


class LedgerConfig(AppConfig):
    name = "superteam.ledger"
    label = "ledger"
    verbose_name = _("Ledger")
    nav_items = [NavItem(_("Ledger"), "ledger:index", "ledger.view", order=90)]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from superteam.core.navigation import NavItem


class AgreementsConfig(AppConfig):
    name = "superteam.agreements"
    label = "agreements"
    verbose_name = _("Agreements")
    nav_items = [
        NavItem(_("Agreements"), "agreements:list", "agreements.view", order=20),
        NavItem(_("Achievement"), "agreements:overview", "agreements.overview", order=21),
    ]

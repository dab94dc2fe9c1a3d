from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from superteam.core.navigation import NavItem


class InnovationsConfig(AppConfig):
    name = "superteam.innovations"
    label = "innovations"
    verbose_name = _("Innovations")
    nav_items = [
        NavItem(_("Innovations"), "innovations:list", "innovations.view", order=40),
        NavItem(_("Ideas"), "innovations:ideas", "innovations.view", order=41),
        NavItem(_("Verify evidence"), "innovations:verify_queue", "innovations.verify", order=42),
    ]

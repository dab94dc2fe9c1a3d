from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from superteam.core.navigation import NavItem


class OrgConfig(AppConfig):
    name = "superteam.org"
    label = "org"
    verbose_name = _("Organisation")
    nav_items = [
        NavItem(_("Organisation"), "org:tree", "org.view", order=10),
        NavItem(_("Clusters"), "org:clusters", "org.view", order=11),
        NavItem(_("Import and export"), "org:import", "org.manage", order=12),
    ]

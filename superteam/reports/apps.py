from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from superteam.core.navigation import NavItem


class ReportsConfig(AppConfig):
    name = "superteam.reports"
    label = "reports"
    verbose_name = _("Reports")
    nav_items = [
        NavItem(_("Report today"), "reports:submit", "reports.submit", order=30),
        NavItem(_("My reports"), "reports:mine", "reports.submit", order=31),
        NavItem(_("Verify"), "reports:verify_queue", "reports.verify", order=32),
        NavItem(_("Compliance"), "reports:compliance", "reports.oversee", order=33),
        NavItem(_("Daily digest"), "reports:digest", "reports.oversee", order=34),
    ]

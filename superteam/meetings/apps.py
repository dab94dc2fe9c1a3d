from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from superteam.core.navigation import NavItem


class MeetingsConfig(AppConfig):
    name = "superteam.meetings"
    label = "meetings"
    verbose_name = _("Meetings")
    nav_items = [
        NavItem(_("Rakor"), "meetings:index", "meetings.view", order=20),
        NavItem(_("Decisions"), "meetings:decisions", "meetings.view", order=21),
    ]

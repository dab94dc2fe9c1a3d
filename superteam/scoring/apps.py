from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from superteam.core.navigation import NavItem


class ScoringConfig(AppConfig):
    name = "superteam.scoring"
    label = "scoring"
    verbose_name = _("Scoring")
    nav_items = [
        NavItem(_("Innovation index"), "scoring:leaderboard", "scoring.view", order=45),
    ]

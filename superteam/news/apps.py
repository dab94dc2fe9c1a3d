from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from superteam.core.navigation import NavItem


class NewsConfig(AppConfig):
    name = "superteam.news"
    label = "news"
    verbose_name = _("News")
    nav_items = [
        NavItem(_("News portal"), "news:home", None, order=5),
        NavItem(_("Newsroom"), "news:editor", "news.edit", order=60),
    ]

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "superteam.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Every app declares its permission rules in rules.py (see core/permissions.py).
        autodiscover_modules("rules")


class SuperTeamAdminConfig(admin_apps.AdminConfig):
    """Django's admin, opened to the holders of admin positions (see core/admin_site.py)."""

    default = False
    default_site = "superteam.core.admin_site.SuperTeamAdminSite"

"""The admin site and the base class of every ModelAdmin.

Django's admin is opened to whoever holds an admin position today (or is a superuser),
and each admin sees and edits only the rows of their own regency.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from superteam.core.permissions import can


class SuperTeamAdminSite(admin.AdminSite):
    site_header = _("SuperTeam administration")
    site_title = _("SuperTeam administration")
    index_title = _("Set up the regency")

    def has_permission(self, request):
        return request.user.is_active and can(request.actor, "core.admin_site")


class RegencyScopedAdmin(admin.ModelAdmin):
    """Admin of a regency-scoped model: rows of the admin's own regencies only."""

    list_per_page = 50

    def _allowed(self, request) -> bool:
        return can(request.actor, "core.admin_site")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or request.actor.in_regency(obj))

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.actor.is_superuser or not hasattr(self.model, "regency_id"):
            return qs
        return qs.filter(regency_id__in=request.actor.regency_ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related = db_field.related_model
        if field is not None and not request.actor.is_superuser:
            if related.__name__ == "Regency" and related._meta.app_label == "org":
                field.queryset = field.queryset.filter(pk__in=request.actor.regency_ids)
            elif any(f.name == "regency" for f in related._meta.fields):
                field.queryset = field.queryset.filter(regency_id__in=request.actor.regency_ids)
        return field

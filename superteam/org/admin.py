from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from superteam.core.admin_site import RegencyScopedAdmin
from superteam.core.permissions import can
from superteam.org.models import Assignment, Cluster, Person, Position, Regency, Unit


@admin.register(Regency)
class RegencyAdmin(RegencyScopedAdmin):
    list_display = ["name", "code", "province", "time_zone"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.actor.is_superuser else qs.filter(pk__in=request.actor.regency_ids)

    def has_add_permission(self, request):
        return request.actor.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.actor.is_superuser


class AdminSiteInline:
    """Inlines follow the admin site's rule (holders of an admin position), not Django's
    per-model permissions, which SuperTeam does not hand out."""

    def _allowed(self, request) -> bool:
        return can(request.actor, "core.admin_site")

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)


class PositionInline(AdminSiteInline, admin.TabularInline):
    model = Position
    fields = ["code", "title", "level", "is_admin", "is_verifier", "sort_order", "is_active"]
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(RegencyScopedAdmin):
    list_display = ["name", "code", "kind", "parent", "is_frontline", "is_active"]
    list_filter = ["kind", "is_frontline", "is_active", "regency"]
    search_fields = ["name", "code", "short_name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "regency",
                    "parent",
                    "kind",
                    "code",
                    "name",
                    "short_name",
                    "sort_order",
                    "is_active",
                ]
            },
        ),
        (
            _("Place and service"),
            {
                "fields": [
                    "address",
                    "email",
                    "latitude",
                    "longitude",
                    "is_frontline",
                    "service_hours",
                ]
            },
        ),
    ]
    inlines = [PositionInline]

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.instance and not inline_form.instance.regency_id:
                inline_form.instance.regency_id = form.instance.regency_id
        super().save_formset(request, form, formset, change)


class AssignmentInline(AdminSiteInline, admin.TabularInline):
    model = Assignment
    fk_name = "person"
    fields = ["position", "kind", "start", "end", "decree"]
    autocomplete_fields = ["position"]
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False  # history is never deleted: end an assignment instead


@admin.register(Position)
class PositionAdmin(RegencyScopedAdmin):
    list_display = ["title", "code", "unit", "level", "is_admin", "is_verifier", "is_active"]
    list_filter = ["level", "is_admin", "is_verifier", "is_active"]
    search_fields = ["title", "code", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(Assignment)
class AssignmentAdmin(RegencyScopedAdmin):
    list_display = ["person", "position", "kind", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["person__full_name", "person__nip", "position__title"]
    autocomplete_fields = ["person", "position"]
    list_select_related = ["person", "position"]
    date_hierarchy = "start"

    def has_delete_permission(self, request, obj=None):
        return False  # history is never deleted: end an assignment instead


@admin.register(Cluster)
class ClusterAdmin(RegencyScopedAdmin):
    list_display = ["name", "code", "lead_unit", "coordinator"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["lead_unit", "coordinator", "units"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Person)
class PersonAdmin(UserAdmin, RegencyScopedAdmin):
    list_display = ["full_name", "username", "nip", "email", "is_active"]
    list_filter = ["is_active", "is_superuser", "language"]
    search_fields = ["full_name", "username", "nip", "email"]
    ordering = ["full_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "nip", "email", "phone", "language", "regency"]}),
        (_("Access"), {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "username",
                    "full_name",
                    "nip",
                    "email",
                    "regency",
                    "password1",
                    "password2",
                ]
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [AssignmentInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.actor.is_superuser:
            fields.append("is_superuser")
        return fields

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if (
                inline_form.instance
                and not inline_form.instance.regency_id
                and form.instance.regency_id
            ):
                inline_form.instance.regency_id = form.instance.regency_id
        super().save_formset(request, form, formset, change)

"""Django's admin for the organisation. Assignments are read-only here: appointing and
ending go through the organisation pages, which call ``org.services`` (checks, one
definitive head at a time, ledger, recount); the admin links there."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html
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
    """A person's assignments, read-only: appoint and end on the person's page."""

    model = Assignment
    fk_name = "person"
    fields = ["position", "kind", "start", "end", "decree", "end_link"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # history is never deleted: end an assignment instead

    @admin.display(description=_("End"))
    def end_link(self, obj):
        return _end_link(obj)


def _end_link(assignment) -> str:
    if assignment is None or assignment.pk is None:
        return ""
    return format_html(
        '<a href="{}">{}</a>',
        reverse("org:end_assignment", args=[assignment.pk]),
        _("End this assignment"),
    )


def _appoint_link(person) -> str:
    if person is None or person.pk is None:
        return ""
    return format_html(
        '<a href="{}">{}</a> · <a href="{}">{}</a>',
        reverse("org:appoint", args=[person.pk]),
        _("Appoint to a position"),
        reverse("org:person", args=[person.pk]),
        _("Positions on the organisation pages"),
    )


@admin.register(Position)
class PositionAdmin(RegencyScopedAdmin):
    list_display = ["title", "code", "unit", "level", "is_admin", "is_verifier", "is_active"]
    list_filter = ["level", "is_admin", "is_verifier", "is_active"]
    search_fields = ["title", "code", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(Assignment)
class AssignmentAdmin(RegencyScopedAdmin):
    """Read-only: appointments and their end go through the organisation pages."""

    list_display = ["person", "position", "kind", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["person__full_name", "person__nip", "position__title"]
    list_select_related = ["person", "position"]
    date_hierarchy = "start"
    fields = ["person", "position", "kind", "start", "end", "decree", "manage"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # history is never deleted: end an assignment instead

    @admin.display(description=_("Change"))
    def manage(self, obj):
        return format_html("{} · {}", _end_link(obj), _appoint_link(obj.person))


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
        (_("Positions"), {"fields": ["positions_link"]}),
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
    readonly_fields = ["last_login", "date_joined", "positions_link"]
    inlines = [AssignmentInline]

    @admin.display(description=_("Appointments"))
    def positions_link(self, obj):
        return _appoint_link(obj)

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

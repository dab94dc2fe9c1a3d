"""Admin of innovations, ideas, evidence and notices (rows of the admin's regency only).

Evidence decisions go through the verifiers' pages (they score and are ledgered), so the
admin shows evidence read-only.
"""

from django.contrib import admin

from superteam.core.admin_site import RegencyScopedAdmin
from superteam.innovations.models import Evidence, Idea, Innovation, InnovationEvent, Notice


class EventInline(admin.TabularInline):
    model = InnovationEvent
    fk_name = "innovation"
    fields = ["on", "kind", "stage_from", "stage_to", "actor", "position", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Innovation)
class InnovationAdmin(RegencyScopedAdmin):
    list_display = [
        "title",
        "owner_unit",
        "stage",
        "affair",
        "is_digital",
        "is_active",
        "is_public",
    ]
    list_filter = ["stage", "form", "is_digital", "is_active", "is_public", "affair"]
    search_fields = ["title", "owner_unit__name"]
    autocomplete_fields = [
        "owner_unit",
        "responsible_position",
        "replicated_from",
        "involved_units",
    ]
    readonly_fields = ["scoring_unit", "created_by", "created_at", "updated_at"]
    list_select_related = ["owner_unit"]
    inlines = [EventInline]


@admin.register(Idea)
class IdeaAdmin(RegencyScopedAdmin):
    list_display = ["title", "unit", "proposer", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "proposer__full_name", "unit__name"]
    readonly_fields = [
        "proposer",
        "proposer_position",
        "reviewed_by",
        "reviewed_at",
        "innovation",
        "created_at",
    ]
    list_select_related = ["unit", "proposer"]


class ReadOnlyAdmin(RegencyScopedAdmin):
    """Rows written only through the services (they score and are ledgered)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = [
        "indicator_code",
        "level",
        "accepted_level",
        "status",
        "unit",
        "innovation",
        "submitted_at",
    ]
    list_filter = ["status", "indicator_code"]
    search_fields = ["innovation__title", "unit__name", "indicator_code"]
    list_select_related = ["unit", "innovation"]


@admin.register(InnovationEvent)
class InnovationEventAdmin(ReadOnlyAdmin):
    list_display = ["innovation", "kind", "on", "actor"]
    list_filter = ["kind"]
    list_select_related = ["innovation", "actor"]


@admin.register(Notice)
class NoticeAdmin(RegencyScopedAdmin):
    list_display = ["person", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["person"]

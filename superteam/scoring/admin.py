"""Admin of the scoring model versions and (read-only) scores and snapshots.

A draft version is edited here or on the friendly page (scoring:model_edit); a version in
use or retired is read-only: copy it to a new draft with the action.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from superteam.core.admin_site import RegencyScopedAdmin
from superteam.scoring import services
from superteam.scoring.models import (
    Indicator,
    InnovationScore,
    ModelStatus,
    ScoringModel,
    Snapshot,
    SnapshotRow,
    UnitScore,
)


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("code", "side", "order"),
                    ("name_id", "name_en"),
                    ("weight", "mandatory"),
                ]
            },
        ),
        (
            _("Levels"),
            {
                "fields": [
                    ("level_1_id", "level_1_en"),
                    ("level_2_id", "level_2_en"),
                    ("level_3_id", "level_3_en"),
                    ("evidence_id", "evidence_en"),
                ]
            },
        ),
    ]

    def _editable(self, obj):
        return obj is None or obj.status == ModelStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.action(description=_("Copy to a new draft version"))
def copy_to_draft(modeladmin, request, queryset):
    for model in queryset:
        copy = services.copy_model(model=model, actor=request.user)
        messages.success(request, _("Draft %(model)s created.") % {"model": str(copy)})


@admin.action(description=_("Put the selected draft in use"))
def put_in_use(modeladmin, request, queryset):
    for model in queryset.filter(status=ModelStatus.DRAFT)[:1]:
        services.activate_model(model=model, actor=request.user)
        messages.success(request, _("%(model)s is in use.") % {"model": str(model)})


@admin.register(ScoringModel)
class ScoringModelAdmin(RegencyScopedAdmin):
    list_display = ["name", "version", "code", "status", "activated_at"]
    list_filter = ["status", "code"]
    readonly_fields = ["status", "based_on", "created_by", "created_at", "activated_at"]
    inlines = [IndicatorInline]
    actions = [copy_to_draft, put_in_use]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != ModelStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != ModelStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdmin(RegencyScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitScore)
class UnitScoreAdmin(ReadOnlyAdmin):
    list_display = ["unit", "model", "family", "score", "category", "final", "computed_at"]
    list_filter = ["family", "category", "model"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "model"]


@admin.register(InnovationScore)
class InnovationScoreAdmin(ReadOnlyAdmin):
    list_display = [
        "innovation",
        "model",
        "quality",
        "counted",
        "zeroed",
        "is_current",
        "computed_at",
    ]
    list_filter = ["is_current", "counted", "zeroed"]
    search_fields = ["innovation__title"]
    list_select_related = ["innovation", "model"]


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["week", "kind", "model", "published_at", "row_count", "digest"]
    list_filter = ["kind"]
    list_select_related = ["model"]


@admin.register(SnapshotRow)
class SnapshotRowAdmin(ReadOnlyAdmin):
    list_display = ["snapshot", "unit", "family", "rank", "score", "category"]
    list_filter = ["family", "category"]
    search_fields = ["unit__name"]
    list_select_related = ["snapshot", "unit"]

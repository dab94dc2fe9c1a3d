"""Admin of the reports app: the holiday calendar and who reports are edited here; reports,
photos and rollups are shown read-only (they change only through the services)."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from superteam.core.admin_site import RegencyScopedAdmin
from superteam.reports.compliance import sync_reporting_clusters
from superteam.reports.models import (
    DigestDelivery,
    Holiday,
    IndicatorReading,
    Photo,
    PhotoFlag,
    Reply,
    Report,
    ReportingUnit,
    UnitDay,
    Verification,
)


class ReadOnlyAdmin(RegencyScopedAdmin):
    """Rows written by the services (and chained in the ledger) are never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = Photo
    fields = ["slot", "status", "format", "width", "height", "taken_at", "camera", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["date", "unit", "title", "author", "status", "flagged_photos", "channel"]
    list_filter = ["status", "channel", "date"]
    search_fields = ["title", "unit__name", "author__full_name", "idempotency_key"]
    date_hierarchy = "date"
    raw_id_fields = ["unit", "author", "position", "verified_by"]
    inlines = [PhotoInline]
    show_full_result_count = False


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdmin):
    list_display = ["report", "slot", "status", "format", "byte_size", "taken_at"]
    list_filter = ["status", "format"]
    raw_id_fields = ["report"]
    exclude = ["original"]  # originals leave only through the permission-checked view
    show_full_result_count = False


@admin.register(PhotoFlag)
class PhotoFlagAdmin(ReadOnlyAdmin):
    list_display = ["report_date", "kind", "report", "photo"]
    list_filter = ["kind", "report_date"]
    raw_id_fields = ["photo", "report", "matched_photo"]
    show_full_result_count = False


@admin.register(IndicatorReading)
class IndicatorReadingAdmin(ReadOnlyAdmin):
    list_display = ["report", "indicator", "value", "realisation"]
    raw_id_fields = ["report", "indicator", "realisation"]


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["at", "report", "decision", "verifier"]
    list_filter = ["decision"]
    raw_id_fields = ["report", "verifier"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ["at", "report", "author", "photos_added"]
    raw_id_fields = ["report", "author"]


@admin.register(UnitDay)
class UnitDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "unit", "reports", "photos", "photos_missing", "flagged_photos"]
    date_hierarchy = "date"
    raw_id_fields = ["unit"]
    show_full_result_count = False


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "address", "unit", "sent_at"]
    list_filter = ["kind", "day"]


@admin.register(Holiday)
class HolidayAdmin(RegencyScopedAdmin):
    """The national calendar (no regency) is shown to every admin and edited by
    superusers; a regency's admins add local holidays or working-day overrides."""

    list_display = ["date", "name", "kind", "regency"]
    list_filter = ["kind", ("regency", admin.EmptyFieldListFilter)]
    search_fields = ["name", "name_en"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        qs = Holiday.objects.all()
        if request.actor.is_superuser:
            return qs
        return qs.filter(Q(regency__isnull=True) | Q(regency_id__in=request.actor.regency_ids))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.regency_id is None:
            return request.actor.is_superuser
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.regency_id is None:
            return request.actor.is_superuser
        return super().has_delete_permission(request, obj)


@admin.register(ReportingUnit)
class ReportingUnitAdmin(RegencyScopedAdmin):
    list_display = ["unit", "since", "until"]
    search_fields = ["unit__name", "unit__code"]
    raw_id_fields = ["unit"]
    exclude = ["clusters"]
    actions = ["sync_clusters"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_reporting_clusters(regency=obj.regency)

    @admin.action(description=_("Refresh cluster membership"))
    def sync_clusters(self, request, queryset):
        for regency_id in set(queryset.values_list("regency_id", flat=True)):
            sync_reporting_clusters(regency=regency_id)
        messages.success(request, _("Cluster membership refreshed."))

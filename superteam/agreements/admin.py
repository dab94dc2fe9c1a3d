"""Admin of the agreements app: for looking, not editing. Agreements change only through
the services (which sign, record in the ledger and keep versions); an edit here would
bypass all that, so every page is read-only."""

from django.contrib import admin

from superteam.agreements.models import (
    Agreement,
    AgreementVersion,
    Contribution,
    Indicator,
    IndicatorTerms,
    Party,
    Realisation,
    Signature,
    SigningKey,
)
from superteam.core.admin_site import RegencyScopedAdmin


class ReadOnlyAdmin(RegencyScopedAdmin):
    """Browse only; ``regency_path`` scopes models that reach their regency through a FK."""

    regency_path = ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.regency_path and not request.actor.is_superuser:
            qs = qs.filter(**{f"{self.regency_path}__in": request.actor.regency_ids})
        return qs


class PartyInline(admin.TabularInline):
    model = Party
    fields = ["order", "role", "position_title", "unit_name"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "kind", "status", "owner_unit", "capaian"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["title", "owner_unit__name"]
    list_select_related = ["owner_unit"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ["title", "number", "status", "document_hash", "short_code", "signed_at"]
    list_filter = ["status"]
    search_fields = ["title", "short_code", "document_hash"]
    inlines = [PartyInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "agreement", "number", "capaian", "progress", "is_active"]
    list_filter = ["progress", "is_active"]
    list_select_related = ["terms", "agreement"]
    search_fields = ["terms__name", "agreement__title"]


@admin.register(IndicatorTerms)
class IndicatorTermsAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "target", "polarity", "aggregation", "deadline"]
    list_filter = ["polarity", "aggregation"]
    search_fields = ["name", "sasaran"]
    regency_path = "version__regency_id"


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ["position_title", "unit_name", "version", "order", "role"]
    regency_path = "version__regency_id"


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["unit_name", "terms"]
    regency_path = "terms__version__regency_id"


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["signer_name", "version", "position", "acting", "signed_at"]
    list_select_related = ["version", "position"]
    search_fields = ["signer_name", "document_hash"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["person", "fingerprint", "origin", "created_at", "revoked_at", "revoke_reason"]
    list_filter = ["origin", "revoke_reason"]
    search_fields = ["person__full_name", "fingerprint"]
    exclude = ["encrypted_private_key", "nonce", "kdf"]
    regency_path = "person__regency_id"


@admin.register(Realisation)
class RealisationAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "period_end", "value", "is_current", "entered_by", "entered_at"]
    list_filter = ["is_current"]
    list_select_related = ["indicator__terms", "entered_by"]

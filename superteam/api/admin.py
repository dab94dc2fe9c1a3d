from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from superteam.api.models import ApiToken
from superteam.api.services import revoke_token
from superteam.core.admin_site import RegencyScopedAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(RegencyScopedAdmin):
    """Admins see the tokens of their regency's people and can revoke them (a lost phone);
    tokens are created by their owners on the token page, never here."""

    list_display = ["name", "person", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "person__full_name", "person__username"]
    list_select_related = ["person"]
    readonly_fields = ["person", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.actor.is_superuser:
            return qs
        return qs.filter(person__regency_id__in=request.actor.regency_ids)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record of a token stays

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True).select_related("person"):
            revoke_token(token=token, actor=request.user)

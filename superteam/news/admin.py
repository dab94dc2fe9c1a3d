"""Admin of the news portal: articles and tags; subscribers without their secret key."""

from django.contrib import admin

from superteam.core.admin_site import RegencyScopedAdmin
from superteam.news.models import (
    Article,
    Delivery,
    Dispatch,
    PortalState,
    SendRun,
    Subscriber,
    Tag,
)


@admin.register(Tag)
class TagAdmin(RegencyScopedAdmin):
    list_display = ["name_id", "name_en", "slug", "regency"]
    search_fields = ["name_id", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_id"]}


@admin.register(Article)
class ArticleAdmin(RegencyScopedAdmin):
    """Articles are written in the newsroom (its services keep the workflow and ledger);
    the admin only looks."""

    list_display = ["__str__", "status", "publish_at", "author_unit", "regency"]
    list_filter = ["status", "regency"]
    search_fields = ["title_id", "title_en", "slug"]
    readonly_fields = [f.name for f in Article._meta.fields]
    filter_horizontal = ["clusters", "tags"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(RegencyScopedAdmin):
    list_display = ["masked_email", "status", "language", "frequency", "confirmed_at"]
    list_filter = ["status", "language", "frequency"]
    search_fields = ["email"]
    exclude = ["key"]
    readonly_fields = ["created_at", "requested_at", "confirmed_at", "unsubscribed_at"]

    def has_add_permission(self, request):
        return False  # only the owner of an address can subscribe it (double opt-in)


class _ReadOnlyLog(RegencyScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SendRun)
class SendRunAdmin(_ReadOnlyLog):
    list_display = ["started_at", "frequency", "articles", "sent", "failed", "skipped", "complete"]
    list_filter = ["frequency", "complete"]


@admin.register(Dispatch)
class DispatchAdmin(_ReadOnlyLog):
    list_display = ["claimed_at", "kind", "status", "subscriber", "article_count", "error"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["subscriber", "run"]


@admin.register(PortalState)
class PortalStateAdmin(_ReadOnlyLog):
    list_display = ["regency", "generation"]


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnlyLog):
    list_display = ["article", "subscriber", "dispatch"]
    raw_id_fields = ["article", "subscriber", "dispatch"]

"""Admin of the ledger: read-only (the chain is written only by services.record)."""

from django.contrib import admin

from superteam.agreements.admin import ReadOnlyAdmin
from superteam.ledger.models import Checkpoint, Entry, Head, Verification


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "kind", "subject_type", "subject_id", "actor", "created_at"]
    search_fields = ["=kind", "=subject_id", "=hash"]
    ordering = ["regency", "-seq"]
    list_select_related = ["actor"]
    show_full_result_count = False  # never COUNT(*) the whole chain


@admin.register(Head)
class HeadAdmin(ReadOnlyAdmin):
    list_display = ["regency", "seq", "hash"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["regency", "seq", "head_hash", "created_at"]


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["regency", "started_at", "ok", "checked", "first_broken_seq", "reason"]
    list_filter = ["ok"]

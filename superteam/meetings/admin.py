from django.contrib import admin

from superteam.core.admin_site import RegencyScopedAdmin
from superteam.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    Invitation,
    Participant,
    Rakor,
    Room,
    ScheduleRun,
    Session,
    Unavailability,
)


@admin.register(Room)
class RoomAdmin(RegencyScopedAdmin):
    list_display = ["name", "capacity", "location", "is_active"]
    list_filter = ["is_active", "regency"]
    search_fields = ["name", "location"]


class SessionInline(admin.TabularInline):
    model = Session
    fields = [
        "title",
        "cluster",
        "length_slots",
        "priority",
        "fixed_day",
        "day",
        "start_slot",
        "room",
    ]
    raw_id_fields = ["cluster", "room"]
    extra = 0
    show_change_link = True


@admin.register(Rakor)
class RakorAdmin(RegencyScopedAdmin):
    list_display = ["title", "start_date", "end_date", "status", "organiser"]
    list_filter = ["status", "regency"]
    search_fields = ["title"]
    date_hierarchy = "start_date"
    raw_id_fields = ["organiser"]
    filter_horizontal = ["rooms"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(RegencyScopedAdmin):
    list_display = ["title", "rakor", "cluster", "day", "start_slot", "room", "status"]
    list_filter = ["status", "regency"]
    search_fields = ["title"]
    raw_id_fields = ["rakor", "cluster", "room", "minute_taker"]


@admin.register(Participant)
class ParticipantAdmin(RegencyScopedAdmin):
    list_display = ["person", "role", "unit", "cluster", "session", "excluded", "all_sessions"]
    list_filter = ["role", "excluded", "all_sessions", "regency"]
    search_fields = ["person__full_name", "person__username"]
    raw_id_fields = ["rakor", "cluster", "person", "position", "unit", "pinned_session", "session"]


@admin.register(Unavailability)
class UnavailabilityAdmin(RegencyScopedAdmin):
    list_display = ["person", "start", "end", "reason"]
    search_fields = ["person__full_name", "reason"]
    raw_id_fields = ["person"]


@admin.register(Decision)
class DecisionAdmin(RegencyScopedAdmin):
    list_display = ["__str__", "owner_position", "deadline", "status", "first_evidence_at"]
    list_filter = ["status", "regency"]
    search_fields = ["text", "code", "indicator_name"]
    raw_id_fields = ["session", "owner_position", "recorded_by"]
    filter_horizontal = ["contributing_units"]


@admin.register(AgendaItem)
class AgendaItemAdmin(RegencyScopedAdmin):
    list_display = ["title", "session", "order", "kind", "minutes", "presenter"]
    list_filter = ["kind", "regency"]
    raw_id_fields = ["session", "presenter_position", "presenter", "decision"]


@admin.register(Attendance)
class AttendanceAdmin(RegencyScopedAdmin):
    list_display = ["person", "session", "checked_in_at", "method"]
    list_filter = ["method", "regency"]
    raw_id_fields = ["session", "person", "recorded_by"]


@admin.register(Invitation)
class InvitationAdmin(RegencyScopedAdmin):
    list_display = ["person", "session", "method", "sequence", "sent_at"]
    list_filter = ["method", "regency"]
    raw_id_fields = ["session", "person"]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(RegencyScopedAdmin):
    list_display = ["rakor", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status", "regency"]
    raw_id_fields = ["rakor", "requested_by"]
    readonly_fields = ["result", "explanation"]

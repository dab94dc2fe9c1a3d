from django.urls import path

from superteam.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.rakor_create, name="create"),
    path("<int:pk>/", views.rakor_detail, name="rakor"),
    path("<int:pk>/edit/", views.rakor_edit, name="rakor_edit"),
    path("<int:pk>/sessions/new/", views.session_add, name="session_add"),
    path("<int:pk>/solve/", views.solve, name="solve"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/agenda/", views.agenda_build, name="agenda_build"),
    path("runs/<int:pk>/", views.run_status, name="run_status"),
    path("participant/<int:pk>/", views.participant_update, name="participant_update"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/move/", views.session_move, name="session_move"),
    path("sessions/<int:pk>/release/", views.session_release, name="session_release"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/qr.svg", views.qr, name="qr"),
    path("sessions/<int:pk>/attend/", views.attend, name="attend"),
    path("sessions/<int:pk>/calendar.ics", views.my_ics, name="ics"),
    path("sessions/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("sessions/<int:pk>/decisions/new/", views.decision_add, name="decision_add"),
    path("sessions/<int:pk>/agreement/", views.draft_agreement, name="draft_agreement"),
    path("agenda/<int:pk>/move/", views.agenda_move, name="agenda_move"),
    path("agenda/<int:pk>/slides/", views.slides_upload, name="slides_upload"),
    path("agenda/<int:pk>/slides/download/", views.slides, name="slides"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/overdue/", views.overdue, name="overdue"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("decisions/<int:pk>/status/", views.decision_close, name="decision_close"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/withdraw/", views.decision_withdraw, name="decision_withdraw"),
    path("unavailability/", views.unavailability, name="unavailability"),
    path(
        "unavailability/<int:pk>/delete/", views.unavailability_delete, name="unavailability_delete"
    ),
]

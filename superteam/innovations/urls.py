from django.urls import path

from superteam.innovations import views

app_name = "innovations"

urlpatterns = [
    path("", views.innovation_list, name="list"),
    path("new/", views.innovation_create, name="create"),
    path("<int:pk>/", views.innovation_detail, name="detail"),
    path("<int:pk>/edit/", views.innovation_edit, name="edit"),
    path("<int:pk>/stage/", views.innovation_stage, name="stage"),
    path("<int:pk>/running/", views.innovation_running, name="running"),
    path("<int:pk>/replicate/", views.innovation_replicate, name="replicate"),
    path("<int:pk>/evidence/new/", views.evidence_new, name="evidence_new"),
    path("units/<int:pk>/", views.unit_innovations, name="unit"),
    path("units/<int:pk>/evidence/new/", views.unit_evidence_new, name="unit_evidence_new"),
    path("units/<int:pk>/export.xlsx", views.unit_export, name="export"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/verify/", views.evidence_verify, name="evidence_verify"),
    path("evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
    path("verify/", views.verify_queue, name="verify_queue"),
    path("ideas/", views.ideas, name="ideas"),
    path("ideas/new/", views.idea_new, name="idea_new"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea"),
    path("ideas/<int:pk>/review/", views.idea_review, name="idea_review"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("showcase/", views.showcase, name="showcase"),
    path("showcase/<int:pk>/", views.showcase_detail, name="showcase_detail"),
]

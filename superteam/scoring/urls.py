from django.urls import path

from superteam.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.leaderboard, name="leaderboard"),
    path("public/", views.public_leaderboard, name="public"),
    path("publish/", views.publish, name="publish"),
    path("snapshots/", views.snapshots, name="snapshots"),
    path("snapshots/<int:pk>/units/<int:unit_pk>/", views.snapshot_unit, name="snapshot_unit"),
    path("units/<int:pk>/", views.unit_score, name="unit"),
    path("innovations/<int:pk>/", views.innovation_score, name="innovation"),
    path("revisions/<int:pk>/", views.score_revision, name="revision"),
    path("models/", views.model_list, name="models"),
    path("models/load/", views.model_load, name="model_load"),
    path("models/<int:pk>/", views.model_detail, name="model"),
    path("models/<int:pk>/edit/", views.model_edit, name="model_edit"),
    path("models/<int:pk>/copy/", views.model_copy, name="model_copy"),
    path("models/<int:pk>/activate/", views.model_activate, name="model_activate"),
    path("models/<int:pk>/delete/", views.model_delete, name="model_delete"),
]

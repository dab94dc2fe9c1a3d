from django.urls import path

from superteam.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.index, name="index"),
    path("entry/<int:seq>/", views.entry, name="entry"),
    path("verify/", views.verify, name="verify"),
    path("checkpoint/", views.checkpoint, name="checkpoint"),
    path("checkpoints.json", views.published, name="published"),
]

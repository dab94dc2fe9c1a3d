from django.urls import path

from superteam.reports import views

app_name = "reports"

urlpatterns = [
    path("new/", views.submit, name="submit"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("photos/<int:pk>/original/", views.photo_original, name="photo_original"),
    path("verify/", views.verify_queue, name="verify_queue"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("digest/", views.digest, name="digest"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]

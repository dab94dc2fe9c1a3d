from django.urls import path

from superteam.org import views

app_name = "org"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/appoint/", views.appoint, name="appoint"),
    path("assignments/<int:pk>/end/", views.end_assignment_page, name="end_assignment"),
    path("positions/search/", views.position_search, name="position_search"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster"),
    path("workbook/", views.workbook_page, name="import"),
    path("workbook/confirm/", views.workbook_confirm, name="import_confirm"),
    path("workbook/template.xlsx", views.workbook_template, name="import_template"),
    path("workbook/export.xlsx", views.workbook_export, name="export"),
]

from django.urls import path

from superteam.agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.create, name="create"),
    path("overview/", views.overview, name="overview"),
    path("unit/<int:pk>/", views.unit_page, name="unit"),
    path("keys/", views.my_keys, name="keys"),
    path("positions/", views.position_search, name="position_search"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("document/<str:code>.json", views.document_json, name="document"),
    path("indicator/<int:pk>/", views.indicator_page, name="indicator"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/indicators/new/", views.indicator_add, name="indicator_add"),
    path(
        "<int:pk>/indicators/<int:indicator_id>/edit/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "<int:pk>/indicators/<int:indicator_id>/remove/",
        views.indicator_remove,
        name="indicator_remove",
    ),
    path("<int:pk>/import/", views.import_targets, name="import"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/addendum/", views.addendum, name="addendum"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/v/<int:number>/", views.version, name="version"),
    path("<int:pk>/v/<int:number>/pdf/", views.version_pdf, name="pdf"),
    path("<int:pk>/v/<int:number>/targets.xlsx", views.export_targets, name="export"),
]

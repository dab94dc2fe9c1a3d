from django.urls import path  # noqa: F401 - views are added here as the app grows

app_name = "agreements"

urlpatterns: list = []

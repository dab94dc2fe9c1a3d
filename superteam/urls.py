"""URL map: each app mounts its own urls.py; public portal pages carry a language prefix."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from superteam.agreements import views as agreement_views
from superteam.api.urls import api
from superteam.core import views as core_views

handler400 = "superteam.core.views.bad_request"
handler403 = "superteam.core.views.permission_denied"
handler404 = "superteam.core.views.page_not_found"
handler500 = "superteam.core.views.server_error"

urlpatterns = [
    path("", include("superteam.core.urls")),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change and reset keep each person's signing key in step (agreements app).
    path("accounts/password/", include("superteam.agreements.passwords")),
    # Short public address of an agreement version's verification page (its QR code).
    path("v/<str:code>", agreement_views.verify_public, name="verify_agreement"),
    path("accounts/tokens/", include("superteam.api.urls")),
    path("org/", include("superteam.org.urls")),
    path("ledger/", include("superteam.ledger.urls")),
    path("agreements/", include("superteam.agreements.urls")),
    path("meetings/", include("superteam.meetings.urls")),
    path("innovations/", include("superteam.innovations.urls")),
    path("reports/", include("superteam.reports.urls")),
    path("scoring/", include("superteam.scoring.urls")),
    path("api/", api.urls),
    path("sitemap.xml", include("superteam.news.sitemaps")),  # the public portal's sitemap
    path("admin/", admin.site.urls),
]

# The public news portal: /id/... and /en/..., each language version at its own address.
urlpatterns += i18n_patterns(path("", include("superteam.news.urls")), prefix_default_language=True)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

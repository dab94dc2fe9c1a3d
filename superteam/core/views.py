"""Pages shared by the whole platform: home, dashboard, health check, language, sign-in."""

from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from superteam.core import demo_accounts
from superteam.core.permissions import require

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def home(request):
    """What SuperTeam is, for anyone."""
    return render(request, "core/home.html")


@login_required
def dashboard(request):
    """A signed-in person's start page: what they can do today, by the positions they hold,
    and each app's card of today's figures for them (``<app>/dashboard.py``: ``panel``)."""
    require(request, "core.dashboard")
    panels = [
        render_to_string(p["template"], p["context"], request=request)
        for p in (panel(request) for panel in _dashboard_panels())
        if p
    ]
    return render(
        request,
        "core/dashboard.html",
        {"assignments": request.actor.assignments, "panels": panels},
    )


@cache
def _dashboard_panels() -> list:
    """The ``panel(request)`` functions of the apps that have a ``dashboard`` module."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "dashboard"):
            module = import_module(f"{config.name}.dashboard")
            if hasattr(module, "panel"):
                found.append(module.panel)
    return found


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers and the demo)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_POST
def set_language(request):
    """Switch language; remembered in a cookie and, for a signed-in person, on their profile."""
    code = request.POST.get("language", "")
    next_url = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if code not in LANGUAGE_CODES:
        return HttpResponseRedirect(next_url)
    next_url = _translate_prefixed_url(next_url, code)
    response = HttpResponseRedirect(next_url)
    remember_language(response, code)
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    return response


def _translate_prefixed_url(url: str, code: str) -> str:
    """Public pages carry the language in their address (/en/...): switch that prefix too."""
    for other in LANGUAGE_CODES:
        prefix = f"/{other}/"
        if url.startswith(prefix):
            return f"/{code}/" + url[len(prefix) :]
    return url


def remember_language(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=False,
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form with a refusal of our own: Django's message names the username
    field inside its sentence, which in Indonesian read "nama pengguna nama pengguna"."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The username or password is not right. Both are case-sensitive."
        ),
    }


class LoginView(auth_views.LoginView):
    """Sign-in; a demo installation lists its demo accounts; the person's language is restored."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = demo_accounts.listed()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        code = form.get_user().language
        if code in LANGUAGE_CODES:
            translation.activate(code)
            remember_language(response, code)
        messages.success(
            self.request, _("Welcome, %(name)s.") % {"name": form.get_user().get_short_name()}
        )
        return response


def bad_request(request, exception=None):
    """A request Django could not read: most often a form whose upload was cut off."""
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def server_error(request):
    return render(request, "500.html", status=500)

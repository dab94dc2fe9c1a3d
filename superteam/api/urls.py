"""The JSON API under /api/, with its OpenAPI document at /api/openapi.json.

Each app contributes a ``router`` from its own ``api.py``.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.urls import path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from superteam.api import views
from superteam.api.auth import DEFAULT_AUTH

api = NinjaAPI(
    title="SuperTeam API",
    version="1",
    description=(
        "JSON API of SuperTeam. Authenticate with `Authorization: Bearer <token>` "
        "(create a token for a device on your account page) or a signed-in browser session."
    ),
    auth=DEFAULT_AUTH,
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request, exc):
    """401 with a message a person can act on, and the scheme to use (RFC 9110)."""
    if "Authorization" in request.headers:
        message = _(
            "This token was not accepted: send it as “Authorization: Bearer <token>”. If "
            "it was revoked or its account is no longer active, create a new token on your "
            "account page."
        )
    else:
        message = _(
            "Sign in first: send the header “Authorization: Bearer <token>” (create a token "
            "on your account page) or use the signed-in browser."
        )
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(MultiPartParserError)
def _unreadable_body(request, exc):
    message = _(
        "The request's form data could not be read: it is malformed or was cut off on the "
        "way. Please send it again."
    )
    return api.create_response(request, {"detail": message}, status=400)


@api.exception_handler(RequestDataTooBig)
def _body_too_big(request, exc):
    message = _("The form's text fields are too large together.")
    return api.create_response(request, {"detail": message}, status=413)


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def _too_many_parts(request, exc):
    message = _("The request carries too many fields or files.")
    return api.create_response(request, {"detail": message}, status=400)


from superteam.agreements.api import router as agreements_router  # noqa: E402
from superteam.innovations.api import router as innovations_router  # noqa: E402
from superteam.ledger.api import router as ledger_router  # noqa: E402
from superteam.meetings.api import router as meetings_router  # noqa: E402
from superteam.news.api import router as news_router  # noqa: E402
from superteam.org.api import router as org_router  # noqa: E402
from superteam.reports.api import router as reports_router  # noqa: E402
from superteam.scoring.api import router as scoring_router  # noqa: E402

api.add_router("/org/", org_router, tags=["organisation"])
api.add_router("/ledger/", ledger_router, tags=["ledger"])
api.add_router("/agreements/", agreements_router, tags=["agreements"])
api.add_router("/meetings/", meetings_router, tags=["meetings"])
api.add_router("/innovations/", innovations_router, tags=["innovations"])
api.add_router("/reports/", reports_router, tags=["reports"])
api.add_router("/scoring/", scoring_router, tags=["scoring"])
api.add_router("/news/", news_router, tags=["news"])

# The token page for people (mounted at /accounts/tokens/ by superteam/urls.py).
app_name = "tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]

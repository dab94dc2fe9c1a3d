"""The JSON API under /api/, with its OpenAPI document at /api/openapi.json.

Each app contributes a ``router`` from its own ``api.py``.
"""

from django.urls import path
from ninja import NinjaAPI

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

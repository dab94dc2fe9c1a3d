"""The JSON API under /api/, with its OpenAPI document at /api/openapi.json.

Each app contributes a ``router`` from its own ``api.py``.
"""

from ninja import NinjaAPI

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

from superteam.org.api import router as org_router  # noqa: E402

api.add_router("/org/", org_router, tags=["organisation"])

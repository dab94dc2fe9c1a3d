from superteam.api.services import issue_token
from tests.matrix import SIGNED_IN, Case


def _staff_token(p) -> dict:
    token, _raw = issue_token(person=p.staff, name="Ponsel")
    return {"pk": token.pk}


CASES = [
    Case("tokens:list", SIGNED_IN),
    Case(
        "tokens:list",
        SIGNED_IN,
        method="post",
        data=lambda p: {"name": "Ponsel"},
        id="tokens:list POST",
    ),
    # Only the owner may revoke a token; everyone else is refused.
    Case("tokens:revoke", frozenset({"staff"}), args=_staff_token, method="post", ok=302),
]

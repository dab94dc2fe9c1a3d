from tests.matrix import EVERYONE, SIGNED_IN, Case

CASES = [
    Case("core:home", EVERYONE),
    Case("core:dashboard", SIGNED_IN),
    Case("core:healthz", EVERYONE),
    Case(
        "core:set_language",
        EVERYONE,
        method="post",
        data=lambda p: {"language": "en", "next": "/"},
        ok=302,
    ),
    Case("login", EVERYONE - SIGNED_IN, ok=200, denied=302),
    Case("logout", SIGNED_IN, method="post", ok=302, denied=302),
    Case("password_change", SIGNED_IN),
    Case("password_change_done", SIGNED_IN),
]

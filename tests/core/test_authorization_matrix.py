"""Every role against every view (the matrices in tests/<app>/matrix.py)."""

import importlib
import pkgutil

import pytest
from django.urls import get_resolver, reverse

import tests
from tests.matrix import Case

ROLES = ["anonymous", "outsider", "staff", "kasi", "kabid", "head", "verifier", "admin", "regent"]
# URL names that are not views of ours: Django's admin and the API (tested in its own files).
NOT_IN_MATRIX_PREFIXES = ("admin:", "api:")


def all_cases() -> list[Case]:
    cases = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            matrix = importlib.import_module(f"tests.{module.name}.matrix")
        except ModuleNotFoundError:
            continue
        cases += matrix.CASES
    return cases


CASES = all_cases()


def _named_urls(resolver=None, prefix="") -> set[str]:
    names = set()
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            ns = pattern.namespace
            names |= _named_urls(pattern, f"{prefix}{ns}:" if ns else prefix)
        elif pattern.name:
            names.add(prefix + pattern.name)
    return names


def _namespace(name: str) -> str:
    return name.split(":", 1)[0] if ":" in name else "core"


URL_NAMESPACES = sorted({_namespace(n) for n in _named_urls()} - {"admin", "api"})


@pytest.mark.parametrize("namespace", URL_NAMESPACES)
def test_every_view_is_in_the_matrix(namespace):
    covered = {c.name for c in CASES}
    missing = sorted(
        n
        for n in _named_urls()
        if _namespace(n) == namespace
        and n not in covered
        and not n.startswith(NOT_IN_MATRIX_PREFIXES)
    )
    assert missing == [], f"views without a row in any tests/<app>/matrix.py: {missing}"


def _expect(case: Case, role: str) -> tuple[int, ...]:
    expected = case.ok if role in case.allowed else case.denied
    if role == "anonymous" and role not in case.allowed and case.denied == 403:
        expected = 302  # anonymous visitors are sent to sign in
    return expected if isinstance(expected, tuple) else (expected,)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_matrix(case, role, personas, client_as):
    client = client_as(personas.person(role))
    url = reverse(case.name, kwargs=case.args(personas))
    data = case.data(personas) if case.data else None
    response = getattr(client, case.method)(url, data=data, headers=case.headers)
    expected = _expect(case, role)
    assert response.status_code in expected, (
        f"{role} {case.method.upper()} {url}: got {response.status_code}, expected {expected}"
    )
    if (
        role == "anonymous"
        and response.status_code == 302
        and 302 not in (case.ok if isinstance(case.ok, tuple) else (case.ok,))
    ):
        assert "/accounts/login/" in response["Location"]

"""Every view of the agreements app (and the password views it provides), every role."""

from __future__ import annotations

import datetime
from decimal import Decimal

from superteam.agreements import services
from superteam.org.models import Position
from tests.factories import PASSWORD
from tests.matrix import EVERYONE, READERS_OF_ALL, SIGNED_IN, Case

CREATORS = frozenset({"regent", "admin", "head", "kabid", "kasi"})
EDITORS = frozenset({"regent", "admin", "head"})
DRAFT_READERS = EDITORS | {"verifier"}
SIGNERS = frozenset({"head", "kabid"})
EVIDENCE_READERS = frozenset({"regent", "admin", "verifier", "head"})


def _position(person) -> Position:
    return Position.objects.get(assignments__person=person)


def _spec(p) -> dict:
    return {
        "sasaran": "Meningkatnya derajat kesehatan masyarakat",
        "name": "Cakupan pelayanan kesehatan ibu hamil",
        "unit_of_measure": "%",
        "target": Decimal("95"),
        "quarterly_targets": [80, 85, 90, 95],
        "responsible_position": _position(p.head),
    }


def _made(p, name: str):
    """Agreements built once per test from the personas (drafted by the head of Dinkes)."""
    cache = p.__dict__.setdefault("_agreements", {})
    if name not in cache:
        if name == "draft":
            cache[name] = services.create_draft_agreement(
                regency=p.regency,
                title="PK Dinas Kesehatan (draf)",
                year=2026,
                parties=[_position(p.regent), _position(p.head)],
                indicators=[_spec(p)],
                created_by=p.head,
            )
        elif name == "active":
            a = services.create_draft_agreement(
                regency=p.regency,
                title="PK Dinas Kesehatan",
                year=2026,
                parties=[_position(p.regent), _position(p.head)],
                indicators=[_spec(p)],
                created_by=p.head,
            )
            services.send_for_signing(agreement=a, actor=p.head)
            services.sign_agreement(agreement=a, signer=p.regent, password=PASSWORD)
            services.sign_agreement(agreement=a, signer=p.head, password=PASSWORD)
            a.refresh_from_db()
            cache[name] = a
        elif name == "circulating":
            a = services.create_draft_agreement(
                regency=p.regency,
                title="PK bersama layanan kesehatan",
                year=2026,
                parties=[_position(p.kabid), _position(p.head)],
                indicators=[_spec(p)],
                created_by=p.head,
                kind="joint",
            )
            services.send_for_signing(agreement=a, actor=p.head)
            a.refresh_from_db()
            cache[name] = a
        elif name == "realisation":
            indicator = _made(p, "active").indicators.get()
            cache[name] = services.record_realisation(
                indicator=indicator,
                period_end=datetime.date(2026, 3, 31),
                value=Decimal("81"),
                actor=p.head,
            )
    return cache[name]


def _draft(p):
    return {"pk": _made(p, "draft").pk}


def _draft_indicator(p):
    a = _made(p, "draft")
    return {"pk": a.pk, "indicator_id": a.indicators.get().pk}


def _active(p):
    return {"pk": _made(p, "active").pk}


def _code(p):
    return {"code": _made(p, "active").active_version.short_code}


CASES = [
    Case("agreements:list", SIGNED_IN),
    Case("agreements:create", CREATORS),
    Case("agreements:overview", READERS_OF_ALL),
    Case("agreements:unit", SIGNED_IN, args=lambda p: {"pk": p.dinkes.pk}),
    Case("agreements:keys", SIGNED_IN),
    Case("agreements:position_search", CREATORS, data=lambda p: {"q": "Kepala"}),
    Case("agreements:import_template", SIGNED_IN),
    Case("agreements:document", EVERYONE, args=_code),
    Case("verify_agreement", EVERYONE, args=_code),
    Case("agreements:detail", SIGNED_IN, args=_active, id="agreements:detail(active)"),
    Case("agreements:detail", DRAFT_READERS, args=_draft, id="agreements:detail(draft)"),
    Case("agreements:edit", EDITORS, args=_draft),
    Case("agreements:indicator_add", EDITORS, args=_draft),
    Case("agreements:indicator_edit", EDITORS, args=_draft_indicator),
    Case("agreements:indicator_remove", EDITORS, args=_draft_indicator, method="post", ok=302),
    Case("agreements:import", EDITORS, args=_draft),
    Case("agreements:send", EDITORS, args=_draft, method="post", ok=302),
    Case("agreements:sign", SIGNERS, args=lambda p: {"pk": _made(p, "circulating").pk}),
    Case("agreements:decline", SIGNERS, args=lambda p: {"pk": _made(p, "circulating").pk}),
    Case("agreements:amend", EDITORS, args=_active),
    Case("agreements:addendum", EDITORS, args=_active, method="post", ok=302),
    Case("agreements:close", frozenset({"regent", "admin"}), args=_active, method="post", ok=302),
    Case("agreements:compare", SIGNED_IN, args=_active, ok=302),
    Case("agreements:version", SIGNED_IN, args=lambda p: {**_active(p), "number": 1}),
    Case("agreements:pdf", SIGNED_IN, args=lambda p: {**_active(p), "number": 1}),
    Case("agreements:export", SIGNED_IN, args=lambda p: {**_active(p), "number": 1}),
    Case(
        "agreements:indicator",
        SIGNED_IN,
        args=lambda p: {"pk": _made(p, "active").indicators.get().pk},
    ),
    # No file attached: the allowed get "not found" only after the permission check.
    Case(
        "agreements:evidence",
        EVIDENCE_READERS,
        args=lambda p: {"pk": _made(p, "realisation").pk},
        ok=404,
    ),
    Case("password_reset", EVERYONE),
    Case("password_reset_done", EVERYONE),
    Case(
        "password_reset_confirm",
        EVERYONE,
        args=lambda p: {"uidb64": "MQ", "token": "not-a-token"},
    ),
    Case("password_reset_complete", EVERYONE),
]

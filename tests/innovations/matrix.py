"""Every innovations view against every role (see tests/matrix.py)."""

import datetime

from tests.matrix import EVERYONE, HOLDERS, SIGNED_IN, Case

MANAGERS = frozenset({"head", "admin", "regent"})
HEADS = frozenset({"kasi", "kabid", "head", "admin", "regent"})
GATHERERS = frozenset({"staff", "head", "admin", "regent"})
EVIDENCE_READERS = frozenset({"staff", "head", "verifier", "admin", "regent"})


def innovation(p):
    """An innovation in rollout owned by the puskesmas (created once per test)."""
    from superteam.innovations import services
    from superteam.innovations.models import Innovation

    existing = Innovation.objects.filter(owner_unit=p.puskesmas).first()
    if existing:
        return existing
    return services.register_innovation(
        owner_unit=p.puskesmas,
        actor=p.head,
        data={
            "title": "Jemput Bola Lansia",
            "problem": "Lansia sulit ke puskesmas.",
            "affair": "kesehatan",
        },
        stage="penerapan",
        initiated_on=datetime.date(2025, 1, 6),
        trial_started_on=datetime.date(2025, 2, 3),
        implemented_on=datetime.date(2025, 4, 7),
    )


def evidence(p):
    """Pending evidence by the pustu nurse, as a link (files are tested in test_evidence)."""
    from superteam.innovations import services

    return services.submit_evidence(
        unit=p.puskesmas,
        innovation=innovation(p),
        actor=p.staff,
        indicator_code="regulasi",
        level=2,
        link="https://jdih.example.org/perbup-12-2025",
    )


def idea(p):
    from superteam.innovations import services

    return services.propose_idea(
        unit=p.puskesmas,
        proposer=p.staff,
        title="Antrian daring",
        problem="Antrian pagi panjang.",
        proposal="Nomor antrian lewat WhatsApp.",
    )


CASES = [
    Case("innovations:list", SIGNED_IN),
    Case("innovations:create", HEADS),
    Case("innovations:detail", SIGNED_IN, args=lambda p: {"pk": innovation(p).pk}),
    Case("innovations:edit", MANAGERS, args=lambda p: {"pk": innovation(p).pk}),
    Case("innovations:stage", MANAGERS, args=lambda p: {"pk": innovation(p).pk}),
    Case(
        "innovations:running",
        MANAGERS,
        args=lambda p: {"pk": innovation(p).pk},
        method="post",
        data=lambda p: {"running": "0", "note": "Anggaran dialihkan."},
        ok=302,
    ),
    Case("innovations:replicate", HEADS, args=lambda p: {"pk": innovation(p).pk}),
    Case("innovations:evidence_new", GATHERERS, args=lambda p: {"pk": innovation(p).pk}),
    Case("innovations:unit", SIGNED_IN, args=lambda p: {"pk": p.dinkes.pk}),
    Case("innovations:unit_evidence_new", GATHERERS, args=lambda p: {"pk": p.puskesmas.pk}),
    Case(
        "innovations:export",
        frozenset({"head", "verifier", "admin", "regent"}),
        args=lambda p: {"pk": p.puskesmas.pk},
    ),
    Case("innovations:evidence", EVIDENCE_READERS, args=lambda p: {"pk": evidence(p).pk}),
    # Link-only evidence: allowed readers get 404 (no file), everyone else 403 first.
    Case(
        "innovations:evidence_file", EVIDENCE_READERS, args=lambda p: {"pk": evidence(p).pk}, ok=404
    ),
    Case(
        "innovations:evidence_verify",
        frozenset({"verifier"}),
        args=lambda p: {"pk": evidence(p).pk},
        method="post",
        data=lambda p: {"decision": "accept", "level": "2"},
        ok=302,
    ),
    Case(
        "innovations:evidence_withdraw",
        GATHERERS,
        args=lambda p: {"pk": evidence(p).pk},
        method="post",
        ok=302,
    ),
    Case("innovations:verify_queue", frozenset({"verifier"})),
    Case("innovations:ideas", SIGNED_IN),
    Case("innovations:idea_new", HOLDERS),
    Case(
        "innovations:idea",
        frozenset({"staff", "head", "verifier", "admin", "regent"}),
        args=lambda p: {"pk": idea(p).pk},
    ),
    Case(
        "innovations:idea_review",
        MANAGERS,
        args=lambda p: {"pk": idea(p).pk},
        method="post",
        data=lambda p: {"decision": "decline", "reason": "Sudah ada aplikasi antrian kabupaten."},
        ok=302,
    ),
    Case("innovations:notices_read", SIGNED_IN, method="post", ok=302, denied=302),
    Case("innovations:showcase", EVERYONE),
    Case("innovations:showcase_detail", EVERYONE, args=lambda p: {"pk": innovation(p).pk}),
]

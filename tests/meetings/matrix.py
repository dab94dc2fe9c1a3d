from tests.matrix import GOVERNORS, READERS_OF_ALL, SIGNED_IN, Case
from tests.meetings.world import world

ATTENDEES = frozenset({"head", "kabid", "kasi"})  # the health cluster's people


def w(name):
    return lambda p: {"pk": world(p)[name].pk}


CASES = [
    Case("meetings:index", SIGNED_IN),
    Case("meetings:create", GOVERNORS),
    Case("meetings:rakor", SIGNED_IN, args=w("rakor")),
    Case("meetings:rakor_edit", GOVERNORS, args=w("rakor")),
    Case("meetings:session_add", GOVERNORS, args=w("rakor")),
    Case("meetings:solve", GOVERNORS, args=w("rakor"), method="post", ok=302),
    Case("meetings:participants", SIGNED_IN, args=w("rakor")),
    Case(
        "meetings:participant_add",
        GOVERNORS,
        args=w("rakor"),
        method="post",
        data=lambda p: {"who": p.other_head.username, "cluster": p.cluster.pk},
        ok=302,
    ),
    Case("meetings:invite", GOVERNORS, args=w("rakor"), method="post", ok=302),
    Case("meetings:agenda_build", GOVERNORS, args=w("rakor"), method="post", ok=302),
    Case("meetings:run_status", SIGNED_IN, args=w("run")),
    Case(
        "meetings:participant_update",
        GOVERNORS,
        args=w("participant"),
        method="post",
        data=lambda p: {"action": "chair"},
        ok=302,
    ),
    Case("meetings:session", SIGNED_IN, args=w("session")),
    Case("meetings:session_edit", GOVERNORS, args=w("session")),
    Case("meetings:session_move", GOVERNORS, args=w("session")),
    Case("meetings:session_release", GOVERNORS, args=w("session"), method="post", ok=302),
    Case("meetings:session_cancel", GOVERNORS, args=w("session"), method="post", ok=302),
    Case("meetings:qr", GOVERNORS, args=w("session")),
    Case(
        "meetings:attend",
        GOVERNORS,
        args=w("session"),
        method="post",
        data=lambda p: {"person": p.kasi.pk},
        ok=302,
    ),
    Case("meetings:ics", ATTENDEES, args=w("session")),
    Case(
        "meetings:minutes",
        GOVERNORS | {"kabid"},
        args=w("session"),
        method="post",
        data=lambda p: {"minutes": "Catatan"},
        ok=302,
    ),
    Case("meetings:decision_add", GOVERNORS | {"kabid"}, args=w("session")),
    Case("meetings:draft_agreement", GOVERNORS, args=w("session"), method="post", ok=302),
    Case(
        "meetings:agenda_move",
        GOVERNORS,
        args=w("item"),
        method="post",
        data=lambda p: {"direction": "up"},
        ok=302,
    ),
    Case("meetings:slides_upload", GOVERNORS | {"kasi"}, args=w("item"), method="post", ok=302),
    # No slides uploaded yet: those who may read them learn so (404), the others are refused.
    Case(
        "meetings:slides",
        GOVERNORS | READERS_OF_ALL | ATTENDEES,
        args=w("item"),
        ok=404,
    ),
    Case(
        "meetings:checkin",
        ATTENDEES,
        args=lambda p: {"token": world(p)["session"].checkin_token},
    ),
    Case("meetings:decisions", SIGNED_IN),
    Case("meetings:overdue", READERS_OF_ALL),
    Case("meetings:decision", SIGNED_IN, args=w("decision")),
    Case(
        "meetings:decision_close",
        GOVERNORS | {"head", "kabid"},
        args=w("decision"),
        method="post",
        data=lambda p: {"status": "done"},
        ok=302,
    ),
    # Whoever records the session's decisions (the organiser, the minute-taker) corrects
    # or withdraws them; GET shows the form (POSTs are tested in test_decision_edits.py).
    Case("meetings:decision_edit", GOVERNORS | {"kabid"}, args=w("decision")),
    Case("meetings:decision_withdraw", GOVERNORS | {"kabid"}, args=w("decision")),
    Case("meetings:unavailability", SIGNED_IN),
    Case(
        "meetings:unavailability_delete",
        frozenset({"kasi"}),
        args=w("unavailable"),
        method="post",
        ok=302,
    ),
]

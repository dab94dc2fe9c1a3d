"""Every scoring view against every role (see tests/matrix.py)."""

from tests.innovations.matrix import innovation
from tests.matrix import EVERYONE, SIGNED_IN, Case

ADMINS = frozenset({"admin"})


def snapshot(p):
    from superteam.scoring import services

    innovation(p)
    return services.publish_snapshot(regency=p.regency, actor=p.admin)


def draft(p):
    from superteam.scoring import services

    services.current_model(regency=p.regency)
    return services.load_variant(regency=p.regency, variant="iid-2026")


def revision(p):
    from superteam.scoring.models import InnovationScore

    return InnovationScore.objects.get(innovation=innovation(p), is_current=True)


CASES = [
    Case("scoring:leaderboard", SIGNED_IN),
    Case(
        "scoring:leaderboard",
        SIGNED_IN,
        data=lambda p: {"view": "live", "family": "puskesmas"},
        id="scoring:leaderboard?live",
    ),
    Case("scoring:public", EVERYONE),
    Case("scoring:publish", ADMINS, method="post", ok=302),
    Case("scoring:snapshots", SIGNED_IN),
    Case(
        "scoring:snapshot_unit",
        SIGNED_IN,
        args=lambda p: {"pk": snapshot(p).pk, "unit_pk": p.puskesmas.pk},
    ),
    Case("scoring:unit", SIGNED_IN, args=lambda p: {"pk": p.dinkes.pk}),
    Case("scoring:innovation", SIGNED_IN, args=lambda p: {"pk": innovation(p).pk}),
    Case("scoring:revision", SIGNED_IN, args=lambda p: {"pk": revision(p).pk}),
    Case("scoring:models", SIGNED_IN),
    Case(
        "scoring:model_load", ADMINS, method="post", data=lambda p: {"variant": "iid-2026"}, ok=302
    ),
    Case("scoring:model", SIGNED_IN, args=lambda p: {"pk": draft(p).pk}),
    Case("scoring:model_edit", ADMINS, args=lambda p: {"pk": draft(p).pk}),
    Case("scoring:model_copy", ADMINS, args=lambda p: {"pk": draft(p).pk}, method="post", ok=302),
    Case(
        "scoring:model_activate", ADMINS, args=lambda p: {"pk": draft(p).pk}, method="post", ok=302
    ),
    Case("scoring:model_delete", ADMINS, args=lambda p: {"pk": draft(p).pk}, method="post", ok=302),
]

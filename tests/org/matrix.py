from superteam.org.models import Assignment
from tests.matrix import SIGNED_IN, Case

ADMINS = frozenset({"admin"})  # org.manage: holders of an admin position only

CASES = [
    Case("org:tree", SIGNED_IN),
    Case("org:tree", SIGNED_IN, args=lambda p: {}, data=lambda p: {"q": "Dinas"}, id="org:tree?q"),
    Case("org:unit", SIGNED_IN, args=lambda p: {"pk": p.dinkes.pk}),
    Case("org:unit_children", SIGNED_IN, args=lambda p: {"pk": p.dinkes.pk}),
    Case(
        "org:unit_children",
        SIGNED_IN,
        args=lambda p: {"pk": p.dinkes.pk},
        data=lambda p: {"offset": "100"},
        id="org:unit_children?offset",
    ),
    Case("org:people", SIGNED_IN, data=lambda p: {"q": "Orang"}),
    Case("org:person", SIGNED_IN, args=lambda p: {"pk": p.kasi.pk}),
    Case("org:clusters", SIGNED_IN),
    Case("org:cluster", SIGNED_IN, args=lambda p: {"pk": p.cluster.pk}),
    Case("org:appoint", ADMINS, args=lambda p: {"pk": p.outsider.pk}),
    # A form without a position: the admin sees the form again with its error.
    Case(
        "org:appoint",
        ADMINS,
        args=lambda p: {"pk": p.outsider.pk},
        method="post",
        data=lambda p: {},
        id="org:appoint POST",
    ),
    Case("org:position_search", ADMINS, data=lambda p: {"q": "Kepala"}),
    Case(
        "org:end_assignment",
        ADMINS,
        args=lambda p: {"pk": Assignment.objects.filter(person=p.kasi).get().pk},
    ),
    Case(
        "org:end_assignment",
        ADMINS,
        args=lambda p: {"pk": Assignment.objects.filter(person=p.kasi).get().pk},
        method="post",
        data=lambda p: {"end": "1999-01-01"},  # before it started: refused, nothing ends
        id="org:end_assignment POST",
    ),
    Case("org:import", ADMINS),
    # An upload without a file: the admin sees the form again with its error.
    Case("org:import", ADMINS, method="post", data=lambda p: {}, id="org:import POST"),
    # A confirmation for an upload that is not waiting: the admin is sent back.
    Case(
        "org:import_confirm",
        ADMINS,
        method="post",
        data=lambda p: {"token": "0" * 32},
        ok=302,
    ),
    Case("org:import_template", ADMINS),
    Case("org:export", ADMINS),
]

from tests.matrix import SIGNED_IN, Case

CASES = [
    Case("org:tree", SIGNED_IN),
    Case("org:tree", SIGNED_IN, args=lambda p: {}, data=lambda p: {"q": "Dinas"}, id="org:tree?q"),
    Case("org:unit", SIGNED_IN, args=lambda p: {"pk": p.dinkes.pk}),
    Case("org:unit_children", SIGNED_IN, args=lambda p: {"pk": p.dinkes.pk}),
    Case("org:people", SIGNED_IN, data=lambda p: {"q": "Orang"}),
    Case("org:person", SIGNED_IN, args=lambda p: {"pk": p.kasi.pk}),
    Case("org:clusters", SIGNED_IN),
    Case("org:cluster", SIGNED_IN, args=lambda p: {"pk": p.cluster.pk}),
]

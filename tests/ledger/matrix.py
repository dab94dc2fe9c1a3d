"""Every view of the ledger app, every role."""

from superteam.ledger.services import record
from tests.matrix import EVERYONE, READERS_OF_ALL, Case


def _entry(p):
    record(regency=p.regency, kind="test.event", payload={"x": 1})
    return {"seq": 1}


CASES = [
    Case("ledger:index", READERS_OF_ALL),
    Case("ledger:entry", READERS_OF_ALL, args=_entry),
    Case("ledger:verify", READERS_OF_ALL, method="post", ok=302),
    Case("ledger:checkpoint", READERS_OF_ALL, method="post", ok=302),
    Case("ledger:published", EVERYONE),
]

"""``__any_of``: the rows of ``__in``, sent as one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from superteam.ledger.models import Entry
from superteam.ledger.services import record
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_any_of_finds_the_same_rows_as_in():
    regency = f.regency()
    for i in range(5):
        Entry.objects.filter(pk=record(regency=regency, kind="test.event").pk).update(
            subject_id=str(i)
        )
    wanted = ["1", "3", "9"]
    any_of = set(
        Entry.objects.filter(subject_id__any_of=wanted).values_list("subject_id", flat=True)
    )
    plain = set(Entry.objects.filter(subject_id__in=wanted).values_list("subject_id", flat=True))
    assert any_of == plain == {"1", "3"}
    assert not Entry.objects.filter(subject_id__any_of=[]).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_on_postgresql_the_values_travel_as_one_array():
    with CaptureQueriesContext(connection) as queries:
        list(Entry.objects.filter(subject_id__any_of=[str(i) for i in range(500)]))
    sql = queries.captured_queries[-1]["sql"]
    assert "= ANY(" in sql
    assert sql.count("'") < 20  # not five hundred quoted literals

"""/healthz: 200 while the database answers, 503 when it does not."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_database_failing_gives_503(client):
    def unavailable(execute, sql, params, many, context):
        raise OperationalError("could not connect to server")

    # Django's own hook around every query: the database refuses, as when it is down.
    with connection.execute_wrapper(unavailable):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert b"database unavailable" in response.content
    assert client.get(reverse("core:healthz")).status_code == 200  # and recovers

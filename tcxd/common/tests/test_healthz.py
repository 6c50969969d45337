"""The health check: 200 with the database answering, 503 when it does not; no login, GET only, never cached."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_the_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_database_that_does_not_answer_gives_503(client, monkeypatch):
    from tcxd.common import views

    class Broken:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", Broken())
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unavailable"


def test_only_get(client):
    assert client.post("/healthz").status_code == 405

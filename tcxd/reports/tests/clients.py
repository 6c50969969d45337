"""Test clients of the reports tests: a logged-in session, a bearer-token API client."""

from __future__ import annotations

from django.test import Client

from tcxd.authz.services import api_token_create


def session_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> Client:
    key, _ = api_token_create(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

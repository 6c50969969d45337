"""Test clients of the reports tests: a logged-in session, a bearer-token API client (the shared ones)."""

from __future__ import annotations

from tcxd.common.tests.queries import api_client, session_client

__all__ = ["api_client", "session_client"]

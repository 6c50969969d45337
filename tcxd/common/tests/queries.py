"""Helpers of the query-count tests (``tests/test_query_counts.py`` of each app): the SQL statements a page or
an endpoint runs, measured at a small and a large number of rows; the counts must be equal (no N+1)."""

from __future__ import annotations

import os

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tcxd.authz.services import api_token_create


def session_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> Client:
    key, _ = api_token_create(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def queries(client: Client, url: str, data: dict | None = None, *, status: int = 200) -> list[str]:
    """The SQL of one GET (a streamed body is read inside the measure: its rows are fetched while it streams)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
        assert response.status_code == status, (url, response.status_code, response.content[:500])
        if response.streaming:
            b"".join(response.streaming_content)
    return [q["sql"] for q in ctx.captured_queries]


def measure(client: Client, urls) -> dict[str, list[str]]:
    """``urls``: url strings, or (url, params) pairs; the key is the url with its params."""
    out = {}
    for entry in urls:
        url, data = entry if isinstance(entry, tuple) else (entry, None)
        out[f"{url}?{sorted((data or {}).items())}"] = queries(client, url, data)
    return out


def warm(client: Client, urls) -> None:
    """One request to each url first: caches filled once per process (rules, content types) are not rows."""
    measure(client, urls)


def assert_flat(small: dict[str, list[str]], large: dict[str, list[str]]) -> None:
    """Each url ran as many statements with the large data as with the small; else the first extra statements."""
    grown = {}
    for key, before in small.items():
        after = large[key]
        if os.environ.get("TCXD_QUERY_COUNTS"):  # the counts, for a report: pytest -s with this set
            print(f"QUERY-COUNT {os.environ.get('PYTEST_CURRENT_TEST', '').split(' ')[0]} {key} "
                  f"{len(before)} {len(after)}")
        if len(after) != len(before):
            extra = [sql for sql in after if sql not in before] or after[len(before):]
            grown[key] = (len(before), len(after), extra[:3])
    assert not grown, f"query counts grow with the rows: {grown}"


def flat(client: Client, urls, grow, small: int, large: int) -> None:
    """The counts of ``urls`` equal with ``small`` rows and with ``large`` rows; ``grow(start, n)`` adds ``n`` rows
    numbered from ``start`` (through the app's services or factories)."""
    grow(0, small)
    warm(client, urls)
    before = measure(client, urls)
    grow(small, large - small)
    assert_flat(before, measure(client, urls))

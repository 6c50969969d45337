"""Raw multi-row writes of ledger lines for the monthly computation of a whole province.

One prepared statement run with ``executemany`` (no model instances, no per-batch SQL text): on
SQLite this is several times faster than ``bulk_create``/``bulk_update``, whose batches are capped at
999 parameters. Values are adapted by the backend's own ``adapt_*`` helpers, so the same code runs on
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from .models import FeePayment

INSERT_FIELDS = ("member_id", "org_id", "month", "amount_due", "rule_text", "regulation", "exempt", "computed_at",
                 "channel")
UPDATE_FIELDS = ("amount_due", "rule_text", "regulation", "exempt", "computed_at")


def _column(attname: str) -> str:
    return connection.ops.quote_name(FeePayment._meta.get_field(attname.removesuffix("_id")).column)


def adapt_month(month: dt.date):
    return connection.ops.adapt_datefield_value(month)


def adapt_moment(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def insert_lines(rows: Sequence[tuple]) -> None:
    """``rows``: tuples in ``INSERT_FIELDS`` order, dates already adapted."""
    if not rows:
        return
    table = connection.ops.quote_name(FeePayment._meta.db_table)
    columns = ", ".join(_column(f) for f in INSERT_FIELDS)
    marks = ", ".join(["%s"] * len(INSERT_FIELDS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def update_lines(rows: Sequence[tuple]) -> None:
    """``rows``: tuples in ``UPDATE_FIELDS`` order followed by the line id."""
    if not rows:
        return
    table = connection.ops.quote_name(FeePayment._meta.db_table)
    assignments = ", ".join(f"{_column(f)} = %s" for f in UPDATE_FIELDS)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)

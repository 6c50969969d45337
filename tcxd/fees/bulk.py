"""Raw multi-row writes of ledger lines for the monthly computation of a whole province.

No model instances. New lines: on PostgreSQL one ``COPY … FROM STDIN`` (the driver streams the rows;
an order of magnitude faster than row-by-row inserts); elsewhere one prepared statement run with
``executemany`` — on SQLite several times faster than ``bulk_create``/``bulk_update``, whose batches
are capped at 999 parameters. Values are adapted by the backend's own ``adapt_*`` helpers.
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


def _copy(table: str, columns: str, rows: Sequence[tuple]) -> bool:
    """PostgreSQL COPY through the psycopg 3 cursor; False when the driver cannot (then insert)."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if not hasattr(raw, "copy"):
            return False
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
    return True


def insert_lines(rows: Sequence[tuple]) -> None:
    """``rows``: tuples in ``INSERT_FIELDS`` order, dates already adapted."""
    if not rows:
        return
    table = connection.ops.quote_name(FeePayment._meta.db_table)
    columns = ", ".join(_column(f) for f in INSERT_FIELDS)
    if connection.vendor == "postgresql" and _copy(table, columns, rows):
        return
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

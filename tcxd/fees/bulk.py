"""Raw multi-row writes of ledger lines for the monthly computation of a whole province.

No model instances. New lines: on PostgreSQL one ``COPY … FROM STDIN`` (the driver streams the rows;
an order of magnitude faster than row-by-row inserts); elsewhere one prepared multi-row statement
``INSERT … SELECT …, <shared values> FROM (VALUES (…), (…) …)`` of ~200 rows (the values shared by
all lines bound once per statement) run with ``executemany`` — on SQLite about twice as fast as one
row per statement and several times faster than ``bulk_create``. Values are adapted by the backend's
own ``adapt_*`` helpers. Reads: ``fetch`` runs a queryset's SQL on the raw cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet

from .models import FeePayment

ROW_FIELDS = ("member_id", "org_id", "amount_due", "rule_text", "exempt")  # of each new line
COMMON_FIELDS = ("month", "regulation", "computed_at", "channel")  # the same for every line of a computation
UPDATE_FIELDS = ("amount_due", "rule_text", "regulation", "exempt", "computed_at")
ROWS_PER_INSERT = 500  # at most, rows per multi-row INSERT statement (5 parameters each, within the backend's limit)
COPY_CHUNK = 10_000  # lines per write to the COPY stream


def fetch(qs: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` queryset straight from the cursor (dates come back as dates from
    both backends' drivers), skipping the per-row iterator work that matters at 200 000 rows."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _column(attname: str) -> str:
    return connection.ops.quote_name(FeePayment._meta.get_field(attname.removesuffix("_id")).column)


def adapt_month(month: dt.date):
    return connection.ops.adapt_datefield_value(month)


def adapt_moment(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def _copy_escape(text: str) -> str:
    """A value in PostgreSQL's COPY text format."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy(table: str, rows: Sequence[tuple], month: dt.date, regulation: str, computed_at: dt.datetime) -> bool:
    """PostgreSQL ``COPY … FROM STDIN`` in text format, written in large chunks (the columns shared
    by every line formatted once, each distinct rule text escaped once). False when the driver has
    no COPY (then insert)."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if not hasattr(raw, "copy"):
            return False
        columns = ", ".join(_column(f) for f in (*ROW_FIELDS, *COMMON_FIELDS))
        tail = "\t".join((month.isoformat(), _copy_escape(regulation), computed_at.isoformat(), "")) + "\n"
        texts: dict[str, str] = {}
        null = "\\N"
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            chunk: list[str] = []
            for member_id, org_id, amount, text, exempt in rows:
                escaped = texts.get(text)
                if escaped is None:
                    escaped = texts[text] = _copy_escape(text)
                chunk.append(f"{member_id}\t{org_id}\t{null if amount is None else amount}\t{escaped}\t"
                             f"{'t' if exempt else 'f'}\t{tail}")
                if len(chunk) == COPY_CHUNK:
                    copy.write("".join(chunk))
                    chunk.clear()
            if chunk:
                copy.write("".join(chunk))
    return True


def insert_lines(rows: Sequence[tuple], *, month: dt.date, regulation: str, computed_at: dt.datetime) -> None:
    """New ledger lines of one computation: ``rows`` = (member id, org id, amount due or None, rule
    text, exempt); month, regulation and computation moment are the same for all (no payment yet)."""
    if not rows:
        return
    table = connection.ops.quote_name(FeePayment._meta.db_table)
    if connection.vendor == "postgresql" and _copy(table, rows, month, regulation, computed_at):
        return
    columns = ", ".join(_column(f) for f in (*ROW_FIELDS, *COMMON_FIELDS))
    common = [adapt_month(month), regulation, adapt_moment(computed_at), ""]
    width = len(ROW_FIELDS)
    per = max(1, min(ROWS_PER_INSERT, (connection.features.max_query_params - len(common)) // width))
    picks = ", ".join(f"column{i + 1}" for i in range(width))

    def statement(count: int) -> str:
        one = f"({', '.join(['%s'] * width)})"
        return (f"INSERT INTO {table} ({columns}) SELECT {picks}, %s, %s, %s, %s "
                f"FROM (VALUES {', '.join([one] * count)})")

    flat = [value for row in rows for value in row]
    step = per * width
    whole = len(flat) - len(flat) % step
    with connection.cursor() as cursor:
        if whole:
            cursor.executemany(statement(per), [common + flat[i:i + step] for i in range(0, whole, step)])
        if whole < len(flat):
            cursor.execute(statement((len(flat) - whole) // width), common + flat[whole:])


def update_lines(rows: Sequence[tuple]) -> None:
    """``rows``: tuples in ``UPDATE_FIELDS`` order followed by the line id."""
    if not rows:
        return
    table = connection.ops.quote_name(FeePayment._meta.db_table)
    assignments = ", ".join(f"{_column(f)} = %s" for f in UPDATE_FIELDS)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)

"""Small database helpers shared by the contexts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, models, transaction


@contextmanager
def big_grouping(enabled: bool = True) -> Iterator[None]:
    """Around a query that groups millions of rows (a past day's national statistics): on PostgreSQL,
    ``settings.TCXD_GROUPING_WORK_MEM`` of working memory for this transaction only. The planner
    guesses a million groups where there are a few thousand; with the default 4 MB it sorts the
    rows on disk to group them (10,3 s at size L) rather than hashing them (4,2 s). ``enabled=False``: nothing."""
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)",
                       [settings.TCXD_GROUPING_WORK_MEM])
        previous = cursor.fetchone()[0]
        yield
        # inside a caller's transaction the setting would outlive the block; an error instead rolls the
        # savepoint back, and the setting with it
        if outer:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [previous])


def _columns(model: type[models.Model], fields: Sequence[str]) -> tuple[list[str], tuple]:
    """Columns for ``fields`` plus any field the generator does not know (added to the model later),
    with that field's default so a new column with a default does not break the load."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    # an auto primary key left out is the database's to number
    extra = [f for name, f in by_attname.items() if name not in fields
             and not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField))]
    columns = [by_attname[name].column for name in fields] + [f.column for f in extra]
    return columns, tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)


def json_text(value) -> str:
    """A JSON column's value for ``write_rows`` (PostgreSQL's COPY and sqlite3 both take the text)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def write_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Insert ``rows`` (tuples in ``fields`` order, attnames) into ``model``'s table."""
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns, defaults = _columns(model, fields)
    if defaults:
        rows = [row + defaults for row in rows]
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
    return len(rows)

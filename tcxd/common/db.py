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


def insert_objects(objs: Sequence[models.Model]) -> None:
    """Insert new instances of one model and set their primary keys. PostgreSQL: the ids are taken from the
    table's sequence in one statement and the rows are COPied (a bulk INSERT … RETURNING of 2 000 rows of 40
    columns costs ten times more); elsewhere ``bulk_create``."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return
    meta = model._meta
    fields = list(meta.concrete_fields)
    values = [_value_of(f) for f in fields]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(objs)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, meta.pk.attname, pk)
        cols = ", ".join(qn(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({cols}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([value(obj) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


# columns whose Python value psycopg takes as it is (Django's preparation of these returns the value unchanged)
_PLAIN = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField", "EmailField",
          "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
          "SlugField", "SmallIntegerField", "TextField", "UUIDField"}


def _value_of(f: models.Field):
    """How to read a new instance's value of ``f`` for COPY."""
    from operator import attrgetter

    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return lambda obj: f.pre_save(obj, True)
    target = f.target_field if isinstance(f, models.ForeignKey) else f  # a foreign key: its target's column
    if target.get_internal_type() in _PLAIN and type(target).get_db_prep_save is models.Field.get_db_prep_save:
        return attrgetter(f.attname)
    if isinstance(f, models.JSONField):
        return lambda obj: json_text(getattr(obj, f.attname))
    return lambda obj: f.get_db_prep_save(f.pre_save(obj, True), connection)

"""Fast raw writes of generated rows: psycopg 3 ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

Both skip model instantiation, which dominates ``bulk_create`` at this scale (engineering.md 3.2).
Also: emptying the org tables (``--replace``), sequence reset and planner statistics.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.color import no_style
from django.db import connection, models

from tcxd.orgs.models import CommitteeMember, Congress, Org, OrgChange, OrgHeadcount, OrgVersion

# Deletion order: children before the tables they reference.
ORG_TABLES: tuple[type[models.Model], ...] = (OrgHeadcount, CommitteeMember, Congress, OrgVersion, OrgChange,
                                               Org)


def _columns(model: type[models.Model], fields: Sequence[str]) -> tuple[list[str], tuple]:
    """Columns for ``fields`` plus any field the generator does not know (added to the model later),
    with that field's default so a new column with a default does not break the load."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    extra = [f for name, f in by_attname.items() if name not in fields]
    columns = [by_attname[name].column for name in fields] + [f.column for f in extra]
    return columns, tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)


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


def foreign_blockers() -> list[str]:
    """Tables outside ORG_TABLES that still point at orgs (e.g. users with an org)."""
    out = []
    for rel in Org._meta.related_objects:
        model = rel.related_model
        if model in ORG_TABLES:
            continue
        n = model._base_manager.filter(**{f"{rel.field.name}__isnull": False}).count()
        if n:
            out.append(f"{model._meta.label} ({n})")
    return out


def _truncatable() -> bool:
    """PostgreSQL refuses TRUNCATE of a table referenced from outside the truncated set."""
    return all(rel.related_model in ORG_TABLES for model in ORG_TABLES[:-1]
               for rel in model._meta.related_objects)


def empty_org_tables() -> None:
    """Delete every row of the org tables (caller holds the transaction and checked blockers)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and _truncatable():
            # TRUNCATE cannot touch orgs_org itself while authz_user references it, even with no rows.
            dependents = ", ".join(qn(m._meta.db_table) for m in ORG_TABLES[:-1])
            # Fire FK checks still deferred in this transaction: TRUNCATE refuses pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {dependents} RESTART IDENTITY")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"DELETE FROM {qn(Org._meta.db_table)}")
        else:
            for model in ORG_TABLES:
                cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")


def reset_sequences() -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), list(ORG_TABLES))
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL, the visibility map for index-only scans)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM cannot run inside a transaction (e.g. under the test suite): ANALYZE only then.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for model in ORG_TABLES:
                cursor.execute(f"{verb} {qn(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")

"""Fast raw writes of generated rows: psycopg 3 ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

Both skip model instantiation, which dominates ``bulk_create`` at this scale (engineering.md 3.2).
Also: emptying the dataset's tables (``--replace``), sequence reset and planner statistics.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models

from tcxd.common.db import write_rows  # noqa: F401  (the loader's raw insert lives with the shared helpers)
from tcxd.fees.models import FeeBasis, FeeDecision, FeePayment
from tcxd.members.models import (
    Attachment,
    FamilyMember,
    ForeignTravel,
    Member,
    MemberEvent,
    MemberFieldSource,
    MemberNameSlot,
    MemberNameWord,
    MemberSensitive,
    MemberSpell,
    MemberTally,
    Reward,
    TrainingHistory,
    WorkHistory,
)
from tcxd.orgs.models import CommitteeMember, Congress, Org, OrgChange, OrgHeadcount, OrgVersion

# Deletion order: children before the tables they reference.
ORG_TABLES: tuple[type[models.Model], ...] = (OrgHeadcount, CommitteeMember, Congress, OrgVersion, OrgChange,
                                               Org)
# Members and what hangs off them (the ledger lines come from the fees benchmarks, not the generator).
MEMBER_TABLES: tuple[type[models.Model], ...] = (
    FeePayment, FeeDecision, FeeBasis, Attachment, MemberEvent, MemberSpell, MemberTally, MemberSensitive,
    MemberFieldSource,
    MemberNameWord, MemberNameSlot,
    WorkHistory, TrainingHistory, ForeignTravel, Reward, FamilyMember, Member)
DATASET_TABLES = MEMBER_TABLES + ORG_TABLES


def _plain_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that enforce nothing (not primary, not unique)."""
    if connection.vendor == "postgresql":
        cursor.execute("""
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary""", [table])
    else:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                       "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'", [table])
    return cursor.fetchall()


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's foreign-key constraints (PostgreSQL)."""
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype = 'f' ORDER BY conname", [table])
    return cursor.fetchall()


@contextmanager
def indexes_deferred(models_: Sequence[type[models.Model]]) -> Iterator[list[str]]:
    """Drop the plain indexes of ``models_`` for a bulk load and build them again afterwards (yields
    their names): one sorted build costs far less than keeping them up to date row by row. On PostgreSQL their
    foreign keys too: added back, each is checked by one join over the table instead of one deferred trigger
    per inserted row at commit (tens of millions at the national scale). Call it inside the load's transaction:
    on an error everything, the drops too, is rolled back."""
    qn = connection.ops.quote_name
    saved: list[tuple[str, str]] = []
    keys: list[tuple[str, str, str]] = []
    with connection.cursor() as cursor:
        _fire_deferred_checks(cursor)
        for model in models_:
            table = model._meta.db_table
            for name, sql in _plain_indexes(cursor, table):
                cursor.execute(f"DROP INDEX {qn(name)}")
                saved.append((name, sql))
            if connection.vendor == "postgresql":
                for name, definition in _foreign_keys(cursor, table):
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                    keys.append((table, name, definition))
    yield [name for name, _ in saved]
    with connection.cursor() as cursor:
        _fire_deferred_checks(cursor)
        for _, sql in saved:
            cursor.execute(sql)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")


@contextmanager
def primary_key_deferred(model: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, drop the primary key of ``model``'s (empty) table while a bulk insert fills it, and add it
    again afterwards (one sorted build; a wide composite key costs more kept row by row than the insert itself).
    SQLite cannot drop a primary key: nothing changes there. Inside the load's transaction, like
    ``indexes_deferred``."""
    if connection.vendor != "postgresql":
        yield
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        _fire_deferred_checks(cursor)
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype = 'p'", [model._meta.db_table])
        name, definition = cursor.fetchone()
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        _fire_deferred_checks(cursor)
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def bulk_session() -> None:
    """PostgreSQL settings for the rest of the load's transaction: memory to sort the deferred indexes and to
    group the tallies in one pass (the defaults, 64 MB and 4 MB, spill to disk at size L), both cores for index
    builds, and no wait for the WAL flush at commit (a crash loses the load, which is then simply run again).
    ``settings.TCXD_DATASET_MEMORY`` sets the memory (default 1GB)."""
    if connection.vendor != "postgresql":
        return
    from django.conf import settings

    memory = getattr(settings, "TCXD_DATASET_MEMORY", "1GB")
    with connection.cursor() as cursor:
        for name, value in (("maintenance_work_mem", memory), ("work_mem", memory),
                            ("max_parallel_maintenance_workers", "2"), ("synchronous_commit", "off")):
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _fire_deferred_checks(cursor) -> None:
    """PostgreSQL refuses DDL on a table with foreign-key checks still deferred in the transaction
    ("pending trigger events"): run them now (the commit would run them anyway)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _referrers(model: type[models.Model]) -> list:
    """Every foreign key pointing at ``model`` (reverse relations, including ``related_name="+"``)."""
    return [f for f in model._meta.get_fields(include_hidden=True)
            if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)]


def _outside_referrers() -> list:
    return [rel for model in DATASET_TABLES for rel in _referrers(model) if rel.related_model not in DATASET_TABLES]


def foreign_blockers() -> list[str]:
    """Rows outside the dataset's tables that point at them (e.g. users with an org)."""
    found: dict[str, int] = {}
    for rel in _outside_referrers():
        model = rel.related_model
        n = model._base_manager.filter(**{f"{rel.field.name}__isnull": False}).count()
        if n:
            found[model._meta.label] = found.get(model._meta.label, 0) + n
    return [f"{label} ({n})" for label, n in found.items()]


def _truncatable() -> set[type[models.Model]]:
    """Tables one TRUNCATE can empty: PostgreSQL refuses a table referenced from outside the truncated
    set, even without rows. Empty outside tables (meetings…) join the set so members qualify; a table
    with rows (authz_user → orgs_org) keeps its target out."""
    candidates = set(DATASET_TABLES) | {rel.related_model for rel in _outside_referrers()
                                        if not rel.related_model._base_manager.exists()}
    changed = True
    while changed:
        changed = False
        for model in list(candidates):
            if any(rel.related_model not in candidates for rel in _referrers(model)):
                candidates.discard(model)
                changed = True
    return candidates


def empty_dataset_tables() -> None:
    """Delete every row of the dataset's tables (caller holds the transaction and checked blockers)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            truncate = _truncatable()
            if truncate:
                names = ", ".join(sorted(qn(m._meta.db_table) for m in truncate))
                _fire_deferred_checks(cursor)  # TRUNCATE refuses pending trigger events too
                cursor.execute(f"TRUNCATE {names} RESTART IDENTITY")
            for model in DATASET_TABLES:
                if model not in truncate:
                    cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
        else:
            for model in DATASET_TABLES:
                cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")


def reset_sequences() -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), list(DATASET_TABLES))
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
            for model in DATASET_TABLES:
                cursor.execute(f"{verb} {qn(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")

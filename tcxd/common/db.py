"""Small database helpers shared by the contexts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


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

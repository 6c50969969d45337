"""big_grouping: on PostgreSQL the configured working memory holds inside the block only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from tcxd.common.db import big_grouping

pytestmark = pytest.mark.django_db


def work_mem() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
@override_settings(TCXD_GROUPING_WORK_MEM="96MB")
def test_working_memory_inside_the_block_only():
    before = work_mem()
    assert before != "96MB"
    with big_grouping():
        assert work_mem() == "96MB"
    assert work_mem() == before
    with big_grouping(enabled=False):
        assert work_mem() == before
    with pytest.raises(ZeroDivisionError), big_grouping():
        assert work_mem() == "96MB"
        raise ZeroDivisionError
    assert work_mem() == before


def test_nothing_changes_outside_postgresql_or_when_disabled():
    with big_grouping(enabled=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone()[0] == 1

"""Raw ledger writes: every row arrives as given, on SQLite (multi-row INSERT with a remainder) and on
PostgreSQL (COPY in text format: tabs, new lines and backslashes escaped)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tcxd.fees import bulk
from tcxd.fees.models import FeePayment

from .factories import make_member

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)
ODD = "a\tb\nc\\d\re — 1 % × 8.500.000 đ"


def test_insert_lines_round_trip(tree):
    count = 237  # SQLite: one full statement (199 rows under the 999-parameter limit) and a remainder
    members = [make_member(tree.cell_a1 if i % 2 else tree.cell_b1, f"Đảng Viên {i}") for i in range(count)]
    rows = [(m.pk, m.org_id, None if i % 7 == 0 else i * 1000, ODD if i % 5 == 0 else f"Dòng {i}", i % 3 == 0)
            for i, m in enumerate(members)]
    moment = timezone.now()
    bulk.insert_lines(rows, month=OCT, regulation="QĐ 01-QĐ/TW", computed_at=moment)
    got = {p.member_id: p for p in FeePayment.objects.all()}
    assert len(got) == len(rows)
    for member_id, org_id, amount, text, exempt in rows:
        line = got[member_id]
        assert (line.org_id, line.amount_due, line.rule_text, line.exempt) == (org_id, amount, text, exempt)
        assert (line.month, line.regulation, line.computed_at, line.channel) == (OCT, "QĐ 01-QĐ/TW", moment, "")
        assert line.amount_paid is None and line.paid_on is None


def test_nothing_to_insert():
    bulk.insert_lines([], month=OCT, regulation="", computed_at=timezone.now())
    assert not FeePayment.objects.exists()


def test_copy_escape():
    assert bulk._copy_escape("1 % × 8.500.000 đ") == "1 % × 8.500.000 đ"
    assert bulk._copy_escape(ODD) == "a\\tb\\nc\\\\d\\re — 1 % × 8.500.000 đ"

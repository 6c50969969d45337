"""The 0002 data migration loaded the registry and the holiday calendar."""

from __future__ import annotations

import json
from datetime import date as D
from pathlib import Path

import pytest

from tcxd.rules.models import Confidence, PublicHoliday, Regulation, RuleParameter

DATA = Path(__file__).resolve().parent.parent / "data"
pytestmark = pytest.mark.django_db


def test_all_regulations_and_parameter_versions_are_loaded():
    doc = json.loads((DATA / "regulations.json").read_text(encoding="utf-8"))
    assert Regulation.objects.count() == len(doc["regulations"])
    assert RuleParameter.objects.count() == sum(len(e["versions"]) for e in doc["parameters"])


def test_qd_294_supersedes_qd_232():
    qd294 = Regulation.objects.get(code="QĐ 294-QĐ/TW")
    assert list(qd294.supersedes.values_list("code", flat=True)) == ["QĐ 232-QĐ/TW"]
    assert Regulation.objects.get(code="QĐ 232-QĐ/TW").superseded_by.get() == qd294
    assert (qd294.signed_on, qd294.effective_from, qd294.effective_to) == (D(2025, 5, 26), D(2025, 7, 1), None)


def test_parameter_rows_keep_regulation_value_and_flags():
    row = RuleParameter.objects.get(key="admission.age_min_months", regulation__code="QĐ 294-QĐ/TW")
    assert row.value == 216 and row.confidence == Confidence.VERIFIED and not row.is_configurable
    deferral = RuleParameter.objects.get(key="badge.discipline_deferral_months", regulation__code="QĐ 294-QĐ/TW")
    assert deferral.value == {"khien_trach": 6, "canh_cao": 9, "cach_chuc": 12}
    assert deferral.is_configurable and deferral.confidence == Confidence.UNVERIFIED
    assert not RuleParameter.objects.filter(confidence=Confidence.UNVERIFIED, is_configurable=False).exists()


def test_holidays_are_loaded():
    doc = json.loads((DATA / "holidays.json").read_text(encoding="utf-8"))
    assert PublicHoliday.objects.count() == len(doc["holidays"])
    assert PublicHoliday.objects.get(date=D(2025, 2, 8)).kind == PublicHoliday.Kind.SWAP_WORKING_DAY
    assert PublicHoliday.objects.get(date=D(2025, 1, 29)).kind == PublicHoliday.Kind.LUNAR
    assert PublicHoliday.objects.filter(date__year=2035).exists()

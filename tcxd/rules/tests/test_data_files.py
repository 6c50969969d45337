"""The committed registry and holiday files: well-formed, consistent with the pure rules."""

from __future__ import annotations

import json
import re
from datetime import date as D
from pathlib import Path

import pytest

from tcxd.rules.pure.holidays import HolidayKind, statutory_holidays
from tcxd.rules.pure.registry import Confidence
from tcxd.rules.pure.registry_io import rulebook_from_data
from tcxd.rules.pure.retirement import Sex, retirement_age
from tcxd.rules.pure.thresholds import parse_threshold

DATA = Path(__file__).resolve().parent.parent / "data"
REGISTRY = json.loads((DATA / "regulations.json").read_text(encoding="utf-8"))
BOOK = rulebook_from_data(REGISTRY)
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


def test_registry_is_consistent():
    codes = [r["code"] for r in REGISTRY["regulations"]]
    assert len(codes) == len(set(codes))
    for row in REGISTRY["regulations"]:
        assert set(row["supersedes"]) <= set(codes), row["code"]
        assert row["title"] and row["issuer"]
    assert BOOK.problems() == []
    for entry in REGISTRY["parameters"]:
        assert KEY.match(entry["key"]), entry["key"]
        assert entry["description_vi"] and entry["versions"]
        regs = [v["regulation"] for v in entry["versions"]]
        assert len(regs) == len(set(regs)), entry["key"]  # unique (key, regulation)


def test_supersession_chains_of_section_0():
    assert BOOK.predecessors("QĐ 294-QĐ/TW") == ["QĐ 232-QĐ/TW", "QĐ 24-QĐ/TW", "QĐ 29-QĐ/TW"]
    assert BOOK.predecessors("HD 06-HD/TW") == ["HD 01-HD/TW"]
    assert BOOK.predecessors("QĐ 01-QĐ/TW") == ["QĐ 342-QĐ/TW"]
    assert BOOK.predecessors("QĐ 366-QĐ/TW") == ["QĐ 124-QĐ/TW", "QĐ 132-QĐ/TW"]
    assert set(BOOK.predecessors("QĐ 377-QĐ/TW")) >= {"QĐ 50-QĐ/TW", "QĐ 80-QĐ/TW", "QĐ 41-QĐ/TW"}


EXPECTED_2025_08 = {
    "org.cell_min_official_members": 3,
    "org.grassroots_party_committee_min_members": 30,
    "org.cell_committee_min_official_members": 9,
    "org.cell_committee_max_size": 7,
    "org.cell_deputy_secretary_max": 1,
    "org.secretary_max_ballot_rounds": 3,
    "org.cell_congress_cycle_months": 30,
    "org.cell_congress_pilot_cycle_months": 60,
    "org.cell_congress_window_months": 6,
    "org.district_level_last_day": "2025-06-30",
    "org.term_years": 5,
    "admission.age_min_months": 216,
    "admission.age_max_months": 720,
    "admission.awareness_certificate_valid_months": 60,
    "admission.introducer_min_months_together": 12,
    "admission.cell_vote_threshold": "≥ 2/3",
    "admission.decision_deadline_working_days": 60,
    "recognition.decision_deadline_working_days": 30,
    "admission.ceremony_deadline_working_days": 30,
    "probation.months": 12,
    "recognition.cell_review_working_days": 30,
    "transfer.official_deadline_working_days": 60,
    "badge.milestones_years": [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90],
    "vote.confidence_low_band1": "trên 50 %",
    "vote.confidence_low_band2": "≥ 2/3",
}


@pytest.mark.parametrize(("key", "value"), sorted(EXPECTED_2025_08.items()))
def test_values_in_force_in_august_2025(key, value):
    assert BOOK.value_in_force(key, D(2025, 8, 1)) == value


@pytest.mark.parametrize(
    ("on", "code"),
    [(D(2024, 6, 1), "QĐ 24-QĐ/TW"), (D(2025, 1, 20), "QĐ 232-QĐ/TW"), (D(2025, 6, 30), "QĐ 232-QĐ/TW"),
     (D(2025, 7, 1), "QĐ 294-QĐ/TW"), (D(2019, 1, 1), "QĐ 29-QĐ/TW")],
)
def test_admission_rules_follow_the_charter_implementation_chain(on, code):
    assert BOOK.regulation_in_force("admission.age_min_months", on).code == code
    assert BOOK.value_in_force("admission.age_min_months", on) == 216


def test_fees_switch_on_1_february_2026():
    assert BOOK.regulation_in_force("fees.rate_pension", D(2026, 1, 31)).code == "QĐ 342-QĐ/TW"
    assert BOOK.regulation_in_force("fees.rate_pension", D(2026, 2, 1)).code == "QĐ 01-QĐ/TW"
    assert BOOK.value_in_force("fees.cell_remit_share", D(2026, 1, 31)) == "0.70"
    assert BOOK.value_in_force("fees.cell_remit_share", D(2026, 2, 1)) is None  # unverified: to configure


def test_district_level_end_is_known_for_historic_records():
    assert BOOK.value_in_force("org.district_level_last_day", D(2015, 1, 1)) == "2025-06-30"


def test_every_threshold_text_parses():
    for key in BOOK.keys():
        if key.endswith(("_threshold", "_quorum")) or ".confidence_low_band" in key:
            for version in BOOK.history(key):
                parse_threshold(version.parameter.value)


def test_unverified_versions_are_flagged_configurable_by_the_loader_policy():
    unverified = [(e["key"], v["regulation"]) for e in REGISTRY["parameters"] for v in e["versions"]
                  if v["confidence"] == Confidence.UNVERIFIED]
    assert ("badge.discipline_deferral_months", "QĐ 294-QĐ/TW") in unverified


@pytest.mark.parametrize(
    ("sex", "key"), [(Sex.MALE, "retirement.roadmap_men"), (Sex.FEMALE, "retirement.roadmap_women")]
)
def test_retirement_roadmap_in_registry_matches_pure_module(sex, key):
    for year in range(2013, 2045):
        road = BOOK.value_in_force(key, D(year, 6, 1))
        months = min(road["first_age_months"] + road["step_months_per_year"] * (year - road["first_year"]),
                     road["final_age_months"])
        assert divmod(months, 12) == retirement_age(sex, year), year


@pytest.mark.parametrize("year", [2019, 2027, 2033])
def test_holiday_counts_match_registry(year):
    days = [h for h in statutory_holidays(year) if h.kind in (HolidayKind.STATUTORY, HolidayKind.LUNAR)]
    assert len(days) == BOOK.value_in_force("holiday.days_per_year", D(year, 6, 1))


def test_holidays_json_is_up_to_date():
    from tcxd.rules.data.build_holidays import render

    assert (DATA / "holidays.json").read_text(encoding="utf-8") == render()

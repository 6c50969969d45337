"""Structural rules of party organizations (domain A-03, A-04). Pure: values are passed in,
looked up by the caller as in force on the date in question."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class CellCommitteeRules:
    min_official_for_committee: int  # 9
    max_committee_size: int  # 7
    max_deputies: int  # 1
    max_secretary_ballots: int  # 3


def cell_below_minimum(official: int, minimum: int) -> bool:
    """A-03: every cell must keep at least ``minimum`` (3) official members."""
    return official < minimum


def grassroots_cell_should_be_committee(total_members: int, threshold: int) -> bool:
    """A-03: a grassroots org with ``threshold`` (30) members or more is a đảng bộ cơ sở."""
    return total_members >= threshold


def cell_committee_problems(
    *, official: int, roles: list[str], rules: CellCommitteeRules
) -> list[str]:
    """Problems with a cell's seats (roles: 'secretary', 'deputy_secretary', 'member').

    A-04: a cell with >= 9 official members elects a chi ủy of at most 7 with one deputy; a smaller
    cell elects only a secretary and, if needed, one deputy.
    """
    counts = Counter(roles)
    problems: list[str] = []
    if counts["secretary"] > 1:
        problems.append("Chi bộ chỉ có một bí thư.")
    if counts["deputy_secretary"] > rules.max_deputies:
        problems.append(f"Chi bộ chỉ bầu {rules.max_deputies} phó bí thư (Điều lệ Đảng, Điều 24).")
    if official < rules.min_official_for_committee:
        if counts["member"] > 0:
            problems.append(
                f"Chi bộ có {official} đảng viên chính thức, dưới {rules.min_official_for_committee}: "
                "chỉ bầu bí thư và phó bí thư, không bầu chi ủy (Điều lệ Đảng, Điều 24; QĐ 294-QĐ/TW)."
            )
    elif sum(counts.values()) > rules.max_committee_size:
        problems.append(
            f"Chi ủy tối đa {rules.max_committee_size} đồng chí (Điều lệ Đảng, Điều 24; QĐ 294-QĐ/TW)."
        )
    return problems


def secretary_ballot_problem(*, method: str, ballot_round: int | None,
                             rules: CellCommitteeRules) -> str | None:
    """A-04: after the 3rd round without enough votes, the superior committee appoints."""
    if method == "elected" and ballot_round is not None and ballot_round > rules.max_secretary_ballots:
        return (
            f"Sau {rules.max_secretary_ballots} lần bỏ phiếu không đủ số phiếu, cấp ủy cấp trên chỉ định "
            "bí thư; không bầu lần thứ " + str(ballot_round) + " (Điều lệ Đảng, Điều 24)."
        )
    return None


def congress_due_window(last_held_year: int, last_held_month: int, cycle_months: int,
                        window_months: int) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(earliest, due, latest) (year, month) for the next congress (A-06: ±6 months)."""
    def shift(months: int) -> tuple[int, int]:
        total = last_held_year * 12 + (last_held_month - 1) + months
        return total // 12, total % 12 + 1

    return shift(cycle_months - window_months), shift(cycle_months), shift(cycle_months + window_months)

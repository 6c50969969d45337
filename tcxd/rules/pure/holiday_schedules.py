"""Official holiday schedules actually announced by the Government (data only).

The statutory defaults in ``holidays.py`` are overridden here for years whose schedule was
announced and is known with confidence. Each entry is a fact with its source; when in doubt a
year is left out and the statutory default applies (the DB table stays editable by admins).

* ``tet_span``: the whole official Tết break (first, last day), weekends included. Every day in
  it becomes a Tết holiday except swap days off, which are listed in ``swaps``.
* ``national_day_adjacent``: the day (1/9 or 3/9) chosen next to 2/9 (Labour Code 2019 Art. 112).
* ``swaps``: a weekday given off in exchange for a weekend day worked (hoán đổi ngày làm việc).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Swap:
    day_off: date
    working_day: date


@dataclass(frozen=True)
class OfficialSchedule:
    tet_span: tuple[date, date] | None = None
    national_day_adjacent: date | None = None
    swaps: tuple[Swap, ...] = ()
    source_vi: str = ""


OFFICIAL_SCHEDULES: dict[int, OfficialSchedule] = {
    2020: OfficialSchedule(
        tet_span=(date(2020, 1, 23), date(2020, 1, 29)),
        source_vi="Tết Canh Tý: nghỉ 23/01–29/01/2020 (29 tháng Chạp – mùng 5).",
    ),
    2021: OfficialSchedule(
        tet_span=(date(2021, 2, 10), date(2021, 2, 16)),
        national_day_adjacent=date(2021, 9, 3),
        source_vi="Tết Tân Sửu: nghỉ 10/02–16/02/2021; Quốc khánh: 02/9 và 03/9/2021.",
    ),
    2022: OfficialSchedule(
        tet_span=(date(2022, 1, 29), date(2022, 2, 6)),
        national_day_adjacent=date(2022, 9, 1),
        source_vi="Tết Nhâm Dần: nghỉ 29/01–06/02/2022; Quốc khánh: 01/9 và 02/9/2022.",
    ),
    2023: OfficialSchedule(
        tet_span=(date(2023, 1, 20), date(2023, 1, 26)),
        national_day_adjacent=date(2023, 9, 1),
        source_vi="Tết Quý Mão: nghỉ 20/01–26/01/2023; Quốc khánh: 01/9, 02/9 (thứ Bảy, nghỉ bù 04/9).",
    ),
    2024: OfficialSchedule(
        tet_span=(date(2024, 2, 8), date(2024, 2, 14)),
        national_day_adjacent=date(2024, 9, 3),
        swaps=(Swap(day_off=date(2024, 4, 29), working_day=date(2024, 5, 4)),),
        source_vi=(
            "Tết Giáp Thìn: nghỉ 08/02–14/02/2024; 30/4–1/5: nghỉ 27/4–01/5, làm bù thứ Bảy 04/5/2024 "
            "(VB 2450/VPCP-KGVX 12/4/2024); Quốc khánh: 02/9 và 03/9/2024."
        ),
    ),
    2025: OfficialSchedule(
        tet_span=(date(2025, 1, 25), date(2025, 2, 2)),
        national_day_adjacent=date(2025, 9, 1),
        swaps=(
            Swap(day_off=date(2025, 1, 27), working_day=date(2025, 2, 8)),
            Swap(day_off=date(2025, 5, 2), working_day=date(2025, 4, 26)),
        ),
        source_vi=(
            "Tết Ất Tỵ: nghỉ 25/01–02/02/2025, hoán đổi thứ Hai 27/01 với thứ Bảy 08/02/2025; "
            "30/4–1/5: nghỉ 30/4–04/5, hoán đổi thứ Sáu 02/5 với thứ Bảy 26/4/2025; "
            "Quốc khánh: 01/9 và 02/9/2025."
        ),
    ),
    2026: OfficialSchedule(
        tet_span=(date(2026, 2, 14), date(2026, 2, 22)),
        national_day_adjacent=date(2026, 9, 1),
        swaps=(
            Swap(day_off=date(2026, 1, 2), working_day=date(2026, 1, 10)),
            Swap(day_off=date(2026, 8, 31), working_day=date(2026, 8, 22)),
        ),
        source_vi=(
            "Tết Dương lịch: nghỉ 01/01–04/01/2026, hoán đổi thứ Sáu 02/01 với thứ Bảy 10/01/2026 "
            "(VB 12729/VPCP-KGVX 25/12/2025); Tết Bính Ngọ: nghỉ 14/02–22/02/2026; Quốc khánh: "
            "01/9 và 02/9/2026, hoán đổi thứ Hai 31/8 với thứ Bảy 22/8/2026 (ý kiến Thủ tướng 13/10/2025)."
        ),
    ),
}

"""Căn cước công dân numbers: 12 digits = province of registration (3) + century/sex (1) + year of
birth (2) + serial (6). Pure Python."""

from __future__ import annotations

import re

_CCCD = re.compile(r"^\d{12}$")
# 4th digit: (century start, male code, female code)
_CENTURY = {1900: ("0", "1"), 2000: ("2", "3"), 2100: ("4", "5"), 2200: ("6", "7"), 1800: ("8", "9")}


def normalize(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text or "")


def problems(cccd: str, *, sex: str | None = None, birth_year: int | None = None) -> list[str]:
    """Vietnamese messages for what is wrong with ``cccd`` (empty list: well-formed)."""
    if not _CCCD.match(cccd or ""):
        return ["Số CCCD phải gồm đúng 12 chữ số."]
    out: list[str] = []
    if not 1 <= int(cccd[:3]) <= 96:
        out.append(f"Ba số đầu của CCCD ({cccd[:3]}) không phải mã tỉnh nơi đăng ký khai sinh (001–096).")
    if sex in ("M", "F") and birth_year:
        century = birth_year // 100 * 100
        codes = _CENTURY.get(century)
        if codes:
            expected = codes[0] if sex == "M" else codes[1]
            if cccd[3] != expected:
                out.append(
                    f"Chữ số thứ 4 của CCCD ({cccd[3]}) không khớp giới tính và thế kỷ năm sinh "
                    f"(phải là {expected})."
                )
        if cccd[4:6] != f"{birth_year % 100:02d}":
            out.append(f"Chữ số thứ 5–6 của CCCD ({cccd[4:6]}) không khớp năm sinh {birth_year}.")
    return out

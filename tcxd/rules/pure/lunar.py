"""Vietnamese lunar calendar (âm lịch) ↔ solar conversion.

Port of Hồ Ngọc Đức's public algorithm ("Thuật toán tính âm lịch", astronomical new moons and
solar terms after Jean Meeus) evaluated at **UTC+7**, the Vietnamese civil time zone. The Chinese
calendar uses UTC+8 and differs in some years (e.g. Tết 1985 is 21/01 in Vietnam, 20/02 in China).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

VN_TIME_ZONE = 7.0
_JDN_OFFSET = 1721425  # date.toordinal() + _JDN_OFFSET == Julian day number (Gregorian dates)
_SYNODIC_MONTH = 29.530588853
_DR = math.pi / 180


@dataclass(frozen=True)
class LunarDate:
    day: int
    month: int
    year: int
    leap: bool = False


def _jdn(d: date) -> int:
    return d.toordinal() + _JDN_OFFSET


def _from_jdn(jd: int) -> date:
    return date.fromordinal(jd - _JDN_OFFSET)


def _new_moon(k: int) -> float:
    """Julian day (UT) of the k-th new moon after 1900-01-01."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _DR)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * _DR) + 0.0021 * math.sin(2 * _DR * m)
    c1 -= 0.4068 * math.sin(mpr * _DR) - 0.0161 * math.sin(_DR * 2 * mpr)
    c1 -= 0.0004 * math.sin(_DR * 3 * mpr)
    c1 += 0.0104 * math.sin(_DR * 2 * f) - 0.0051 * math.sin(_DR * (m + mpr))
    c1 -= 0.0074 * math.sin(_DR * (m - mpr)) - 0.0004 * math.sin(_DR * (2 * f + m))
    c1 -= 0.0004 * math.sin(_DR * (2 * f - m)) + 0.0006 * math.sin(_DR * (2 * f + mpr))
    c1 += 0.0010 * math.sin(_DR * (2 * f - mpr)) + 0.0005 * math.sin(_DR * (2 * mpr + m))
    if t < -11:
        deltat = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        deltat = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - deltat


def _sun_longitude(jdn: float) -> float:
    """Sun's true longitude in radians, normalised to [0, 2π)."""
    t = (jdn - 2451545.0) / 36525
    t2 = t * t
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(_DR * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(_DR * 2 * m) + 0.000290 * math.sin(_DR * 3 * m)
    lon = (l0 + dl) * _DR
    return lon - 2 * math.pi * math.floor(lon / (2 * math.pi))


def _sun_sector(day_number: int, tz: float) -> int:
    """Which of the 12 solar-term sectors (0..11) the sun is in at local midnight."""
    return math.floor(_sun_longitude(day_number - 0.5 - tz / 24) / math.pi * 6)


def _new_moon_day(k: int, tz: float) -> int:
    return math.floor(_new_moon(k) + 0.5 + tz / 24)


def _lunar_month_11(year: int, tz: float) -> int:
    """JDN of the first day of lunar month 11 (the month containing the winter solstice)."""
    off = _jdn(date(year, 12, 31)) - 2415021
    k = math.floor(off / _SYNODIC_MONTH)
    nm = _new_moon_day(k, tz)
    if _sun_sector(nm, tz) >= 9:
        nm = _new_moon_day(k - 1, tz)
    return nm


def _leap_month_offset(a11: int, tz: float) -> int:
    k = math.floor((a11 - 2415021.076998695) / _SYNODIC_MONTH + 0.5)
    i = 1
    arc = _sun_sector(_new_moon_day(k + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i, tz), tz)
        if arc == last or i >= 14:
            return i - 1


def lunar_to_solar(day: int, month: int, year: int, leap: bool = False, tz: float = VN_TIME_ZONE) -> date:
    """Solar date of a lunar date. Raises ValueError for a leap month that does not exist."""
    if month < 11:
        a11, b11 = _lunar_month_11(year - 1, tz), _lunar_month_11(year, tz)
    else:
        a11, b11 = _lunar_month_11(year, tz), _lunar_month_11(year + 1, tz)
    k = math.floor(0.5 + (a11 - 2415021.076998695) / _SYNODIC_MONTH)
    off = (month - 11) % 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11, tz)
        leap_month = (leap_off - 2) % 12
        if leap and month != leap_month:
            raise ValueError(f"Năm âm lịch {year} không có tháng {month} nhuận.")
        if leap or off >= leap_off:
            off += 1
    elif leap:
        raise ValueError(f"Năm âm lịch {year} không có tháng nhuận.")
    return _from_jdn(_new_moon_day(k + off, tz) + day - 1)


def solar_to_lunar(d: date, tz: float = VN_TIME_ZONE) -> LunarDate:
    """Lunar date of a solar date."""
    day_number = _jdn(d)
    k = math.floor((day_number - 2415021.076998695) / _SYNODIC_MONTH)
    month_start = _new_moon_day(k + 1, tz)
    # the last new moon on or before the day: k estimates it with the mean month, which the true new moons
    # stray from by up to ~14 hours, so it may be one too late (e.g. 07/05/2054, the last day of month 3)
    while month_start > day_number:
        k -= 1
        month_start = _new_moon_day(k + 1, tz)
    a11 = _lunar_month_11(d.year, tz)
    b11 = a11
    if a11 >= month_start:
        lunar_year = d.year
        a11 = _lunar_month_11(d.year - 1, tz)
    else:
        lunar_year = d.year + 1
        b11 = _lunar_month_11(d.year + 1, tz)
    lunar_day = day_number - month_start + 1
    diff = math.floor((month_start - a11) / 29)
    leap = False
    lunar_month = diff + 11
    if b11 - a11 > 365:
        leap_diff = _leap_month_offset(a11, tz)
        if diff >= leap_diff:
            lunar_month = diff + 10
            if diff == leap_diff:
                leap = True
    if lunar_month > 12:
        lunar_month -= 12
    if lunar_month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(lunar_day, lunar_month, lunar_year, leap)


def tet(year: int) -> date:
    """Mùng 1 tháng Giêng (Lunar New Year's Day) of the lunar year starting in ``year``."""
    return lunar_to_solar(1, 1, year)


def tet_eve(year: int) -> date:
    """Last day of tháng Chạp (the 30th, or the 29th when the month is short)."""
    return tet(year) - timedelta(days=1)


def hung_kings_day(year: int) -> date:
    """Giỗ Tổ Hùng Vương: 10 tháng 3 âm lịch (never a leap month 3)."""
    return lunar_to_solar(10, 3, year)

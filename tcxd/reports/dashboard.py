"""The dashboard (Tổng quan): five charts of one org's subtree as of a day, each with its table.

Every figure comes from the statistics engine or the selectors of the targets and orgs contexts; this
module only arranges them into series (categories × series of numbers, with the Vietnamese display
text of each cell):

- members by status over time: ``stats.member_cube(dims=("status",))`` on 31/12 of each of the last
  ten years, and the day itself (read from the day's one cube of every dimension below);
- admissions against the year's target: ``progress.target_progress`` (planned figure, achieved by the
  day) and ``progress.admissions_by_child`` at the end of each earlier month (cumulative);
- the age and sex pyramid and the political-theory structure: the day's cube, bands and labels from
  ``stats.dimension``;
- congress progress by subordinate org: cells that held the congress of the round (term) the day
  falls in, under each direct child as the tree stood on the day — the rule of
  ``orgs.selectors.congress_progress`` grouped by child (one query per cell kind instead of one per
  child and kind; the tests check it equals the selector for every child).

Charts hold plain data (``as_dict`` for the page's ``json_script`` and the API); drawing is the
static script's business (``static/tcxd/dashboard.js``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from tcxd.authz.guards import require_read
from tcxd.authz.scope import scope_for
from tcxd.common.fmt import fmt_date, fmt_int, fmt_percent, parse_date
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.models import Org

from . import progress as P
from . import stats
from .forms import parse_int
from .models import Indicator
from .validation import FIRST_YEAR, year_errors

HISTORY_YEARS = 10  # members by status: 31/12 of each of the last ten years, then the day
DAY_DIMS = ("status", "sex", "age_band", "political_theory")  # the day's one cube
UNKNOWN = ("?", "Chưa rõ")  # values in the data that a dimension does not list (kept so totals add up)
EARLIEST = dt.date(FIRST_YEAR, 1, 1)


# -- plain data of a chart --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: tuple[int | float | None, ...]
    texts: tuple[str, ...] | None = None  # display text of each value, when not a plain count
    drawn: bool = True  # False: a column of the table only

    def text(self, i: int) -> str:
        if self.texts is not None:
            return self.texts[i]
        value = self.values[i]
        return "–" if value is None else fmt_int(int(value))


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    category_label: str  # header of the table's first column
    codes: tuple[str, ...]  # one per category (ISO day, band code, org id …)
    labels: tuple[str, ...]  # Vietnamese label of each category
    series: tuple[Series, ...]
    summary: str = ""
    total_row: tuple[str, ...] = ()  # label and one text per series, under the table

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)

    @property
    def headers(self) -> list[str]:
        return [self.category_label, *(s.label for s in self.series)]

    @property
    def rows(self) -> list[list[str]]:
        return [[label, *(s.text(i) for s in self.series)] for i, label in enumerate(self.labels)]

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "category_label": self.category_label,
                "categories": [{"code": c, "label": label} for c, label in zip(self.codes, self.labels, strict=True)],
                "series": [{"key": s.key, "label": s.label, "values": list(s.values),
                            "texts": [s.text(i) for i in range(len(s.values))], "drawn": s.drawn}
                           for s in self.series],
                "summary": self.summary, "total_row": list(self.total_row), "empty": self.empty}


@dataclass(frozen=True)
class Dashboard:
    org: Org
    day: dt.date
    year: int  # of the targets
    term: tuple[int, int]  # the congress round the day falls in
    charts: tuple[Chart, ...]

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)

    def as_dict(self) -> dict:
        return {"org_id": self.org.pk, "org_name": self.org.name, "on": self.day.isoformat(), "year": self.year,
                "term": list(self.term), "charts": [c.as_dict() for c in self.charts]}


# -- parameters --------------------------------------------------------------------------------------------
def dashboard_params(raw_day, raw_year, *, today: dt.date) -> tuple[dt.date, int, dict[str, list[str]]]:
    """Day (dd/mm/yyyy or yyyy-mm-dd; default today; not after today) and year of the targets (default the
    day's year), with Vietnamese messages for what could not be used (its default is used instead)."""
    errors: dict[str, list[str]] = {}
    day = today
    text = str(raw_day or "").strip()
    if text:
        try:
            parsed = parse_date(text)
        except ValueError as exc:
            errors["on"] = [str(exc)]
        else:
            if parsed > today:
                errors["on"] = [f"Ngày xem số liệu ({fmt_date(parsed)}) không được sau ngày hôm nay "
                                f"({fmt_date(today)}): chưa có số liệu của ngày tương lai."]
            elif parsed < EARLIEST:
                errors["on"] = [f"Ngày xem số liệu phải từ {fmt_date(EARLIEST)} trở đi; đã nhập “{text}”."]
            else:
                day = parsed
    year = day.year
    text = str(raw_year or "").strip()
    if text:
        parsed_year = parse_int(text)
        problems = year_errors(parsed_year, today=today)
        if problems:
            errors["year"] = problems
        else:
            year = parsed_year
    return day, year, errors


def dashboard_org_default(*, actor) -> Org | None:
    """The user's own org (the root of their scope); for a user without one (the system administrator),
    the first root of the scope."""
    if actor.org_id is not None and scope_for(actor).contains(actor.org.path):
        return actor.org
    return org_selectors.org_scope_roots(actor=actor).order_by("path").first()


def congress_round(day: dt.date) -> tuple[int, int]:
    """The congress round (term) the day falls in: 2025–2030 for any day of 2025 … 2029."""
    start = day.year - day.year % P.TERM_YEARS
    return start, start + P.TERM_YEARS


# -- the dashboard ---------------------------------------------------------------------------------------
def dashboard(*, actor, org: Org, day: dt.date, year: int) -> Dashboard:
    """The five charts of ``org``'s subtree on ``day`` (org in the actor's scope, else NotFound)."""
    require_read(actor, org.path)
    cube = stats.member_cube(actor=actor, org=org, on=day, dims=DAY_DIMS)
    term = congress_round(day)
    charts = (
        members_by_status(actor=actor, org=org, day=day, day_cube=cube),
        admissions_against_target(actor=actor, org=org, year=year, day=day),
        age_sex_pyramid(cube=cube, day=day),
        political_theory(cube=cube, day=day),
        congress_by_child_chart(org=org, day=day, term=term),
    )
    return Dashboard(org=org, day=day, year=year, term=term, charts=charts)


def _fold(cube: Counter, dims: Sequence[str], keep: Sequence[str]) -> Counter:
    """``cube`` summed over every dimension not in ``keep`` (keys in the order of ``keep``)."""
    idx = [list(dims).index(d) for d in keep]
    out: Counter = Counter()
    for key, n in cube.items():
        out[tuple(key[i] for i in idx)] += n
    return out


def _values(dimension: stats.Dimension, found: Sequence[str]) -> list[tuple[str, str]]:
    """The dimension's values in display order, plus "Chưa rõ" when the data hold a value it does not list."""
    known = [code for code, _ in dimension.values]
    values = list(dimension.values)
    if any(code not in known for code in found):
        values.append(UNKNOWN)
    return values


def _bucket(code: str, known: set[str]) -> str:
    return code if code in known else UNKNOWN[0]


def members_by_status(*, actor, org: Org, day: dt.date, day_cube: Counter) -> Chart:
    """Official and probationary members on 31/12 of each of the last ten years and on the day."""
    days = [dt.date(day.year - k, 12, 31) for k in range(HISTORY_YEARS, 0, -1)]
    counts = [stats.marginal(stats.member_cube(actor=actor, org=org, on=d, dims=("status",)), ("status",), "status")
              for d in days]
    days.append(day)
    counts.append(stats.marginal(day_cube, DAY_DIMS, "status"))
    dim = stats.dimension("status", day)
    series = [Series(code, label, tuple(c.get(code, 0) for c in counts)) for code, label in dim.values]
    series.append(Series("total", "Tổng số", tuple(sum(c.values()) for c in counts), drawn=False))
    now = counts[-1]
    summary = (f"Tại ngày {fmt_date(day)}: {fmt_int(sum(now.values()))} đảng viên, trong đó "
               + ", ".join(f"{fmt_int(now.get(code, 0))} {label.lower()}" for code, label in dim.values) + ".")
    return Chart("members_by_status", "Đảng viên chính thức, dự bị qua các năm", "Ngày",
                 tuple(d.isoformat() for d in days), tuple(fmt_date(d) for d in days), tuple(series), summary)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def admissions_against_target(*, actor, org: Org, year: int, day: dt.date) -> Chart:
    """Admissions of the year counted to the end of each month (to the day in its month) against the
    year's planned figure (the org's own target, else the sum of its subordinate orgs')."""
    data = P.target_progress(actor=actor, org=org, year=year, indicator=Indicator.ADMISSIONS, day=day)
    row, until = data.row, data.until
    places = row.places
    codes, labels, achieved = [], [], []
    for month in range(1, 13):
        first, last = dt.date(year, month, 1), _month_end(year, month)
        codes.append(f"{year}-{month:02d}")
        if first > until:
            labels.append(f"Tháng {month}")
            achieved.append(None)
        elif last >= until:
            labels.append(f"Tháng {month}" + (f" (đến {fmt_date(until)})" if until < last else ""))
            achieved.append(row.achieved)
        else:
            labels.append(f"Tháng {month}")
            achieved.append(P.admissions_by_child(org=org, start=data.start, until=last)[0])
    planned = tuple(row.planned if row.planned else None for _ in achieved)
    ratios = tuple("–" if a is None or not row.planned else fmt_percent(a, row.planned, places) for a in achieved)
    if data.before_year:
        summary = f"Ngày {fmt_date(day)} trước năm {year}: chưa có kết quả tính cho năm này."
    else:
        source = f" (chỉ tiêu: {row.source_label})" if row.planned else ""
        summary = f"{row.text}{source}. Tính từ {fmt_date(data.start)} đến {fmt_date(until)}."
    return Chart(
        "admissions", f"Kết nạp đảng viên so với chỉ tiêu năm {year}", "Tháng", tuple(codes), tuple(labels),
        (Series("achieved", "Kết nạp (lũy kế)", tuple(achieved)),
         Series("planned", "Chỉ tiêu năm", planned),
         Series("ratio", "Tỷ lệ đạt", tuple(None for _ in achieved), texts=ratios, drawn=False)),
        summary)


def age_sex_pyramid(*, cube: Counter, day: dt.date) -> Chart:
    """Members on the day by age band (the configurable bands in force) and sex."""
    ages = stats.dimension("age_band", day)
    sexes = stats.dimension("sex", day)
    folded = _fold(cube, DAY_DIMS, ("age_band", "sex"))
    bands = _values(ages, [a for a, _ in folded])
    known_bands, known_sexes = {c for c, _ in ages.values}, {c for c, _ in sexes.values}
    by: Counter = Counter()
    for (age, sex), n in folded.items():
        by[(_bucket(age, known_bands), _bucket(sex, known_sexes))] += n
    sex_values = _values(sexes, [s for _, s in folded])
    series = [Series(code, label, tuple(by[(band, code)] for band, _ in bands)) for code, label in sex_values]
    totals = tuple(sum(by[(band, s)] for s, _ in sex_values) for band, _ in bands)
    series.append(Series("total", "Cộng", totals, drawn=False))
    grand = sum(totals)
    total_row = ("Cộng", *(fmt_int(sum(s.values)) for s in series))
    summary = f"{fmt_int(grand)} đảng viên tại ngày {fmt_date(day)}; " + ", ".join(
        f"{label.lower()} {fmt_int(sum(s.values))} ({fmt_percent(sum(s.values), grand, P.ratio_places())})"
        for (_code, label), s in zip(sex_values, series, strict=False)) + "." if grand else ""
    return Chart("pyramid", "Tháp tuổi đời và giới tính", ages.label, tuple(c for c, _ in bands),
                 tuple(label for _, label in bands), tuple(series), summary, total_row)


def political_theory(*, cube: Counter, day: dt.date) -> Chart:
    """Members on the day by their highest political-theory level."""
    dim = stats.dimension("political_theory", day)
    found = stats.marginal(cube, DAY_DIMS, "political_theory")
    values = _values(dim, list(found))
    known = {c for c, _ in dim.values}
    by: Counter = Counter()
    for code, n in found.items():
        by[_bucket(code, known)] += n
    counts = tuple(by[code] for code, _ in values)
    grand = sum(counts)
    places = P.ratio_places()
    shares = tuple(fmt_percent(n, grand, places) for n in counts)
    summary = f"{fmt_int(grand)} đảng viên tại ngày {fmt_date(day)}, theo trình độ cao nhất." if grand else ""
    return Chart("political_theory", "Trình độ lý luận chính trị", dim.label, tuple(c for c, _ in values),
                 tuple(label for _, label in values),
                 (Series("members", "Số đảng viên", counts),
                  Series("share", "Tỷ lệ", counts, texts=shares, drawn=False)),
                 summary, ("Cộng", fmt_int(grand), fmt_percent(grand, grand, places) if grand else "–"))


# -- congress progress by subordinate org --------------------------------------------------------------------
congress_by_child = P.congress_by_child  # the rule lives with the targets' progress, which uses it too


def _pct(held: int, cells: int) -> float | None:
    """The ratio in percent for drawing a bar (display only; the text is ``fmt_percent``'s)."""
    return round(float(Fraction(held * 100, cells)), 2) if cells else None


def congress_by_child_chart(*, org: Org, day: dt.date, term: tuple[int, int]) -> Chart:
    children = org_selectors.org_children_as_of(org=org, day=day)
    found = congress_by_child(org=org, term_start_year=term[0], day=day)
    held = tuple(found.get(v.path, (0, 0))[0] for v in children)
    cells = tuple(found.get(v.path, (0, 0))[1] for v in children)
    places = P.ratio_places()
    ratios = tuple(_pct(h, c) for h, c in zip(held, cells, strict=True))
    texts = tuple(fmt_percent(h, c, places) for h, c in zip(held, cells, strict=True))
    all_held, all_cells = P.cells_with_congress(org=org, year=term[0], day=day)
    summary = (f"{fmt_int(all_held)}/{fmt_int(all_cells)} chi bộ đã tổ chức đại hội nhiệm kỳ {term[0]}–{term[1]} "
               f"({fmt_percent(all_held, all_cells, places)}), tính đến ngày {fmt_date(day)}." if all_cells else "")
    return Chart(
        "congress", f"Tiến độ đại hội chi bộ nhiệm kỳ {term[0]}–{term[1]} theo tổ chức trực thuộc",
        "Tổ chức trực thuộc",
        tuple(str(v.org_id) for v in children), tuple(v.name for v in children),
        (Series("held", "Đã đại hội", held, drawn=False), Series("cells", "Tổng số chi bộ", cells, drawn=False),
         Series("ratio", "Tỷ lệ", ratios, texts=texts)),
        summary, ("Cộng", fmt_int(all_held), fmt_int(all_cells), fmt_percent(all_held, all_cells, places)))

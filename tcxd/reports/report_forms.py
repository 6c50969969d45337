"""Report forms as data (biểu thống kê, G-02): a form's rows, columns and totals are a JSON document
(``ReportForm.definition``); ``render_form`` fills it from the statistics engine (tcxd.reports.stats)
for one org's subtree on one day (members, organizations) or over one period (movements).

The definition::

    {"row_header": "Chỉ tiêu",                      # label of the first column (optional)
     "columns": [item, ...], "rows": [item, ...],
     "rows_from": "children"}                        # optional: one row per direct subordinate org

An item (row or column) is one of
- ``{"key": "nu", "label": "Nữ", "filter": {"sex": "F"}}`` — members (orgs, movements) matching the
  filter; a filter maps a dimension to a value, a list of values, or ``{"not": value or list}``;
  ``{}`` (or no filter) matches everything;
- ``{"key": "tong", "label": "Tổng số", "total": "all"}`` — everything (a bold total), or
  ``"total": ["a", "b"]`` — the sum of the named rows (columns);
- ``{"expand": "age_band", "only": [...], "except": [...], "filter": {...}}`` — one item per value of
  the dimension as of the day (the configured age bands of that day, the 54 ethnic groups …), keys
  ``<dimension>:<value>``;
- columns only: ``{"group": "Tuổi đời", "columns": [item, ...]}`` — a merged header over its columns;
- rows only: ``"indent": 0…3``.
A cell is the count matching the row's filter and the column's filter. Dimensions by form kind:
members — every dimension of ``stats.ALL`` (``child`` only through ``rows_from``/``expand`` in rows);
organizations — ``kind`` (``OrgKind``); movements — ``movement`` (``stats.MOVEMENTS``,
``stats.TRANSFERS`` and the cadre register's decisions ``stats.CADRE_MOVES``) and ``period`` (``current``:
the period asked, ``previous``: the same period of the previous year).

Every figure goes through the engine: one ``member_cube`` per distinct set of dimensions the cells
need (a set contained in another needed set is read from that one's cube), one ``org_counts`` or a
pair of ``movements`` per subtree shown (and of ``cadre_moves`` when a cell may count a cadre decision).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from tcxd.authz.guards import require_read
from tcxd.common.errors import NotFound, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import org_version_on
from tcxd.rules.pure.calendar import add_months

from . import stats
from .models import FormKind, ReportForm

MAX_ITEMS = 400  # rows or columns after expansion: more is a mistake, not a form
MAX_INDENT = 3
MAX_LABEL = 200
PERIODS = (("current", "Kỳ báo cáo"), ("previous", "Cùng kỳ năm trước"))
CHILDREN = "children"
FIRST_DAY = dt.date(1930, 2, 3)  # the Party's founding: no statistic before it


# -- dimensions by form kind ---------------------------------------------------------------------------
def movement_values() -> tuple[tuple[str, str], ...]:
    return (*((k, label) for k, (label, _kinds) in stats.MOVEMENTS.items()), *stats.TRANSFERS.items(),
            *stats.CADRE_MOVES.items())


def dimension_values(kind: str, dim: str, on: dt.date, root: Org | None = None) -> tuple[tuple[str, str], ...]:
    """(code, label) of every value of ``dim`` in a form of ``kind`` as of ``on``."""
    if kind == FormKind.MEMBERS:
        return stats.dimension(dim, on, root=root).values
    if kind == FormKind.ORGANIZATIONS:
        return tuple((str(v), str(label)) for v, label in OrgKind.choices)
    if dim == "movement":
        return movement_values()
    return PERIODS


def dimension_label(kind: str, dim: str) -> str:
    if kind == FormKind.MEMBERS:
        return stats.dimension(dim, dt.date.today()).label
    return {"kind": "Loại tổ chức", "movement": "Biến động", "period": "Kỳ"}[dim]


def dimensions_of(kind: str) -> tuple[str, ...]:
    if kind == FormKind.MEMBERS:
        return tuple(d for d in stats.ALL if d != "child")
    if kind == FormKind.ORGANIZATIONS:
        return ("kind",)
    return ("movement", "period")


# -- definition: validation ----------------------------------------------------------------------------
def _is_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _values_list(spec) -> list | None:
    """The values a filter or only/except names, or None when it is not a value or list of values."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, list) and spec and all(isinstance(v, str) for v in spec):
        return spec
    return None


class _Checker:
    def __init__(self, kind: str, on: dt.date) -> None:
        self.kind, self.on = kind, on
        self.errors: list[str] = []
        self.dims = dimensions_of(kind)

    def add(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    def codes(self, dim: str) -> set[str]:
        return {code for code, _label in dimension_values(self.kind, dim, self.on)}

    def dim_ok(self, dim, where: str) -> bool:
        if dim == "child" and self.kind == FormKind.MEMBERS:
            self.add(f"{where}: chiều “child” (đơn vị trực thuộc) chỉ dùng qua \"rows_from\": \"children\" "
                     "hoặc \"expand\": \"child\" ở dòng.")
            return False
        if not isinstance(dim, str) or dim not in self.dims:
            known = ", ".join(self.dims)
            noun = "biến động" if self.kind == FormKind.MOVEMENTS else "chiều thống kê"
            self.add(f"{where}: không có {noun} “{dim}” cho biểu loại {FormKind(self.kind).label.lower()}; "
                     f"dùng một trong: {known}.")
            return False
        return True

    def values_ok(self, dim: str, spec, where: str) -> None:
        values = _values_list(spec)
        if values is None:
            self.add(f"{where}: giá trị của “{dim}” phải là một mã, một danh sách mã hoặc {{\"not\": …}}.")
            return
        unknown = [v for v in values if v not in self.codes(dim)]
        for v in unknown:
            if dim == "movement":
                known = ", ".join(sorted(self.codes(dim)))
                self.add(f"{where}: không có biến động “{v}”; dùng một trong: {known}.")
            else:
                self.add(f"{where}: “{v}” không phải giá trị của {dimension_label(self.kind, dim).lower()} "
                         f"({dim}); các giá trị: {', '.join(sorted(self.codes(dim)))}.")

    def filter_ok(self, flt, where: str) -> None:
        if flt is None:
            return
        if not isinstance(flt, dict):
            self.add(f"{where}: \"filter\" phải là một đối tượng {{chiều: giá trị}}.")
            return
        for dim, spec in flt.items():
            if not self.dim_ok(dim, where):
                continue
            if isinstance(spec, dict):
                if set(spec) != {"not"}:
                    self.add(f"{where}: điều kiện của “{dim}” chỉ nhận {{\"not\": …}}.")
                    continue
                spec = spec["not"]
            self.values_ok(dim, spec, where)

    def items(self, items, axis: str, keys: list[str], totals: list[tuple[str, str, object]],
              depth: int = 0) -> int:
        """Check a list of rows or columns; collect keys and totals; return the number of leaves."""
        noun = "Dòng" if axis == "rows" else "Cột"
        if not isinstance(items, list):
            self.add(f"\"{axis}\" phải là một danh sách.")
            return 0
        leaves = 0
        for i, item in enumerate(items, start=1):
            where = f"{noun} {i}" if depth == 0 else f"{noun} {i} (trong nhóm)"
            if not isinstance(item, dict):
                self.add(f"{where}: phải là một đối tượng JSON.")
                continue
            if isinstance(item.get("key"), str) and item.get("key"):
                where = f"{noun} “{item['key']}”"
            allowed = {"key", "label", "filter", "total", "expand", "only", "except", "indent", "group",
                       "columns", "note"}
            extra = sorted(set(item) - allowed)
            if extra:
                self.add(f"{where}: không có thuộc tính {', '.join(extra)}.")
            if "group" in item:
                if axis == "rows":
                    self.add(f"{where}: nhóm (\"group\") chỉ dùng cho cột.")
                    continue
                if not _is_text(item["group"]):
                    self.add(f"{where}: nhóm cột phải có nhãn (\"group\").")
                if not isinstance(item.get("columns"), list) or not item.get("columns"):
                    self.add(f"{where}: nhóm cột phải có danh sách cột con (\"columns\").")
                    continue
                leaves += self.items(item["columns"], axis, keys, totals, depth + 1)
                continue
            if "indent" in item and (not isinstance(item["indent"], int) or isinstance(item["indent"], bool)
                                     or not 0 <= item["indent"] <= MAX_INDENT or axis == "columns"):
                self.add(f"{where}: \"indent\" (thụt dòng) là số nguyên từ 0 đến {MAX_INDENT}, chỉ dùng cho dòng.")
            if "expand" in item:
                leaves += self.expand(item, axis, where, keys)
                continue
            key = item.get("key")
            if not _is_text(key):
                self.add(f"{where}: thiếu mã (\"key\").")
            else:
                keys.append(key)
            label = item.get("label")
            if not _is_text(label) or len(label) > MAX_LABEL:
                self.add(f"{where}: thiếu nhãn (\"label\", tối đa {MAX_LABEL} ký tự).")
            if "total" in item:
                if "filter" in item:
                    self.add(f"{where}: dòng/cột tổng không có \"filter\".")
                total = item["total"]
                if total != "all" and _values_list(total) is None:
                    self.add(f"{where}: \"total\" là \"all\" hoặc danh sách mã các {noun.lower()} được cộng.")
                elif total != "all" and _is_text(key):
                    totals.append((key, where, total))
            else:
                self.filter_ok(item.get("filter"), where)
            leaves += 1
        return leaves

    def expand(self, item: dict, axis: str, where: str, keys: list[str]) -> int:
        dim = item["expand"]
        if dim == "child":
            if axis != "rows":
                self.add(f"{where}: đơn vị trực thuộc (\"child\") chỉ trải ra theo dòng.")
                return 0
            for name in ("only", "except"):
                if name in item:
                    self.add(f"{where}: \"{name}\" không dùng với đơn vị trực thuộc.")
            self.filter_ok(item.get("filter"), where)
            return 1
        if not self.dim_ok(dim, where):
            return 0
        for name in ("only", "except"):
            if name in item:
                self.values_ok(dim, item[name], f"{where} (\"{name}\")")
        self.filter_ok(item.get("filter"), where)
        values = [c for c, _label in dimension_values(self.kind, dim, self.on)]
        only, excluded = _values_list(item.get("only")), _values_list(item.get("except")) or []
        chosen = [c for c in values if (only is None or c in only) and c not in excluded]
        if not chosen:
            self.add(f"{where}: không còn giá trị nào của “{dim}” để trải ra.")
        keys.extend(f"{dim}:{c}" for c in chosen)
        return len(chosen)


def definition_errors(kind: str, definition, *, on: dt.date | None = None) -> list[str]:
    """Every problem of a definition, as Vietnamese messages naming it (empty when it is usable)."""
    on = on or dt.date.today()
    if kind not in FormKind.values:
        return [f"Loại biểu “{kind}” không có; chọn một trong: "
                + "; ".join(f"{v} ({label})" for v, label in FormKind.choices) + "."]
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError as exc:
            return [f"Định nghĩa không phải JSON hợp lệ: {exc.msg} (dòng {exc.lineno}, cột {exc.colno})."]
    if not isinstance(definition, dict):
        return ["Định nghĩa phải là một đối tượng JSON có \"rows\" và \"columns\"."]
    c = _Checker(kind, on)
    extra = sorted(set(definition) - {"rows", "columns", "row_header", "rows_from", "note"})
    if extra:
        c.add(f"Định nghĩa không có thuộc tính {', '.join(extra)}.")
    if "row_header" in definition and not _is_text(definition["row_header"]):
        c.add("\"row_header\" (nhãn cột đầu) phải là một chuỗi.")
    rows_from = definition.get("rows_from")
    if rows_from is not None and rows_from != CHILDREN:
        c.add(f"\"rows_from\" chỉ nhận \"{CHILDREN}\" (mỗi đơn vị trực thuộc một dòng); đã ghi “{rows_from}”.")
    for axis in ("rows", "columns"):
        if axis not in definition:
            c.add(f"Định nghĩa thiếu \"{axis}\".")
            continue
        keys: list[str] = []
        totals: list[tuple[str, str, object]] = []
        leaves = c.items(definition[axis], axis, keys, totals)
        noun = "dòng" if axis == "rows" else "cột"
        if axis == "columns" and leaves == 0 and isinstance(definition[axis], list):
            c.add("Biểu phải có ít nhất một cột.")
        if axis == "rows" and leaves == 0 and rows_from is None and isinstance(definition[axis], list):
            c.add("Biểu phải có ít nhất một dòng (hoặc \"rows_from\": \"children\").")
        if leaves > MAX_ITEMS:
            c.add(f"Biểu có {leaves} {noun}; tối đa {MAX_ITEMS}.")
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                c.add(f"Mã {noun} “{key}” bị trùng: mỗi {noun} một mã riêng.")
            seen.add(key)
        total_keys = {key for key, _w, _t in totals}
        for key, where, names in totals:
            for name in _values_list(names) or []:
                if name not in seen:
                    c.add(f"{where}: {noun} tổng cộng “{name}”, không có {noun} nào mang mã này.")
                elif name == key:
                    c.add(f"{where}: {noun} tổng không được cộng chính nó.")
        # a total of totals must not loop back on itself
        graph = {key: [n for n in (_values_list(t) or []) if n in total_keys] for key, _w, t in totals}
        for start in graph:
            stack, visited = list(graph[start]), set()
            while stack:
                node = stack.pop()
                if node == start:
                    c.add(f"Các {noun} tổng cộng vòng tròn qua “{start}”.")
                    break
                if node not in visited:
                    visited.add(node)
                    stack.extend(graph.get(node, []))
    return c.errors


# -- definition: layout ---------------------------------------------------------------------------------
Condition = tuple[str, bool, frozenset]  # (dimension, negated, values)


def _conditions(flt: dict | None) -> tuple[Condition, ...]:
    out = []
    for dim, spec in (flt or {}).items():
        negated = isinstance(spec, dict)
        values = _values_list(spec["not"] if negated else spec) or []
        out.append((dim, negated, frozenset(values)))
    return tuple(out)


def _matches(conditions: tuple[Condition, ...], value_of) -> bool:
    return all((value_of(dim) in values) != negated for dim, negated, values in conditions)


@dataclass
class Item:
    """One leaf row or column of the rendered form."""

    key: str
    label: str
    conditions: tuple[Condition, ...] = ()
    total: object = None  # None, "all" or a list of keys
    indent: int = 0
    role: str = "plain"  # plain | total | child | direct
    child: str | None = None  # the child org id of a "child"/"direct" row ("" for direct)

    @property
    def is_total(self) -> bool:
        return self.total is not None


@dataclass
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1
    key: str = ""  # a leaf column's key ("" for groups and the row-header cell)


@dataclass
class BodyRow:
    key: str
    label: str
    indent: int
    is_total: bool
    values: list[int]
    role: str = "plain"


@dataclass
class RenderedForm:
    code: str
    title: str
    family: str
    kind: str
    description: str
    org_id: int
    org_name: str
    on: dt.date | None
    start: dt.date | None
    end: dt.date | None
    previous_start: dt.date | None
    previous_end: dt.date | None
    header_rows: list[list[HeaderCell]]
    columns: list[Item]
    rows: list[BodyRow]
    notes: list[str] = field(default_factory=list)

    @property
    def period_text(self) -> str:
        if self.on is not None:
            return f"Tính đến ngày {fmt_date(self.on)}"
        return (f"Từ ngày {fmt_date(self.start)} đến ngày {fmt_date(self.end)} "
                f"(cùng kỳ năm trước: {fmt_date(self.previous_start)} – {fmt_date(self.previous_end)})")

    @property
    def body(self) -> list[tuple[BodyRow, list[tuple[int, bool]]]]:
        """Each row with its cells as (value, bold): a total row or a total column is bold."""
        return [(row, [(v, row.is_total or c.is_total) for v, c in zip(row.values, self.columns, strict=True)])
                for row in self.rows]

    @property
    def width(self) -> int:
        return 1 + len(self.columns)

    def as_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "family": self.family, "kind": self.kind,
                "org_id": self.org_id, "org_name": self.org_name, "on": self.on, "start": self.start,
                "end": self.end, "previous_start": self.previous_start, "previous_end": self.previous_end,
                "period_text": self.period_text,
                "header_rows": [[{"label": h.label, "colspan": h.colspan, "rowspan": h.rowspan, "key": h.key}
                                 for h in row] for row in self.header_rows],
                "columns": [{"key": c.key, "label": c.label, "is_total": c.is_total} for c in self.columns],
                "rows": [{"key": r.key, "label": r.label, "indent": r.indent, "is_total": r.is_total,
                          "values": r.values} for r in self.rows],
                "notes": self.notes}


def _expand(kind: str, item: dict, on: dt.date, root: Org | None, indent: int, axis: str) -> list[Item]:
    dim = item["expand"]
    base = _conditions(item.get("filter"))
    if dim == "child":
        return [Item(key=f"child:{code}", label=label, conditions=base, indent=indent, role="child", child=code)
                for code, label in stats.dimension("child", on, root=root).values]
    only, excluded = _values_list(item.get("only")), _values_list(item.get("except")) or []
    return [Item(key=f"{dim}:{code}", label=label, conditions=(*base, (dim, False, frozenset([code]))), indent=indent)
            for code, label in dimension_values(kind, dim, on, root)
            if (only is None or code in only) and code not in excluded]


def _leaf(item: dict, indent: int) -> Item:
    total = item.get("total")
    return Item(key=item["key"], label=item["label"], conditions=() if total else _conditions(item.get("filter")),
                total=total, indent=indent, role="total" if total else "plain")


def _columns(kind: str, items: list, on: dt.date, root: Org) -> tuple[list, list[Item]]:
    """(tree of (label, children | Item), leaves) of the column items."""
    tree: list = []
    leaves: list[Item] = []
    for item in items:
        if "group" in item:
            sub_tree, sub_leaves = _columns(kind, item["columns"], on, root)
            if sub_leaves:
                tree.append((item["group"], sub_tree))
                leaves += sub_leaves
        elif "expand" in item:
            for leaf in _expand(kind, item, on, root, 0, "columns"):
                tree.append(leaf)
                leaves.append(leaf)
        else:
            leaf = _leaf(item, 0)
            tree.append(leaf)
            leaves.append(leaf)
    return tree, leaves


def _depth(tree: list) -> int:
    return max((1 + _depth(node[1]) if isinstance(node, tuple) else 1 for node in tree), default=0)


def _leaf_count(node) -> int:
    return sum(_leaf_count(n) for n in node[1]) if isinstance(node, tuple) else 1


def header_rows(row_header: str, tree: list) -> list[list[HeaderCell]]:
    """Header rows with merged spans: a group spans its leaves; a leaf spans down to the last header row."""
    depth = max(_depth(tree), 1)
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    rows[0].append(HeaderCell(row_header, 1, depth))

    def walk(nodes, level):
        for node in nodes:
            if isinstance(node, tuple):
                rows[level].append(HeaderCell(node[0], _leaf_count(node), 1))
                walk(node[1], level + 1)
            else:
                rows[level].append(HeaderCell(node.label, 1, depth - level, node.key))

    walk(tree, 0)
    return rows


def _rows(kind: str, definition: dict, on: dt.date, root: Org) -> list[Item]:
    rows: list[Item] = []
    for item in definition.get("rows", []):
        indent = item.get("indent", 0)
        if "expand" in item:
            rows += _expand(kind, item, on, root, indent, "rows")
        else:
            rows.append(_leaf(item, indent))
    if definition.get("rows_from") == CHILDREN:
        rows += _expand(kind, {"expand": "child"}, on, root, 0, "rows")
    if any(r.role == "child" for r in rows) and kind != FormKind.MOVEMENTS:
        rows.append(Item(key="child:", label=f"Sinh hoạt trực tiếp tại {root.name}", role="direct", child=""))
    return rows


# -- computing the cells -------------------------------------------------------------------------------
def _sum_totals(items: list[Item], base: dict[tuple[int, int], int], others: list[int]) -> dict[tuple[int, int], int]:
    """Resolve the items (rows or columns) that add named items, recursively: ``base`` holds (item, other)
    → value for every non-sum item and every index in ``others``; returns the completed grid."""
    grid = dict(base)
    index = {item.key: i for i, item in enumerate(items)}

    def value(i: int, j: int, seen: tuple[int, ...] = ()) -> int:
        if (i, j) in grid:
            return grid[(i, j)]
        names = items[i].total if isinstance(items[i].total, list) else []
        out = sum(value(index[n], j, (*seen, i)) for n in names if n in index and index[n] not in (*seen, i))
        grid[(i, j)] = out
        return out

    for i, item in enumerate(items):
        if _is_sum(item):
            for j in others:
                value(i, j)
    return grid


def _is_sum(item: Item) -> bool:
    return isinstance(item.total, list)


def _member_cells(actor, org: Org, on: dt.date, rows: list[Item], cols: list[Item],
                  cube_of=None) -> dict[tuple[int, int], int]:
    """Cells of a members form; ``cube_of(dims)`` gives a cube (default: the engine's, for ``actor``;
    the benchmarks pass a raw-SQL one to time the floor of the same answer)."""
    needs: dict[tuple[int, int], tuple[str, ...]] = {}
    for i, r in enumerate(rows):
        if _is_sum(r):
            continue
        for j, c in enumerate(cols):
            if _is_sum(c):
                continue
            dims = {d for d, _n, _v in (*r.conditions, *c.conditions)}
            if r.child is not None:
                dims.add("child")
            needs[(i, j)] = tuple(sorted(dims))
    wanted = set(needs.values())
    maximal = [s for s in wanted if not any(set(s) < set(t) for t in wanted)]
    if cube_of is None:  # the engine: each cuboid of the tallies read once for all the sets it answers
        cubes = stats.member_cubes(actor=actor, org=org, on=on, dims_sets=sorted(maximal))
    else:
        cubes = {dims: cube_of(dims) for dims in sorted(maximal)}
    source = {s: next(t for t in sorted(maximal) if set(s) <= set(t)) for s in wanted}
    # A row of one subordinate org reads only that org's part of the cube: the cube's keys grouped by their child
    # once, rather than every key tested for every cell (a province's form by subordinate orgs: ~130 rows × the
    # columns × the whole cube, half a million tests, most of the page's time).
    by_child: dict[tuple[str, ...], dict[str, list]] = {}
    base: dict[tuple[int, int], int] = {}
    for (i, j), dims in needs.items():
        cube_dims = source[dims]
        cube = cubes[cube_dims]
        conditions = (*rows[i].conditions, *cols[j].conditions)
        pos = {d: k for k, d in enumerate(cube_dims)}
        items = cube.items()
        if rows[i].child is not None:
            conditions = (*conditions, ("child", False, frozenset([rows[i].child])))
            if cube_dims not in by_child:
                groups: dict[str, list] = {}
                for key, n in cube.items():
                    groups.setdefault(key[pos["child"]], []).append((key, n))
                by_child[cube_dims] = groups
            items = by_child[cube_dims].get(rows[i].child, ())
        base[(i, j)] = sum(n for key, n in items
                           if _matches(conditions, lambda d, key=key, pos=pos: key[pos[d]]))
    return base


def _counter_cells(rows: list[Item], cols: list[Item], counters: dict[str | None, Counter],
                   dim_of_key: str) -> dict[tuple[int, int], int]:
    """Cells of organization and movement forms: ``counters[child or None][(value, period)]``."""
    base: dict[tuple[int, int], int] = {}
    for i, r in enumerate(rows):
        if _is_sum(r):
            continue
        counter = counters.get(r.child) if r.child is not None else counters[None]
        for j, c in enumerate(cols):
            if _is_sum(c):
                continue
            conditions = (*r.conditions, *c.conditions)
            if dim_of_key == "movement" and not any(d == "period" for d, _n, _v in conditions):
                conditions = (*conditions, ("period", False, frozenset(["current"])))
            base[(i, j)] = 0 if counter is None else sum(
                n for key, n in counter.items()
                if _matches(conditions, lambda d, key=key: key[0] if d == dim_of_key else key[1]))
    return base


def _org_counters(actor, org: Org, on: dt.date, rows: list[Item]) -> dict:
    def as_keys(counter: Counter) -> Counter:
        return Counter({(kind, ""): n for kind, n in counter.items()})

    counters: dict = {None: as_keys(stats.org_counts(actor=actor, org=org, on=on))}
    child_ids = [int(r.child) for r in rows if r.child]
    children = {str(o.pk): o for o in Org.objects.filter(pk__in=child_ids)}
    for key, child in children.items():
        counters[key] = as_keys(stats.org_counts(actor=actor, org=child, on=on))
    if any(r.role == "direct" for r in rows):
        direct = Counter(counters[None])
        for key in children:
            direct.subtract(counters[key])
        counters[""] = +direct
    return counters


def _counts_any(rows: list[Item], cols: list[Item], keys) -> bool:
    """Whether some cell of the form may count one of the movement ``keys`` (a cell counts a movement that
    every movement condition of its row and column lets through)."""
    for r in rows:
        for c in cols:
            if _is_sum(r) or _is_sum(c):
                continue
            conditions = [(negated, values) for d, negated, values in (*r.conditions, *c.conditions) if d == "movement"]
            if any(all((k in values) != negated for negated, values in conditions) for k in keys):
                return True
    return False


def _movement_counters(actor, org: Org, start, end, pstart, pend, rows: list[Item], cadres: bool = False) -> dict:
    """Movements of each period; with ``cadres``, the cadre register's decisions too (only read for a form whose
    cells may count them)."""
    def both(o: Org) -> Counter:
        out: Counter = Counter()
        for period, (a, b) in (("current", (start, end)), ("previous", (pstart, pend))):
            for key, n in stats.movements(actor=actor, org=o, start=a, end=b).items():
                out[(key, period)] += n
            if cadres:
                for key, n in stats.cadre_moves(actor=actor, org=o, start=a, end=b).items():
                    out[(key, period)] += n
        return out

    child_ids = [int(r.child) for r in rows if r.child]
    children = list(Org.objects.filter(pk__in=child_ids))
    # one pass per period for the org and every child row (``stats.movements`` answers from it, scope checked)
    with stats.movements_batch(orgs=[org, *children], periods=[(start, end), (pstart, pend)]):
        counters: dict = {None: both(org)}
        for child in children:
            counters[str(child.pk)] = both(child)
    return counters


def _form_definition(form: ReportForm | dict) -> tuple[str, dict, dict]:
    if isinstance(form, ReportForm):
        meta = {"code": form.code, "title": form.title, "family": form.family, "description": form.description}
        return form.kind, form.definition, meta
    return form["kind"], form["definition"], {k: form.get(k, "") for k in ("code", "title", "family", "description")}


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The same period of the previous year (29/02 → 28/02)."""
    return add_months(start, -12), add_months(end, -12)


def render_params_errors(*, kind: str, on: dt.date | None, start: dt.date | None, end: dt.date | None,
                         today: dt.date) -> dict[str, list[str]]:
    """Problems of the day or period asked for a form of ``kind`` (Vietnamese, by parameter)."""
    errors: dict[str, list[str]] = {}
    if kind == FormKind.MOVEMENTS:
        if start is None:
            errors["start"] = ["Biểu biến động cần ngày bắt đầu kỳ báo cáo (từ ngày)."]
        if end is None:
            errors["end"] = ["Biểu biến động cần ngày kết thúc kỳ báo cáo (đến ngày)."]
        if start and end and start > end:
            errors["start"] = [f"Từ ngày {fmt_date(start)} sau đến ngày {fmt_date(end)}: kỳ báo cáo không hợp lệ."]
        if end and end > today:
            errors["end"] = [f"Đến ngày {fmt_date(end)} chưa tới (hôm nay {fmt_date(today)}): "
                             "không có số liệu của ngày tương lai."]
        if start and start < FIRST_DAY:
            errors.setdefault("start", []).append(f"Từ ngày phải từ {fmt_date(FIRST_DAY)} trở đi.")
        return errors
    if on is None:
        errors["on"] = ["Chưa chọn ngày tính số liệu."]
    elif on > today:
        errors["on"] = [f"Ngày {fmt_date(on)} chưa tới (hôm nay {fmt_date(today)}): "
                        "không có số liệu của ngày tương lai."]
    elif on < FIRST_DAY:
        errors["on"] = [f"Ngày tính số liệu phải từ {fmt_date(FIRST_DAY)} trở đi."]
    return errors


def render_form(*, actor, form: ReportForm | dict, org: Org, on: dt.date | None = None,
                start: dt.date | None = None, end: dt.date | None = None,
                today: dt.date | None = None, _cube_of=None) -> RenderedForm:
    """The form filled for ``org``'s subtree on ``on`` (members, organizations) or over ``start``…``end``
    with the same period of the previous year (movements). ``form`` is a ReportForm or, for a preview,
    a dict with kind, definition, code, title. Out of scope → NotFound; a bad day or period or an
    unusable definition → ValidationFailed (Vietnamese messages)."""
    require_read(actor, org.path)
    kind, definition, meta = _form_definition(form)
    today = today or dt.date.today()
    errors = render_params_errors(kind=kind, on=on, start=start, end=end, today=today)
    if errors:
        raise ValidationFailed(errors)
    day = end if kind == FormKind.MOVEMENTS else on
    problems = definition_errors(kind, definition, on=day)
    if problems:
        raise ValidationFailed({"definition": problems}, "Định nghĩa biểu chưa hợp lệ.")
    if isinstance(definition, str):
        definition = json.loads(definition)
    notes: list[str] = []
    version = org_version_on(org=org, day=day)
    if version is None:
        notes.append(f"{org.name} chưa thành lập hoặc đã giải thể tại ngày {fmt_date(day)}: không có số liệu.")
    org_name = version.name if version is not None else org.name
    tree, cols = _columns(kind, definition["columns"], day, org)
    rows = _rows(kind, definition, day, org)
    pstart = pend = None
    if kind == FormKind.MEMBERS:
        base = _member_cells(actor, org, day, rows, cols, _cube_of)
    elif kind == FormKind.ORGANIZATIONS:
        base = _counter_cells(rows, cols, _org_counters(actor, org, day, rows), "kind")
    else:
        pstart, pend = previous_period(start, end)
        cadres = _counts_any(rows, cols, stats.CADRE_MOVES)
        base = _counter_cells(rows, cols, _movement_counters(actor, org, start, end, pstart, pend, rows, cadres),
                              "movement")
    # sum columns first (for every non-sum row), then sum rows (for every column)
    by_col = _sum_totals(cols, {(j, i): v for (i, j), v in base.items()},
                         [i for i, r in enumerate(rows) if not _is_sum(r)])
    base = {(i, j): v for (j, i), v in by_col.items()}
    grid = _sum_totals(rows, base, list(range(len(cols))))
    body = [BodyRow(key=r.key, label=r.label, indent=r.indent, is_total=r.is_total, role=r.role,
                    values=[int(grid.get((i, j), 0)) for j in range(len(cols))])
            for i, r in enumerate(rows)]
    body = [b for b in body if b.role != "direct" or any(b.values)]
    return RenderedForm(
        code=meta["code"], title=meta["title"], family=meta["family"], kind=kind, description=meta["description"],
        org_id=org.pk, org_name=org_name, on=on if kind != FormKind.MOVEMENTS else None,
        start=start if kind == FormKind.MOVEMENTS else None, end=end if kind == FormKind.MOVEMENTS else None,
        previous_start=pstart, previous_end=pend,
        header_rows=header_rows(definition.get("row_header") or "Chỉ tiêu", tree), columns=cols, rows=body,
        notes=notes)


# -- reading the forms --------------------------------------------------------------------------------
def report_forms_list(*, include_inactive: bool = False):
    qs = ReportForm.objects.all()
    return qs if include_inactive else qs.filter(active=True)


def report_form_get(*, code: str, include_inactive: bool = False) -> ReportForm:
    form = report_forms_list(include_inactive=include_inactive).filter(code=code).first()
    if form is None:
        raise NotFound(f"Không có biểu thống kê mã “{code}”.")
    return form

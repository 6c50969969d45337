"""The lists that can be exported, each read through its own context's scoped selector with the filters of its
page (the same form parses them): the members list and the cadre register. A source gives the columns (Vietnamese
headers, widths), the scoped and filtered rows as a ``values_list`` (read with ``.iterator()``: never all at once)
and a readable description of the filters for the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from tcxd.common.errors import ValidationFailed
from tcxd.common.export import Column
from tcxd.common.fmt import fmt_date
from tcxd.orgs.models import Org

CHUNK = 2_000  # rows fetched from the database at a time


@dataclass(frozen=True)
class Prepared:
    queryset: QuerySet  # scoped, filtered, ordered, a values_list of the raw fields of the columns
    convert: Callable[[tuple], tuple]  # raw fields → the cells of one row
    filters_label: str  # "Trạng thái: Chính thức; Giới tính: Nữ" ("" for none)
    scope_org: Org | None  # the org the export is about (the org filter, else the actor's org)

    def rows(self, limit: int | None = None) -> Iterator[tuple]:
        qs = self.queryset if limit is None else self.queryset[:limit]
        convert = self.convert
        for raw in qs.iterator(chunk_size=CHUNK):
            yield convert(raw)


@dataclass(frozen=True)
class Source:
    slug: str
    title: str  # "Danh sách đảng viên"
    filename: str  # without the extension
    sheet: str
    columns: tuple[Column, ...]
    personal: bool  # holds personal data (every export is audited anyway)
    list_url: str  # the list page (URL name), for the way back
    prepare: Callable[[object, dict], Prepared]  # (actor, params) → Prepared; ValidationFailed on bad filters


def _form_errors(form) -> ValidationFailed:
    return ValidationFailed({name: [str(e) for e in errors] for name, errors in form.errors.items()},
                            "Bộ lọc chưa hợp lệ.")


def _describe(form, skip: tuple[str, ...] = ()) -> list[str]:
    """'Label: value' for every filter of a valid form that was given."""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in skip or value in (None, "", False):
            continue
        if value is True:
            shown = "có"
        elif isinstance(value, dt.date):
            shown = fmt_date(value)
        elif isinstance(value, Org):
            shown = value.name
        elif getattr(field, "choices", None):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = str(value)
        parts.append(f"{field.label}: {shown}")
    return parts


def _labels(model, field: str) -> dict:
    return {k: str(v) for k, v in model._meta.get_field(field).choices}


# -- members ------------------------------------------------------------------------------------------------------
MEMBER_COLUMNS = (
    Column("Họ và tên", 26), Column("Giới tính", 9), Column("Ngày sinh", 12), Column("Trạng thái", 14),
    Column("Nơi sinh hoạt", 36), Column("Ngày kết nạp", 13), Column("Ngày chính thức", 15), Column("Dân tộc", 10),
    Column("Tôn giáo", 12), Column("Lý luận chính trị", 16), Column("Số CCCD", 15), Column("Số thẻ đảng viên", 16),
    Column("Số lý lịch", 12),
)
MEMBER_FIELDS = ("full_name", "sex", "birth_date", "status", "org__name", "admitted_on", "official_on", "ethnicity",
                 "religion", "political_theory", "cccd", "card_no", "profile_no")


def mask_cccd(cccd: str) -> str:
    """As ``Member.cccd_masked``: the last four digits only."""
    return f"{'•' * 8}{cccd[-4:]}" if cccd else ""


def _members(actor, params: dict) -> Prepared:
    from tcxd.members import selectors as MS
    from tcxd.members.forms import SearchForm
    from tcxd.members.models import Member
    from tcxd.orgs.selectors import org_get

    form = SearchForm(params)
    if not form.is_valid():
        raise _form_errors(form)
    cd = form.cleaned_data
    filters = MS.MemberFilters(**{k: cd[k] for k in MS.MemberFilters.__dataclass_fields__ if k in cd})
    parts = _describe(form)
    scope_org = getattr(actor, "org", None)
    org_id = str(params.get("to_chuc") or "")
    if org_id.isdigit():
        scope_org = org_get(actor=actor, pk=int(org_id))  # out of scope: 404
        filters.org_id = scope_org.pk
        parts.insert(0, f"Tổ chức: {scope_org.name}")
    qs = MS.member_search(actor=actor, filters=filters).values_list(*MEMBER_FIELDS)
    sex, status, ethnicity, religion, theory = (_labels(Member, f) for f in
                                                ("sex", "status", "ethnicity", "religion", "political_theory"))
    full_cccd = MS.can_see_sensitive(actor)

    def convert(r: tuple) -> tuple:
        return (r[0], sex.get(r[1], r[1]), r[2], status.get(r[3], r[3]), r[4], r[5], r[6],
                ethnicity.get(r[7], r[7]), religion.get(r[8], r[8]), theory.get(r[9], r[9]),
                r[10] if full_cccd else mask_cccd(r[10]), r[11] or None, r[12] or None)

    return Prepared(qs, convert, "; ".join(parts), scope_org)


# -- the cadre register -------------------------------------------------------------------------------------------
CADRE_COLUMNS = (
    Column("Ngày hiệu lực", 13), Column("Loại quyết định", 18), Column("Họ và tên", 26), Column("Ngày sinh", 12),
    Column("Chức vụ trước", 24), Column("Đơn vị trước", 24), Column("Chức vụ mới", 24), Column("Đơn vị mới", 24),
    Column("Chức vụ cao hơn", 10), Column("Số quyết định", 14), Column("Ngày quyết định", 15),
    Column("Cơ quan quyết định", 24), Column("Cấp ủy quản lý", 30), Column("Hết thời hạn giữ chức vụ", 16),
    Column("Đã hủy", 9), Column("Lý do hủy", 24),
)
CADRE_FIELDS = ("effective_on", "kind", "member__full_name", "member__birth_date", "from_position", "from_unit",
                "to_position", "to_unit", "higher_post", "decision_no", "decision_date", "decision_issuer",
                "managing_org__name", "term_end", "voided_at", "void_reason")


def _cadres(actor, params: dict) -> Prepared:
    from tcxd.cadres import selectors as CS
    from tcxd.cadres.forms import FilterForm
    from tcxd.cadres.models import CadreMove

    form = FilterForm(params, actor=actor)
    if not form.is_valid():
        raise _form_errors(form)
    cd = form.cleaned_data
    org = cd["cap_uy"]
    filters = CS.CadreMoveFilters(kind=cd["loai"], start=cd["tu"], end=cd["den"], q=cd["q"],
                                  org_id=org.pk if org else None, include_voided=cd["da_huy"])
    qs = CS.cadre_move_list(actor=actor, filters=filters).values_list(*CADRE_FIELDS)
    kinds = _labels(CadreMove, "kind")

    def convert(r: tuple) -> tuple:
        return (r[0], kinds.get(r[1], r[1]), r[2], r[3], r[4], r[5], r[6], r[7], "Có" if r[8] else None, r[9],
                r[10], r[11], r[12], r[13], "Đã hủy" if r[14] else None, r[15] or None)

    return Prepared(qs, convert, "; ".join(_describe(form)), org or getattr(actor, "org", None))


# -- the members in the layout of CSDL đảng viên 3.0 (tcxd.imports.csdl3): data flows both ways ---------------------
def _csdl3_columns() -> tuple[Column, ...]:
    from tcxd.imports.csdl3 import HEADERS

    return tuple(Column(h, 24 if h in ("Họ và tên", "Quê quán", "Nơi thường trú", "Nơi ở hiện nay") else 14)
                 for h in HEADERS)


def _members_csdl3(actor, params: dict) -> Prepared:
    """The member list's rows (same filters and scope) in the CSDL 3.0 column layout; choices as their labels,
    the unit as its code, the CCCD in full only for roles that may see it (else masked: not matchable)."""
    from tcxd.imports.csdl3 import CHOICE_FIELDS, DB_FIELDS, FIELDS
    from tcxd.members import selectors as MS
    from tcxd.members.models import Member

    base = _members(actor, params)
    qs = base.queryset.values_list(*DB_FIELDS)
    labels = [_labels(Member, f) if f in CHOICE_FIELDS else None for f in FIELDS]
    cccd_at = FIELDS.index("cccd")
    full_cccd = MS.can_see_sensitive(actor)

    def convert(r: tuple) -> tuple:
        row = [(labels[i].get(v, v) if labels[i] is not None else v) if v not in ("", None) else None
               for i, v in enumerate(r)]
        if not full_cccd and row[cccd_at]:
            row[cccd_at] = mask_cccd(row[cccd_at])
        return tuple(row)

    return Prepared(qs, convert, base.filters_label, base.scope_org)


SOURCES: dict[str, Source] = {s.slug: s for s in (
    Source("dang-vien", "Danh sách đảng viên", "danh-sach-dang-vien", "Danh sách", MEMBER_COLUMNS, True,
           "members:list", _members),
    Source("dang-vien-csdl3", "Danh sách đảng viên theo bố cục CSDL đảng viên 3.0", "dang-vien-csdl3", "Đảng viên",
           _csdl3_columns(), True, "members:list", _members_csdl3),
    Source("can-bo", "Sổ quyết định công tác cán bộ", "cong-tac-can-bo", "Công tác cán bộ", CADRE_COLUMNS, True,
           "cadres:list", _cadres),
)}

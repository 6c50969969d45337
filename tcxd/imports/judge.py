"""The verdict on every row of an import, with the members context's own rules (no second set of rules):

* each cell is cleaned by ``fields.clean`` (documented conversions reported on the row);
* a new dossier is judged by ``members.services.dossier_problems`` and its party record (admission,
  ceremony, recognition, card) by the lifecycle engine through ``members.bulk.check_record``, as
  historical facts copied from the paper dossier;
* a correction of an existing dossier is judged by the same ``dossier_problems`` on the merged values;
* the database is read in batches (CCCDs, profile and card numbers, units), never row by row.

Verdicts: new, update (field-by-field differences), unchanged, duplicate within the file, conflict with an
existing record, out of the user's scope, invalid (with every reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tcxd.authz.scope import scope_for
from tcxd.common.fmt import fmt_date
from tcxd.common.paths import path_range
from tcxd.common.text import fold
from tcxd.members import bulk
from tcxd.members import lifecycle as L
from tcxd.members.bulk import EventSpec, MemberRecord
from tcxd.members.models import Member
from tcxd.members.services import DOSSIER_FIELDS, dossier_problems
from tcxd.orgs.kinds import CELL_KINDS, OrgStatus
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months

from . import fields as F
from .models import Kind, Verdict
from .reading import Table

CHUNK = 2000  # values per database lookup
JUDGE_CHUNK = 5000  # rows judged (and held) at a time
HISTORICAL = {"historical": True, "source": "import"}


@dataclass
class RowResult:
    row_no: int
    verdict: str = Verdict.NEW
    raw: list[str] = field(default_factory=list)  # the cells' text as in the file, in the order of the headers
    values: dict[str, object] = field(default_factory=dict)  # field key → clean value
    diff: list[list[str]] = field(default_factory=list)  # [field, label, before, after]
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    member_id: int | None = None
    org: Org | None = None
    checked: tuple | None = None  # (record, state, history) of a new dossier
    changes: dict[str, object] = field(default_factory=dict)  # an update's dossier fields


# ---- units ------------------------------------------------------------------------------------------

@dataclass
class OrgMatch:
    org: Org | None = None
    error: str = ""
    out_of_scope: bool = False


def resolve_orgs(*, actor, root: Org, texts: Iterable[str]) -> dict[str, OrgMatch]:
    """Each unit as written (a code, or a name within the chosen unit's subtree) → the cell it names."""
    texts = {t for t in texts if t}
    scope = scope_for(actor)
    low, high = path_range(root.path)
    out: dict[str, OrgMatch] = {}
    by_code = {o.code.upper(): o for o in Org.objects.filter(code__in={t.upper() for t in texts} | texts)}
    by_name: dict[str, list[Org]] = {}
    names = {fold(t) for t in texts}
    for org in Org.objects.filter(name_norm__in=names, path__gte=low, path__lt=high, kind__in=CELL_KINDS,
                                  status=OrgStatus.ACTIVE).order_by("path"):
        by_name.setdefault(org.name_norm, []).append(org)
    missing = names - set(by_name)
    elsewhere: dict[str, Org] = {}
    if missing:  # named cells outside the chosen unit: out of scope rather than unknown
        for org in Org.objects.filter(name_norm__in=missing, kind__in=CELL_KINDS).order_by("path")[:5000]:
            elsewhere.setdefault(org.name_norm, org)
    for text in texts:
        org = by_code.get(text.upper())
        if org is None and fold(text) not in by_name and fold(text) in elsewhere:
            org = elsewhere[fold(text)]
        if org is None:
            found = by_name.get(fold(text), [])
            if len(found) > 1:
                out[text] = OrgMatch(error=f"Có {len(found)} chi bộ cùng tên «{text}» trong {root.name}: ghi mã "
                                           f"tổ chức ({', '.join(o.code for o in found[:5])}) thay cho tên.")
                continue
            if not found:
                out[text] = OrgMatch(error=f"Không tìm thấy chi bộ «{text}» trong {root.name} (ghi đúng tên "
                                           "hoặc mã tổ chức).")
                continue
            org = found[0]
        if not (org.path.startswith(root.path) and scope.can_write and scope.contains(org.path)):
            out[text] = OrgMatch(org=org, out_of_scope=True,
                                 error=f"«{org.name}» không thuộc {root.name} hoặc ngoài phạm vi bạn được cập nhật.")
        elif org.kind not in CELL_KINDS:
            out[text] = OrgMatch(error=f"«{org.name}» không phải chi bộ: đảng viên sinh hoạt ở chi bộ (chi bộ trực "
                                       "thuộc hoặc chi bộ cơ sở).")
        elif org.status != OrgStatus.ACTIVE:
            out[text] = OrgMatch(error=f"«{org.name}» đã giải thể hoặc chấm dứt hoạt động.")
        else:
            out[text] = OrgMatch(org=org)
    return out


# ---- display ----------------------------------------------------------------------------------------

def shown(key: str, value) -> str:
    """A value as the preview shows it (labels for codes, dd/mm/yyyy for dates)."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return fmt_date(value)
    f = F.BY_KEY.get(key)
    if f is not None and f.kind == F.CHOICE:
        labels = {code: label for code, label in Member._meta.get_field(key).choices}
        return str(labels.get(value, value))
    if isinstance(value, Org):
        return value.name
    return str(value)


# ---- the rows ---------------------------------------------------------------------------------------

def clean_rows(table: Table, mapping: dict[int, str], kind: str = "", *, start: int = 0,
               stop: int | None = None) -> list[RowResult]:
    """The table's rows (``start``:``stop``, default all) with their mapped cells cleaned (a cell that cannot be
    read: a reason)."""
    results = []
    headers = table.headers
    fields = F.by_key(kind)
    for row_no, cells in table.rows[start:stop]:
        result = RowResult(row_no=row_no, raw=[F.text_of(v) for v in cells])
        for col, key in mapping.items():
            f = fields[key]
            try:
                value, notes = F.clean(f, cells[col])
            except F.CellError as exc:
                result.reasons.append(f"Cột «{headers[col]}»: {exc.message}")
                continue
            result.notes.extend(notes)
            if value is not None:
                result.values[key] = value
        results.append(result)
    return results


def _events(values: dict, org: Org, probation_months: Callable[[dt.date], int]) -> tuple[list[EventSpec], str]:
    """The party record of a new dossier as historical events, or a Vietnamese error."""
    admitted = values["admitted_on"]
    official = values.get("official_on")
    card = values.get("card_no")
    events = [EventSpec(M.EventKind.ADMISSION_DECISION, admitted, org.pk, decision_date=admitted,
                        data=dict(HISTORICAL))]
    if official:
        ceremony = add_months(official, -probation_months(official))
        if ceremony < admitted:
            return [], (f"Ngày chính thức {fmt_date(official)} phải sau ngày vào Đảng {fmt_date(admitted)} ít nhất "
                        f"{probation_months(official)} tháng dự bị (Điều lệ Đảng, Điều 5).")
        events += [EventSpec(M.EventKind.CEREMONY, ceremony, org.pk, data=dict(HISTORICAL)),
                   EventSpec(M.EventKind.RECOGNITION, official, org.pk, decision_date=official, data=dict(HISTORICAL))]
    else:
        events.append(EventSpec(M.EventKind.CEREMONY, admitted, org.pk, data=dict(HISTORICAL)))
    if card:
        if not official:
            return [], "Có số thẻ đảng viên nhưng chưa có ngày chính thức: thẻ chỉ phát cho đảng viên chính thức."
        events.append(EventSpec(M.EventKind.CARD_ISSUED, official, org.pk, data={**HISTORICAL, "card_no": card}))
    return events, ""


def _existing(key: str, wanted: set[str]) -> dict[str, Member]:
    out: dict[str, Member] = {}
    wanted_list = sorted(w for w in wanted if w)
    for start in range(0, len(wanted_list), CHUNK):
        for member in (Member.objects.select_related("org")
                       .filter(**{f"{key}__in": wanted_list[start:start + CHUNK]})):
            out.setdefault(getattr(member, key), member)
    return out


EVENT_CHECKS = (("admitted_on", "Ngày vào Đảng"), ("official_on", "Ngày chính thức"), ("card_no", "Số thẻ đảng viên"))


class Judge:
    """Judges a file's rows chunk by chunk, keeping what spans chunks: the keys seen (duplicates within the
    file), the units already resolved, the probation length by date. Only one chunk's rows are held at a time."""

    def __init__(self, *, actor, root: Org, kind: str = Kind.MEMBERS, today: dt.date):
        self.actor, self.root, self.today = actor, root, today
        self.cascade = kind == Kind.CSDL3
        self.scope = scope_for(actor)
        self.orgs: dict[str, OrgMatch] = {}
        self.seen: dict[tuple[str, str], int] = {}
        self.lookup, self.calendar = L.lookup, L.calendar()
        self._probation: dict[dt.date, int] = {}

    def probation_months(self, day: dt.date) -> int:
        months = self._probation.get(day)
        if months is None:
            try:
                months = int(self.lookup("probation.months", day))
            except LookupError:  # before the rules the registry holds: 12 months (Điều lệ Đảng, Điều 5)
                months = 12
            self._probation[day] = months
        return months

    def chunk(self, rows: list[RowResult], decisions: dict[int, tuple[bool, list[str]]] | None = None
              ) -> list[RowResult]:
        """A verdict for each of ``rows`` (cleaned by ``clean_rows``), in file order after the chunks before."""
        decisions = decisions or {}
        texts = {r.values.get("org", "") for r in rows} - self.orgs.keys()
        if texts:
            self.orgs.update(resolve_orgs(actor=self.actor, root=self.root, texts=texts))
        by_cccd = _existing("cccd", {r.values.get("cccd", "") for r in rows})
        by_profile = _existing("profile_no", {r.values.get("profile_no", "") for r in rows})
        by_card = _existing("card_no", {r.values.get("card_no", "") for r in rows})
        seen = self.seen
        for row in rows:
            v = row.values
            # duplicates within the file (the first row wins)
            for key, label in (("cccd", "số CCCD"), ("profile_no", "số lý lịch"), ("card_no", "số thẻ đảng viên")):
                if v.get(key):
                    first = seen.setdefault((key, v[key]), row.row_no)
                    if first != row.row_no:
                        row.verdict = Verdict.DUPLICATE
                        row.reasons.append(f"Trùng {label} {v[key]} với dòng {first} của tệp.")
            if row.verdict == Verdict.DUPLICATE:
                continue
            if row.reasons:
                row.verdict = Verdict.INVALID
                continue
            member = by_cccd.get(v.get("cccd", ""))
            if member is None and self.cascade:  # CSDL 3.0: matched by CCCD, then số lý lịch, then số thẻ
                member = by_profile.get(v.get("profile_no", "")) or by_card.get(v.get("card_no", ""))
            if member is not None:
                _judge_existing(row, member, self.orgs, by_cccd, by_profile, by_card, self.scope,
                                decisions.get(row.row_no), self.today)
            else:
                _judge_new(row, self.orgs, by_profile, by_card, self.lookup, self.calendar, self.probation_months,
                           self.today, self.scope)
        return rows


def judge_stream(*, actor, root: Org, table: Table, mapping: dict[int, str], kind: str = Kind.MEMBERS,
                 today: dt.date, decisions: dict[int, tuple[bool, list[str]]] | None = None, chunk: int = JUDGE_CHUNK,
                 progress: Callable[[int, int], None] | None = None) -> Iterator[list[RowResult]]:
    """The verdicts of the table's rows, ``chunk`` rows at a time, in file order; ``decisions`` (row number →
    (skip, declined fields)) are the user's choices on the preview, applied to updates."""
    judge_ = Judge(actor=actor, root=root, kind=kind, today=today)
    total = len(table.rows)
    for start in range(0, total, chunk):
        if progress:
            progress(start, total)
        yield judge_.chunk(clean_rows(table, mapping, start=start, stop=start + chunk), decisions)
    if progress:
        progress(total, total)


def judge(**kwargs) -> list[RowResult]:
    """A verdict for every row (all held at once: small files and tests; the services stream)."""
    return [row for rows in judge_stream(**kwargs) for row in rows]


def _who(member: Member, scope) -> str:
    """Another dossier, named only when it lies in the user's scope (no personal data beyond it)."""
    if scope.contains(member.org.path):
        return f"hồ sơ {member.full_name} (sinh ngày {fmt_date(member.birth_date)})"
    return "một hồ sơ ngoài phạm vi của bạn"


def _judge_new(row: RowResult, orgs, by_profile, by_card, lookup, calendar, probation_months, today,
               scope) -> None:
    v = row.values
    for key, label in (("profile_no", "Số lý lịch"), ("card_no", "Số thẻ đảng viên")):
        other = (by_profile if key == "profile_no" else by_card).get(v.get(key, ""))
        if other is not None:
            row.verdict = Verdict.CONFLICT
            row.reasons.append(f"{label} {v[key]} đã thuộc {_who(other, scope)} với số CCCD khác.")
    if row.verdict == Verdict.CONFLICT:
        return
    missing = [F.BY_KEY[k].label for k in F.REQUIRED_NEW if k not in v]
    if missing:
        row.verdict = Verdict.INVALID
        row.reasons.append(f"Hồ sơ mới thiếu: {', '.join(missing)}.")
        return
    match = orgs.get(v["org"])
    if match is None or match.org is None or match.error:
        row.verdict = Verdict.OUT_OF_SCOPE if match and match.out_of_scope else Verdict.INVALID
        row.reasons.append(match.error if match else "Không xác định được chi bộ.")
        return
    row.org = match.org
    dossier = {k: v[k] for k in DOSSIER_FIELDS if k in v}
    problems = dossier_problems(dossier, today=today)
    for key, messages in problems.items():
        label = F.BY_KEY[key].label if key in F.BY_KEY else key
        row.reasons.extend(f"{label}: {m}" for m in messages)
    events, error = _events(v, match.org, probation_months)
    if error:
        row.reasons.append(error)
    if row.reasons:
        row.verdict = Verdict.INVALID
        return
    record = MemberRecord(dossier=dossier, events=events)
    found, state, history = bulk.check_record(record, lookup, calendar)
    if found:
        row.verdict = Verdict.INVALID
        row.reasons.extend(p for p in found if p not in row.reasons)
        return
    row.verdict = Verdict.NEW
    row.checked = (record, state, history)


def _judge_existing(row: RowResult, member: Member, orgs, by_cccd, by_profile, by_card, scope,
                    decision: tuple[bool, list[str]] | None, today: dt.date) -> None:
    v = row.values
    row.member_id = member.pk
    if not (scope.can_write and scope.contains(member.org.path)):
        row.verdict = Verdict.OUT_OF_SCOPE
        row.reasons.append(f"Số CCCD đã có trong hồ sơ ở {member.org.name}, ngoài phạm vi bạn được cập nhật.")
        return
    if ("full_name" in v and fold(v["full_name"]) != member.name_norm
            and "birth_date" in v and v["birth_date"] != member.birth_date):
        row.verdict = Verdict.CONFLICT
        row.reasons.append(f"Hồ sơ đã có với số này là {member.full_name}, sinh ngày {fmt_date(member.birth_date)}: "
                           "cả họ tên và ngày sinh trong tệp đều khác. Kiểm tra lại số CCCD.")
        return
    for key, label in (("profile_no", "Số lý lịch"), ("card_no", "Số thẻ đảng viên"), ("cccd", "Số CCCD")):
        index = {"profile_no": by_profile, "card_no": by_card, "cccd": by_cccd}[key]
        other = index.get(v.get(key, ""))
        if other is not None and other.pk != member.pk:
            row.verdict = Verdict.CONFLICT
            row.reasons.append(f"{label} {v[key]} đã thuộc {_who(other, scope)}.")
    if "org" in v:
        match = orgs.get(v["org"])
        if match is None or match.org is None or match.org.pk != member.org_id:
            row.verdict = Verdict.CONFLICT
            row.reasons.append(f"Chi bộ trong tệp «{v['org']}» khác nơi sinh hoạt hiện tại «{member.org.name}»: "
                               "chuyển sinh hoạt đảng theo thủ tục (QĐ 294-QĐ/TW, mục 6), không qua nhập tệp.")
    for key, label in EVENT_CHECKS:
        if key in v and v[key] != (getattr(member, key) or None):
            row.verdict = Verdict.CONFLICT
            before = shown(key, getattr(member, key))
            row.reasons.append(f"{label} trong tệp ({shown(key, v[key])}) khác hồ sơ ({before}): sửa bằng sự kiện "
                               "trong hồ sơ đảng viên, không qua nhập tệp.")
    if row.verdict == Verdict.CONFLICT:
        return
    skip, declined = decision or (False, [])
    changes = {}
    for key in DOSSIER_FIELDS:
        if key in v and v[key] != getattr(member, key):
            row.diff.append([key, F.BY_KEY[key].label, shown(key, getattr(member, key)), shown(key, v[key])])
            if key not in declined:
                changes[key] = v[key]
    if not row.diff:
        row.verdict = Verdict.UNCHANGED
        return
    merged = {k: getattr(member, k) for k in DOSSIER_FIELDS} | changes
    problems = dossier_problems(merged, today=today)
    for key, messages in problems.items():
        if key in changes:
            row.reasons.extend(f"{F.BY_KEY[key].label}: {m}" for m in messages)
    if row.reasons:
        row.verdict = Verdict.INVALID
        return
    row.verdict = Verdict.UPDATE
    row.changes = {} if skip else changes


def counts(rows: Iterable[RowResult]) -> dict[str, int]:
    out = {v.value: 0 for v in Verdict}
    for row in rows:
        out[row.verdict] += 1
    return out


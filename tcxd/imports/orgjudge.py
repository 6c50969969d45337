"""Organizations from a file: every row founded through ``orgs.services.org_create`` itself (its rules, its
versions and its audit row), in file order so a unit can be the parent of the rows below it.

* The check runs the whole file inside a savepoint that is rolled back (a dry run): its verdicts are exactly
  what the apply does, with the service's own messages.
* The apply runs it for real in the apply's transaction; in the all-or-nothing mode a rejected row rolls the
  whole run back.

Verdicts: new; unchanged (the code exists with the same name, kind and parent); conflict (the code exists and
differs: renaming or moving a unit goes through the restructuring procedures, not a file); duplicate code in
the file; out of scope (the parent lies outside the units the user may change); invalid (every reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from tcxd.common.paths import path_range
from tcxd.common.text import fold
from tcxd.orgs import services as org_services
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org

from . import fields as F
from .judge import RowResult, clean_rows
from .models import Kind, Verdict
from .reading import Table


def _parent(text: str, root: Org, created: dict[str, Org], scope) -> tuple[Org | None, str, bool]:
    """(parent, error, out of scope) for the parent as written: a code (of this file or the record) or a name
    within the receiving unit's subtree."""
    org = created.get(text.upper()) or Org.objects.filter(code__iexact=text).first()
    if org is None:
        low, high = path_range(root.path)
        found = list(Org.objects.filter(name_norm=fold(text), path__gte=low, path__lt=high).order_by("path")[:6])
        if len(found) > 1:
            return None, (f"Có {len(found)} tổ chức cùng tên «{text}» trong {root.name}: ghi mã tổ chức cấp trên "
                          f"({', '.join(o.code for o in found[:5])})."), False
        if not found:
            return None, f"Không tìm thấy tổ chức cấp trên «{text}» (ghi mã hoặc tên trong {root.name}).", False
        org = found[0]
    if not org.path.startswith(root.path) or not scope.contains(org.path):
        return org, f"Tổ chức cấp trên «{org.name}» không thuộc {root.name} hoặc ngoài phạm vi bạn được cập nhật.", True
    return org, "", False


def _labelled(errors: dict[str, list[str]]) -> list[str]:
    labels = {"valid_from": "Ngày thành lập", "valid_to": "Ngày kết thúc", "code": "Mã tổ chức",
              "name": "Tên tổ chức", "kind": "Loại tổ chức", "grassroots_type": "Loại hình cơ sở",
              "parent": "Tổ chức cấp trên"}
    out = []
    for field, messages in errors.items():
        label = labels.get(field, field)
        # the service's message often names its field already ("Ngày thành lập trước …")
        out.extend(message if message.lower().startswith(label.lower()) else f"{label}: {message}"
                   for message in messages)
    return out


def judge_orgs(*, actor, root: Org, table: Table, mapping: dict[int, str], today: dt.date,
               decisions: dict[int, tuple[bool, list[str]]] | None = None,
               progress: Callable[[int, int], None] | None = None) -> list[RowResult]:
    """Found every row's unit through the service, in order (inside the caller's transaction: the caller keeps
    or rolls back what was written). Rows the user left out are not founded."""
    decisions = decisions or {}
    rows = clean_rows(table, mapping, Kind.ORGS)
    scope = scope_for(actor)
    codes = {r.values["code"].upper() for r in rows if r.values.get("code")}
    existing = {o.code.upper(): o for o in Org.objects.filter(code__in={c for c in codes} |
                                                              {r.values.get("code", "") for r in rows})}
    created: dict[str, Org] = {}
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        if progress and index % 200 == 0:
            progress(index, len(rows))
        v = row.values
        code = (v.get("code") or "").upper()
        if code:
            first = seen.setdefault(code, row.row_no)
            if first != row.row_no:
                row.verdict = Verdict.DUPLICATE
                row.reasons.append(f"Trùng mã tổ chức {v['code']} với dòng {first} của tệp.")
                continue
        if row.reasons:
            row.verdict = Verdict.INVALID
            continue
        old = existing.get(code)
        if old is not None:
            _judge_existing(row, old, root, created, scope)
            continue
        missing = [F.ORG_BY_KEY[k].label for k in F.REQUIRED_NEW_ORG if k not in v]
        if missing:
            row.verdict = Verdict.INVALID
            row.reasons.append(f"Tổ chức mới thiếu: {', '.join(missing)}.")
            continue
        parent, error, outside = _parent(v["parent"], root, created, scope)
        if error:
            row.verdict = Verdict.OUT_OF_SCOPE if outside else Verdict.INVALID
            row.reasons.append(error)
            continue
        if decisions.get(row.row_no, (False, []))[0]:
            row.verdict = Verdict.NEW  # left out by the user: judged, not founded
            continue
        try:
            with transaction.atomic():  # a savepoint: a refused row leaves nothing
                org = org_services.org_create(actor=actor, parent=parent, code=v["code"], name=v["name"],
                                              kind=v["kind"], valid_from=v["valid_from"],
                                              short_name=v.get("short_name", ""),
                                              grassroots_type=v.get("grassroots_type", ""))
        except ValidationFailed as exc:
            row.verdict = Verdict.INVALID
            row.reasons.extend(_labelled(exc.errors))
        except (NotFound, PermissionDenied):
            row.verdict = Verdict.OUT_OF_SCOPE
            row.reasons.append(f"Không được lập tổ chức dưới «{parent.name}» (ngoài phạm vi bạn được cập nhật).")
        except DomainError as exc:
            row.verdict = Verdict.INVALID
            row.reasons.append(exc.message)
        else:
            row.verdict = Verdict.NEW
            created[code] = org
    if progress:
        progress(len(rows), len(rows))
    return rows


def _judge_existing(row: RowResult, old: Org, root: Org, created: dict[str, Org], scope) -> None:
    v = row.values
    if not scope.contains(old.path):
        row.verdict = Verdict.OUT_OF_SCOPE
        row.reasons.append(f"Mã tổ chức {old.code} đã có, ngoài phạm vi bạn được cập nhật.")
        return
    differences = []
    if "name" in v and fold(v["name"]) != old.name_norm:
        differences.append(f"tên trong tệp «{v['name']}», trong hệ thống «{old.name}»")
    if "kind" in v and v["kind"] != old.kind:
        differences.append(f"loại trong tệp «{OrgKind(v['kind']).label}», trong hệ thống «{old.get_kind_display()}»")
    if "parent" in v:
        parent, _, _ = _parent(v["parent"], root, created, scope)
        actual = Org.objects.get_parent(old)
        if parent is None or actual is None or parent.pk != actual.pk:
            differences.append(f"cấp trên trong tệp «{v['parent']}», trong hệ thống "
                               f"«{actual.name if actual else '—'}»")
    if differences:
        row.verdict = Verdict.CONFLICT
        row.reasons.append(f"Mã tổ chức {old.code} đã có ({'; '.join(differences)}): đổi tên, chuyển hoặc sắp xếp "
                           "tổ chức theo thủ tục sắp xếp tổ chức, không qua nhập tệp.")
    else:
        row.verdict = Verdict.UNCHANGED

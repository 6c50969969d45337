"""What each kind of operation does to the tree and the members, in the order it does it. Runs inside the
services' transaction, for real (apply) or to be rolled back (preview: a dry run, so the preview shows
exactly what applying would do, the rules' refusals included).

Specs (``RestructureOperation.spec``), ids of orgs:

- merge: ``{"sources": [id, …], "target_id": id | null, "new": {parent_id, code, name, kind, grassroots_type,
  short_name} | null}``: the sources' children and members go to the target (existing, or founded), the
  sources close the day before; lineage source → target (whole).
- split: ``{"source_id": id, "close_source": bool, "parts": [{"target_id" | "new", "children": [id],
  "members": [id]}]}``: the chosen children and members go to each part; when the source closes, every
  child and member must be given a part; lineage source → part (a part, not the whole).
- dissolve: ``{"org_id": id, "children_to_id": id | null, "members_to_id": id | null}``: refused while
  children or members would be left without a destination.
- move: ``{"org_id": id, "new_parent_id": id}``.
- rename: ``{"org_id": id, "name": str, "code": str, "short_name": str}``.
- retype: ``{"org_id": id, "kind": str, "grassroots_type": str}``.
- abolish_level: ``{"root_id": id, "level_kind": "district"}``: every active org of that kind under the
  root hands its children (and any members) to its own parent and closes the day before.
- reform_2025: the 2025 reform of one 2025 province from its pre-2025 party organizations, built from the
  administrative-unit lineage (``reform2025``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from tcxd.authz.guards import require_write
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_date, fmt_int
from tcxd.common.paths import path_range
from tcxd.members import reassign
from tcxd.orgs import restructuring as R
from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Org

from .models import OperationKind

Progress = Callable[[str, int, int], None]

NEW_FIELDS = ("parent_id", "code", "name", "kind", "grassroots_type", "short_name")


@dataclass
class Outcome:
    """What an operation did (or, in a preview, would do)."""

    founded: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)  # {org_id, name, from, to, orgs}
    members_moved: int = 0
    members_by_source: dict[int, int] = field(default_factory=dict)
    orgs_in_moved_subtrees: int = 0
    members_in_moved_subtrees: int = 0
    successors: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"founded": self.founded, "closed": self.closed, "edited": self.edited, "moves": self.moves,
                "members_moved": self.members_moved,
                "members_by_source": {str(k): v for k, v in self.members_by_source.items()},
                "orgs_in_moved_subtrees": self.orgs_in_moved_subtrees,
                "members_in_moved_subtrees": self.members_in_moved_subtrees, "successors": self.successors}


def _org(pk, label: str) -> Org:
    try:
        return Org.objects.get(pk=int(pk))
    except (TypeError, ValueError, Org.DoesNotExist):
        raise ValidationFailed({label: ["Chưa chọn tổ chức hoặc tổ chức không tồn tại."]})


def _int(value, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed({label: [f"Mã “{value}” không phải số hiệu tổ chức hoặc đảng viên."]})


def _active(org: Org, label: str) -> Org:
    if not org.is_active:
        raise ValidationFailed({label: [f"{org.name} đã giải thể."]})
    return org


def _children(org: Org) -> list[Org]:
    return R.children_of([org])[org.pk]


class Run:
    """One application of a spec: the tree journal, the outcome, progress."""

    def __init__(self, *, actor, operation, progress: Progress | None = None) -> None:
        self.actor = actor
        self.op = operation
        self.day: dt.date = operation.effective_on
        self.decision = R.Decision(operation.decision_no.strip(), operation.decision_date,
                                   operation.decision_issuer.strip())
        self.journal = R.Journal.start(operation.pk)
        self.outcome = Outcome()
        self.progress = progress or (lambda label, done, total: None)

    # -- building blocks ------------------------------------------------------------------------------
    def target(self, spec: dict, label: str) -> Org:
        """An existing org (``target_id``) or one founded from ``new``."""
        if spec.get("target_id"):
            org = _active(_org(spec["target_id"], label), label)
            require_write(self.actor, org.path)
            return org
        new = spec.get("new") or {}
        if not new:
            raise ValidationFailed({label: ["Chọn tổ chức tiếp nhận hoặc nhập tổ chức mới."]})
        parent = _active(_org(new.get("parent_id"), "parent_id"), "parent_id")
        require_write(self.actor, parent.path)
        org = R.found(self.journal, parent=parent, code=str(new.get("code") or ""), name=str(new.get("name") or ""),
                      kind=str(new.get("kind") or ""), grassroots_type=str(new.get("grassroots_type") or ""),
                      short_name=str(new.get("short_name") or ""), day=self.day, decision=self.decision)
        self.outcome.founded.append(org.pk)
        return org

    def relocate(self, moves: list[tuple[Org, Org]]) -> None:
        parent_paths = dict(Org.objects.filter(pk__in={p.pk for _o, p in moves}).values_list("id", "path"))
        moves = [(o, p) for o, p in moves if o.path[:-Org.steplen] != parent_paths[p.pk]]
        if not moves:
            return
        for path in {o.path for o, _p in moves} | set(parent_paths.values()):
            require_write(self.actor, path)
        trees = R.subtrees([o for o, _p in moves], fields=("id", "path", "status"))
        active = {root: [row[0] for row in rows if row[2] == OrgStatus.ACTIVE] for root, rows in trees.items()}
        counted = reassign.members_at([pk for ids in active.values() for pk in ids], self.day - dt.timedelta(days=1))
        old_parents = dict(Org.objects.filter(path__in={o.path[:-Org.steplen] for o, _p in moves})
                           .values_list("path", "name"))
        for org, parent in moves:
            orgs, members = len(active[org.pk]), sum(counted.get(pk, 0) for pk in active[org.pk])
            self.outcome.orgs_in_moved_subtrees += orgs
            self.outcome.members_in_moved_subtrees += members
            self.outcome.moves.append({"org_id": org.pk, "name": org.name, "from": old_parents.get(
                org.path[:-Org.steplen], ""), "to": parent.name, "orgs": orgs, "members": members})
        label = "Chuyển tổ chức trực thuộc"
        R.relocate(self.journal, moves, day=self.day, decision=self.decision, note=self.op.note,
                   progress=lambda done, total: self.progress(label, done, total), trees=trees)
        self.progress(label, len(moves), len(moves))

    def reassign(self, mapping: dict[int, int], members: dict[int, int] | None = None) -> None:
        mapping = {k: v for k, v in mapping.items() if k != v}
        for pk in {*mapping, *mapping.values(), *(members or {}).values()}:
            require_write(self.actor, Org.objects.get(pk=pk).path)
        counts = reassign.members_at(list(mapping), self.day) if mapping else {}
        if not any(counts.values()) and not members:
            return
        self.progress("Chuyển sinh hoạt đảng viên theo sắp xếp", 0, 1)
        kwargs = dict(actor=self.actor, on=self.day, operation_id=self.op.pk, decision_no=self.decision.number,
                      decision_date=self.decision.date, decision_issuer=self.decision.issuer, note=self.op.note)
        moved = 0
        if any(counts.values()):
            moved += reassign.members_reassign(moves=mapping, **kwargs)
        if members:
            moved += reassign.members_reassign(moves={}, members=members, **kwargs)
        self.outcome.members_moved += moved
        for k, n in counts.items():
            if n:
                self.outcome.members_by_source[k] = self.outcome.members_by_source.get(k, 0) + n
        self.progress("Chuyển sinh hoạt đảng viên theo sắp xếp", 1, 1)

    def close(self, orgs: list[Org], summary: str) -> None:
        for org in orgs:
            require_write(self.actor, org.path)
        blockers = reassign.reassign_blockers([o.pk for o in orgs], self.day)
        if blockers:
            raise ValidationFailed({"members": [f"{b.full_name}: {b.reason}" for b in blockers[:50]]})
        R.close(self.journal, orgs, day=self.day, decision=self.decision, summary=summary, note=self.op.note)
        self.outcome.closed += [o.pk for o in orgs]

    # -- kinds ----------------------------------------------------------------------------------------
    def merge(self, spec: dict) -> None:
        ids = [_int(i, "sources") for i in spec.get("sources") or [] if str(i).strip()]
        sources = [_active(_org(i, "sources"), "sources") for i in dict.fromkeys(ids)]
        target = self.target(spec, "target_id")
        if target.pk in {s.pk for s in sources}:
            sources = [s for s in sources if s.pk != target.pk]
        if len(sources) + (0 if target.pk in self.outcome.founded else 1) < 2:
            raise ValidationFailed({"sources": ["Hợp nhất cần ít nhất hai tổ chức (các tổ chức hợp nhất và tổ chức "
                                                "tiếp nhận)."]})
        for s in sources:
            if target.path.startswith(s.path):
                raise ValidationFailed({"target_id": [f"{target.name} thuộc {s.name}: không hợp nhất vào tổ chức "
                                                      "trực thuộc."]})
        children = R.children_of(sources)
        self.relocate([(c, target) for s in sources for c in children[s.pk]])
        self.reassign({s.pk: target.pk for s in sources})
        self.close(sources, f"Hợp nhất vào {target.name}")
        for s in sources:
            R.lineage(self.journal, s, target, day=self.day, whole=True, operation_id=self.op.pk)
        self.outcome.successors = [target.pk]

    def split(self, spec: dict) -> None:
        source = _active(_org(spec.get("source_id"), "source_id"), "source_id")
        require_write(self.actor, source.path)
        parts = spec.get("parts") or []
        if len(parts) < (2 if spec.get("close_source") else 1):
            raise ValidationFailed({"parts": ["Chia tách cần ít nhất hai phần (hoặc một phần khi giữ lại tổ chức "
                                              "cũ)."]})
        children = {c.pk: c for c in _children(source)}
        here = set(reassign.members_registered(source.pk, self.day))
        given_children: dict[int, int] = {}
        given_members: dict[int, int] = {}
        targets = []
        errors: dict[str, list[str]] = {}
        for n, part in enumerate(parts, 1):
            target = self.target(part, f"parts.{n}")
            if target.pk == source.pk or target.path.startswith(source.path):
                raise ValidationFailed({f"parts.{n}": [f"Phần {n}: không tách vào chính {source.name} hoặc tổ chức "
                                                       "trực thuộc nó."]})
            targets.append(target)
            for c in part.get("children") or []:
                c = _int(c, f"parts.{n}")
                if c not in children:
                    errors.setdefault(f"parts.{n}", []).append(f"Phần {n}: tổ chức #{c} không trực thuộc "
                                                               f"{source.name}.")
                elif c in given_children:
                    errors.setdefault(f"parts.{n}", []).append(f"{children[c].name} được chọn cho hai phần.")
                given_children[c] = target.pk
            for m in part.get("members") or []:
                m = _int(m, f"parts.{n}")
                if m not in here:
                    errors.setdefault(f"parts.{n}", []).append(
                        f"Phần {n}: đảng viên #{m} không sinh hoạt tại {source.name} ngày {fmt_date(self.day)}.")
                elif m in given_members:
                    errors.setdefault(f"parts.{n}", []).append(f"Đảng viên #{m} được chọn cho hai phần.")
                given_members[m] = target.pk
        if spec.get("close_source"):
            left_c, left_m = set(children) - set(given_children), here - set(given_members)
            if left_c or left_m:
                errors.setdefault("parts", []).append(
                    f"{source.name} giải thể sau chia tách nhưng còn {fmt_int(len(left_c))} tổ chức trực thuộc và "
                    f"{fmt_int(len(left_m))} đảng viên chưa được phân về phần nào.")
        if errors:
            raise ValidationFailed(errors)
        by_pk = {t.pk: t for t in targets}
        self.relocate([(children[c], by_pk[t]) for c, t in given_children.items()])
        if given_members:
            self.reassign({}, given_members)
        if spec.get("close_source"):
            self.close([source], "Chia tách thành " + ", ".join(t.name for t in targets))
        for t in targets:
            R.lineage(self.journal, source, t, day=self.day, whole=False, operation_id=self.op.pk)
        self.outcome.successors = [t.pk for t in targets]

    def dissolve(self, spec: dict) -> None:
        org = _active(_org(spec.get("org_id"), "org_id"), "org_id")
        require_write(self.actor, org.path)
        children = _children(org)
        members = reassign.members_at([org.pk], self.day).get(org.pk, 0)
        errors: dict[str, list[str]] = {}
        children_to = members_to = None
        if children:
            if not spec.get("children_to_id"):
                errors.setdefault("children_to_id", []).append(
                    f"{org.name} còn {fmt_int(len(children))} tổ chức trực thuộc: chọn nơi tiếp nhận, hoặc không "
                    "giải thể được.")
            else:
                children_to = _active(_org(spec["children_to_id"], "children_to_id"), "children_to_id")
        if members:
            if not spec.get("members_to_id"):
                errors.setdefault("members_to_id", []).append(
                    f"{org.name} còn {fmt_int(members)} đảng viên: chọn tổ chức tiếp nhận sinh hoạt, hoặc không "
                    "giải thể được.")
            else:
                members_to = _active(_org(spec["members_to_id"], "members_to_id"), "members_to_id")
        for label, dest in (("children_to_id", children_to), ("members_to_id", members_to)):
            if dest is not None and dest.path.startswith(org.path):
                errors.setdefault(label, []).append(f"{dest.name} thuộc {org.name}, cũng giải thể.")
        if errors:
            raise ValidationFailed(errors)
        if children_to:
            self.relocate([(c, children_to) for c in children])
        if members_to:
            self.reassign({org.pk: members_to.pk})
        self.close([org], f"Giải thể {org.name}")
        dests = {d.pk: d for d in (children_to, members_to) if d is not None}
        for d in dests.values():
            R.lineage(self.journal, org, d, day=self.day, whole=len(dests) == 1, operation_id=self.op.pk)
        self.outcome.successors = list(dests)

    def move(self, spec: dict) -> None:
        org = _active(_org(spec.get("org_id"), "org_id"), "org_id")
        parent = _active(_org(spec.get("new_parent_id"), "new_parent_id"), "new_parent_id")
        if org.depth == 1:
            raise ValidationFailed({"org_id": ["Không chuyển được tổ chức gốc."]})
        if parent.path == org.path[:-Org.steplen]:
            raise ValidationFailed({"new_parent_id": [f"{org.name} đã trực thuộc {parent.name}."]})
        problems = R.check_relocation(org, parent)
        if problems:
            raise ValidationFailed({"new_parent_id": problems})
        self.relocate([(org, parent)])
        self.outcome.successors = [org.pk]

    def edit(self, spec: dict, keys: tuple[str, ...]) -> None:
        org = _active(_org(spec.get("org_id"), "org_id"), "org_id")
        require_write(self.actor, org.path)
        fields = {k: str(spec[k]).strip() for k in keys if k in spec and spec[k] is not None}
        R.edit(self.journal, org, day=self.day, decision=self.decision, **fields)
        self.outcome.edited.append(org.pk)
        self.outcome.successors = [org.pk]

    def abolish_level(self, spec: dict) -> None:
        root = _active(_org(spec.get("root_id"), "root_id"), "root_id")
        require_write(self.actor, root.path)
        level_kind = spec.get("level_kind") or ""
        if level_kind not in OrgKind.values:
            raise ValidationFailed({"level_kind": ["Chọn cấp tổ chức cần bỏ."]})
        low, high = path_range(root.path)
        nodes = list(Org.objects.filter(path__gt=low, path__lt=high, kind=level_kind, status=OrgStatus.ACTIVE)
                     .order_by("path"))
        if not nodes:
            raise ValidationFailed({"level_kind": [f"Không còn tổ chức nào loại «{OrgKind(level_kind).label}» "
                                                   f"đang hoạt động trong {root.name}."]})
        nested = [n for n in nodes if any(n.path.startswith(m.path) and n.pk != m.pk for m in nodes)]
        if nested:
            raise ValidationFailed({"level_kind": [f"{nested[0].name} nằm trong một tổ chức cùng cấp; không bỏ cấp "
                                                   "được."]})
        parents = {p.path: p for p in Org.objects.filter(path__in={n.path[:-Org.steplen] for n in nodes})}
        children = R.children_of(nodes)
        moves = [(c, parents[n.path[:-Org.steplen]]) for n in nodes for c in children[n.pk]]
        self.relocate(moves)
        self.reassign({n.pk: parents[n.path[:-Org.steplen]].pk for n in nodes})
        self.progress("Chấm dứt hoạt động các tổ chức của cấp bị bỏ", 0, len(nodes))
        self.close(nodes, f"Bỏ cấp {OrgKind(level_kind).label.lower()}")
        self.progress("Chấm dứt hoạt động các tổ chức của cấp bị bỏ", len(nodes), len(nodes))
        self.outcome.successors = sorted({p.pk for p in parents.values()})

    def run(self) -> Outcome:
        spec = self.op.spec or {}
        kind = self.op.kind
        if kind == OperationKind.MERGE:
            self.merge(spec)
        elif kind == OperationKind.SPLIT:
            self.split(spec)
        elif kind == OperationKind.DISSOLVE:
            self.dissolve(spec)
        elif kind == OperationKind.MOVE:
            self.move(spec)
        elif kind == OperationKind.RENAME:
            self.edit(spec, ("name", "code", "short_name"))
        elif kind == OperationKind.RETYPE:
            self.edit(spec, ("kind", "grassroots_type"))
        elif kind == OperationKind.ABOLISH_LEVEL:
            self.abolish_level(spec)
        elif kind == OperationKind.REFORM_2025:
            from .reform2025 import reform

            reform(self, spec)
        else:
            raise DomainError("unknown_kind", "Loại sắp xếp không hợp lệ.")
        return self.outcome

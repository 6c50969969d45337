"""Forms of the restructuring pages: parse only. An org is picked by name or code (suggestions as one types)
and read back by its code within the user's scope; whatever else an operation needs is checked by the services,
which name the rule (the preview shows the engine's refusals)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_date, parse_date
from tcxd.common.forms import BootstrapFormMixin, PickerInput, VnDateField, apply_domain_error
from tcxd.orgs.kinds import GrassrootsType, OrgKind
from tcxd.orgs.models import Org

from . import queries as Q
from .models import OperationKind

BLANK = [("", "— chọn —")]
MAX_SOURCES = 40
MAX_PARTS = 12
INVALID_CHOICE = "Lựa chọn “%(value)s” không có trong danh sách."
STALE_CHOICE = "“%(value)s” không còn trong danh sách (đã đổi tổ chức hoặc ngày): hãy chọn lại."
BOTH = "Chọn tổ chức đang có hoặc nhập tổ chức mới, không chọn cả hai."

# The kinds drafted with a form here (the 2025 reform of a province is drafted from the tree: reform2025).
FORM_KINDS = (OperationKind.MERGE, OperationKind.SPLIT, OperationKind.DISSOLVE, OperationKind.MOVE,
              OperationKind.RENAME, OperationKind.RETYPE, OperationKind.ABOLISH_LEVEL)
TITLE_EXAMPLES = {
    OperationKind.MERGE: "Hợp nhất Chi bộ Khối 1 và Chi bộ Khối 2.",
    OperationKind.SPLIT: "Chia tách Đảng bộ Trường THPT Việt Bắc thành hai chi bộ.",
    OperationKind.DISSOLVE: "Giải thể Chi bộ Công ty cổ phần Vận tải Lạng Sơn.",
    OperationKind.MOVE: "Chuyển Chi bộ Trạm Y tế về trực thuộc Đảng bộ phường Đông Kinh.",
    OperationKind.RENAME: "Đổi tên Chi bộ Khối 1 thành Chi bộ Khu phố 1.",
    OperationKind.RETYPE: "Chuyển Chi bộ cơ sở Trường Tiểu học thành Đảng bộ cơ sở.",
    OperationKind.ABOLISH_LEVEL: "Kết thúc hoạt động của các huyện ủy, thành ủy trực thuộc Tỉnh ủy.",
}
KIND_HELP = {
    OperationKind.MERGE: "Hai hay nhiều tổ chức hợp nhất vào một tổ chức đang có hoặc một tổ chức thành lập mới; "
                         "tổ chức trực thuộc và đảng viên chuyển theo, các tổ chức cũ chấm dứt hoạt động.",
    OperationKind.SPLIT: "Một tổ chức chia thành nhiều phần: chọn tổ chức trực thuộc và đảng viên cho từng phần "
                         "(tổ chức đang có hoặc thành lập mới); tổ chức cũ giữ lại hoặc chấm dứt hoạt động.",
    OperationKind.DISSOLVE: "Một tổ chức chấm dứt hoạt động; tổ chức trực thuộc và đảng viên (nếu còn) chuyển về "
                            "nơi được chọn.",
    OperationKind.MOVE: "Chuyển một tổ chức cùng cây trực thuộc của nó sang cấp trên mới.",
    OperationKind.RENAME: "Đổi tên, tên ngắn hoặc mã của một tổ chức từ ngày hiệu lực.",
    OperationKind.RETYPE: "Đổi loại tổ chức (ví dụ chi bộ cơ sở lên đảng bộ cơ sở) hoặc loại hình tổ chức cơ sở đảng.",
    OperationKind.ABOLISH_LEVEL: "Bỏ một cấp tổ chức trong một cây (ví dụ cấp huyện): tổ chức trực thuộc và đảng viên "
                                 "của cấp bị bỏ chuyển về cấp trên trực tiếp.",
}


# -- the org picker --------------------------------------------------------------------------------------------
class OrgPickerInput(PickerInput):
    """The picker of orgs: a click on a match fills the input with “code — name”."""

    def __init__(self, attrs=None):
        super().__init__("restructure:org_suggest", "Gõ tên hoặc mã, rồi chọn", attrs)


class OrgPickerField(forms.Field):
    """An org in the user's scope, typed as “code — name” (what the picker fills) or just its code."""

    widget = OrgPickerInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.actor = None

    def prepare_value(self, value):
        return Q.org_label(value) if isinstance(value, Org) else value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        org = Q.org_by_code(actor=self.actor, text=text)
        if org is None:
            code = text.split(Q.SEPARATOR)[0].strip()
            raise forms.ValidationError(f"Không tìm thấy tổ chức mã “{code}” trong phạm vi quản lý: gõ tên hoặc mã "
                                        "rồi chọn trong danh sách gợi ý.", code="unknown_org")
        return org


def _choice(label: str, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False,
                             error_messages={"invalid_choice": INVALID_CHOICE}, **kwargs)


def _kinds(label: str = "Loại tổ chức") -> forms.ChoiceField:
    return _choice(label, BLANK + OrgKind.choices)


def _grassroots(label: str = "Loại hình tổ chức cơ sở đảng") -> forms.ChoiceField:
    return _choice(label, [("", "— không —")] + GrassrootsType.choices)


def _int(text, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(text)))
    except (TypeError, ValueError):
        return default


# -- an operation ----------------------------------------------------------------------------------------------
class OperationForm(BootstrapFormMixin, forms.Form):
    """One form per kind: the common fields (content, date, decision, plan, note) and the kind's parameters,
    read into the ``spec`` the engine takes (``engine.py``)."""

    title = forms.CharField(label="Nội dung thao tác", max_length=300, required=False)
    effective_on = VnDateField(label="Ngày hiệu lực", required=False)
    decision_no = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decision_date = VnDateField(label="Ngày quyết định", required=False)
    decision_issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    plan = forms.TypedChoiceField(label="Thuộc đề án (không bắt buộc)", required=False, coerce=int,
                                  empty_value=None, error_messages={"invalid_choice": INVALID_CHOICE})
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sources_count = forms.IntegerField(required=False, widget=forms.HiddenInput)
    parts_count = forms.IntegerField(required=False, widget=forms.HiddenInput)

    COMMON = ("title", "effective_on", "decision_no", "decision_date", "decision_issuer", "plan", "note")
    # where a refusal of the parameters as a whole (“no org chosen”) is shown
    MAIN_FIELD = {OperationKind.MERGE: "source_1", OperationKind.SPLIT: "source", OperationKind.ABOLISH_LEVEL: "root"}

    def __init__(self, data=None, *, kind: str, actor, initial=None, plans=(), sources: int = 2, parts: int = 2,
                 more: str = ""):
        super().__init__(data, initial=initial)
        self.kind, self.actor = kind, actor
        self.fields["title"].help_text = "Ví dụ: " + TITLE_EXAMPLES.get(kind, "")
        self.fields["plan"].choices = [("", "— không thuộc đề án nào —")] + [
            (p.pk, f"{p.code} — {p.title} ({p.org.short_name or p.org.name})") for p in plans]
        if data is not None:
            sources = _int(data.get("sources_count"), sources, 2, MAX_SOURCES)
            parts = _int(data.get("parts_count"), parts, 1, MAX_PARTS)
            if more == "source":
                sources = min(MAX_SOURCES, sources + 1)
            elif more == "part":
                parts = min(MAX_PARTS, parts + 1)
        self.sources, self.parts = sources, parts
        self.initial.update({"sources_count": sources, "parts_count": parts})
        self.kind_fields: list[str] = []
        self.split_source: Org | None = None
        self.split_day: dt.date | None = None
        self.split_children: list[Org] = []
        self.split_members: list[Q.MemberChoice] = []
        getattr(self, f"_build_{kind}")()
        for name in self.kind_fields:
            field = self.fields[name]
            if isinstance(field, OrgPickerField):
                field.actor = actor
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
        if data is not None:
            # the hidden counters follow the buttons that add a source or a part
            self.data = data.copy()
            self.data["sources_count"], self.data["parts_count"] = str(sources), str(parts)

    def _add(self, name: str, field: forms.Field) -> None:
        self.fields[name] = field
        self.kind_fields.append(name)

    def _new_org_fields(self, prefix: str, legend: str) -> None:
        self._add(f"{prefix}parent", OrgPickerField(label=f"{legend}: trực thuộc"))
        self._add(f"{prefix}code", forms.CharField(label="Mã tổ chức", max_length=40, required=False))
        self._add(f"{prefix}name", forms.CharField(label="Tên tổ chức", max_length=255, required=False))
        self._add(f"{prefix}short_name", forms.CharField(label="Tên ngắn", max_length=120, required=False))
        self._add(f"{prefix}kind", _kinds())
        self._add(f"{prefix}grassroots_type", _grassroots())

    # -- per kind ----------------------------------------------------------------------------------------------
    def _build_merge(self) -> None:
        for i in range(1, self.sources + 1):
            self._add(f"source_{i}", OrgPickerField(label=f"Tổ chức hợp nhất {i}"))
        self._add("target", OrgPickerField(label="Tổ chức tiếp nhận (đang có)"))
        self._new_org_fields("new_", "Tổ chức mới")

    def _build_split(self) -> None:
        self._add("source", OrgPickerField(label="Tổ chức chia tách"))
        self._add("close_source", forms.BooleanField(label="Tổ chức cũ chấm dứt hoạt động sau chia tách",
                                                     required=False))
        self._load_split_lists()
        children = [(str(c.pk), c.name) for c in self.split_children]
        members = [(str(m.id), m.full_name) for m in self.split_members]
        for n in range(1, self.parts + 1):
            self._add(f"part_{n}_target", OrgPickerField(label=f"Phần {n}: tổ chức tiếp nhận (đang có)"))
            self._new_org_fields(f"part_{n}_new_", f"Phần {n}, tổ chức mới")
            self._add(f"part_{n}_children", forms.MultipleChoiceField(
                label=f"Phần {n}: tổ chức trực thuộc", choices=children, required=False,
                widget=forms.CheckboxSelectMultiple, error_messages={"invalid_choice": STALE_CHOICE}))
            self._add(f"part_{n}_members", forms.MultipleChoiceField(
                label=f"Phần {n}: đảng viên", choices=members, required=False, widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": STALE_CHOICE}))

    def _load_split_lists(self) -> None:
        """The source's active children and the members registered there on the effective day (today when no
        day is given yet): what the parts can be given."""
        raw_source = self.data.get("source") if self.is_bound else self.initial.get("source")
        raw_day = self.data.get("effective_on") if self.is_bound else self.initial.get("effective_on")
        source = raw_source if isinstance(raw_source, Org) else Q.org_by_code(actor=self.actor, text=raw_source or "")
        day = raw_day if isinstance(raw_day, dt.date) else None
        if day is None and raw_day:
            try:
                day = parse_date(str(raw_day))
            except ValueError:
                day = None
        self.split_day = day or timezone.localdate()
        if source is not None:
            self.split_source = source
            self.split_children = Q.active_children(source)
            self.split_members = Q.members_registered(source, self.split_day)

    def _build_dissolve(self) -> None:
        self._add("org", OrgPickerField(label="Tổ chức giải thể"))
        self._add("children_to", OrgPickerField(label="Tổ chức trực thuộc chuyển về (nếu còn)"))
        self._add("members_to", OrgPickerField(label="Đảng viên chuyển sinh hoạt về (nếu còn)"))

    def _build_move(self) -> None:
        self._add("org", OrgPickerField(label="Tổ chức chuyển"))
        self._add("new_parent", OrgPickerField(label="Tổ chức cấp trên mới"))

    def _build_rename(self) -> None:
        self._add("org", OrgPickerField(label="Tổ chức"))
        self._add("name", forms.CharField(label="Tên mới (để trống nếu không đổi)", max_length=255, required=False))
        self._add("code", forms.CharField(label="Mã mới (để trống nếu không đổi)", max_length=40, required=False))
        self._add("short_name", forms.CharField(label="Tên ngắn mới (để trống nếu không đổi)", max_length=120,
                                                required=False))

    def _build_retype(self) -> None:
        self._add("org", OrgPickerField(label="Tổ chức"))
        self._add("new_kind", _kinds("Loại tổ chức mới"))
        self._add("grassroots_type", _grassroots())

    def _build_abolish_level(self) -> None:
        self._add("root", OrgPickerField(label="Trong cây của tổ chức"))
        self._add("level_kind", _choice("Cấp tổ chức bỏ", BLANK + OrgKind.choices))
        if not self.is_bound and not self.initial.get("level_kind"):
            self.initial["level_kind"] = OrgKind.DISTRICT

    # -- reading back -----------------------------------------------------------------------------------------
    def _pk(self, name: str) -> int | None:
        org = self.cleaned_data.get(name)
        return org.pk if org is not None else None

    def _new_org(self, prefix: str) -> dict | None:
        cd = self.cleaned_data
        values = {k: (cd.get(f"{prefix}{k}") or "").strip() for k in ("code", "name", "short_name", "kind",
                                                                        "grassroots_type")}
        parent = self._pk(f"{prefix}parent")
        if parent is None and not any(values.values()):
            return None
        return {"parent_id": parent, **values}

    def _target(self, target: str, prefix: str) -> dict:
        existing, new = self._pk(target), self._new_org(prefix)
        if existing is not None and new is not None:
            self.add_error(target, BOTH)
        if existing is not None:
            return {"target_id": existing, "new": None}
        return {"target_id": None, "new": new}

    def clean(self):
        cd = super().clean()
        if not self.errors:
            self.spec = self._spec()
        return cd

    def _spec(self) -> dict:
        cd, kind = self.cleaned_data, self.kind
        if kind == OperationKind.MERGE:
            sources = [self._pk(f"source_{i}") for i in range(1, self.sources + 1)]
            return {"sources": [s for s in sources if s is not None], **self._target("target", "new_")}
        if kind == OperationKind.SPLIT:
            parts = []
            for n in range(1, self.parts + 1):
                part = {**self._target(f"part_{n}_target", f"part_{n}_new_"),
                        "children": [int(c) for c in cd.get(f"part_{n}_children") or []],
                        "members": [int(m) for m in cd.get(f"part_{n}_members") or []]}
                if part["target_id"] or part["new"] or part["children"] or part["members"]:
                    parts.append({k: v for k, v in part.items() if v is not None})
            return {"source_id": self._pk("source"), "close_source": bool(cd.get("close_source")), "parts": parts}
        if kind == OperationKind.DISSOLVE:
            return {"org_id": self._pk("org"), "children_to_id": self._pk("children_to"),
                    "members_to_id": self._pk("members_to")}
        if kind == OperationKind.MOVE:
            return {"org_id": self._pk("org"), "new_parent_id": self._pk("new_parent")}
        if kind == OperationKind.RENAME:
            return {"org_id": self._pk("org"), **{k: cd[k].strip() for k in ("name", "code", "short_name")
                                                  if (cd.get(k) or "").strip()}}
        if kind == OperationKind.RETYPE:
            return {"org_id": self._pk("org"), "kind": cd.get("new_kind") or "",
                    "grassroots_type": cd.get("grassroots_type") or ""}
        return {"root_id": self._pk("root"), "level_kind": cd.get("level_kind") or ""}

    def show_refusal(self, exc: DomainError) -> None:
        """A service's refusal on the form: per field; one about the parameters as a whole on the main org."""
        if isinstance(exc, ValidationFailed) and "spec" in exc.errors:
            main = self.MAIN_FIELD.get(self.kind, "org")
            errors = {(main if key == "spec" and main in self.fields else key): messages
                      for key, messages in exc.errors.items()}
            exc = ValidationFailed(errors, message=exc.message)
        apply_domain_error(self, exc)

    def service_fields(self, plans: dict) -> dict:
        cd = self.cleaned_data
        return {"title": cd["title"], "spec": self.spec, "effective_on": cd["effective_on"],
                "decision_no": cd["decision_no"], "decision_date": cd["decision_date"],
                "decision_issuer": cd["decision_issuer"], "note": cd["note"], "plan": plans.get(cd.get("plan"))}

    # -- rendering --------------------------------------------------------------------------------------------
    def group(self, *names: str) -> list:
        return [self[n] for n in names if n in self.fields]

    def kind_bound_fields(self) -> list:
        return self.group(*self.kind_fields)

    def merge_new_fields(self) -> list:
        return self.new_org_fields("new_")

    def source_fields(self) -> list:
        return self.group(*(f"source_{i}" for i in range(1, self.sources + 1)))

    def new_org_fields(self, prefix: str) -> list:
        return self.group(*(f"{prefix}{k}" for k in ("parent", "code", "name", "short_name", "kind",
                                                      "grassroots_type")))

    def split_parts(self) -> list[dict]:
        return [{"n": n, "target": self[f"part_{n}_target"], "new": self.new_org_fields(f"part_{n}_new_"),
                 "children": self[f"part_{n}_children"], "members": self[f"part_{n}_members"]}
                for n in range(1, self.parts + 1)]

    def split_matrix(self) -> dict:
        """Rows (children, then members) × parts: a checkbox in each cell, ticked as submitted."""

        def chosen(name: str) -> set[str]:
            bound = self[name]
            value = bound.value() or []
            return {str(v) for v in value}

        picked = {n: (chosen(f"part_{n}_children"), chosen(f"part_{n}_members")) for n in range(1, self.parts + 1)}

        def cells(kind: int, value: str, name_of) -> list[dict]:
            return [{"name": name_of(n), "value": value, "checked": value in picked[n][kind],
                     "id": f"id_{name_of(n)}_{value}"} for n in range(1, self.parts + 1)]

        return {
            "parts": list(range(1, self.parts + 1)),
            "children": [{"label": c.name, "sub": c.get_kind_display(),
                          "cells": cells(0, str(c.pk), lambda n: f"part_{n}_children")} for c in self.split_children],
            "members": [{"label": m.full_name, "sub": f"{m.status_label}, sinh {fmt_date(m.birth_date)}",
                         "cells": cells(1, str(m.id), lambda n: f"part_{n}_members")} for m in self.split_members],
            "errors": [e for n in range(1, self.parts + 1) for name in (f"part_{n}_children", f"part_{n}_members")
                       for e in self[name].errors],
        }


def initial_from(operation) -> tuple[dict, int, int]:
    """The form's initial values of a saved operation, and how many sources and parts it has."""
    spec = operation.spec if isinstance(operation.spec, dict) else {}
    orgs = Org.objects.in_bulk(list(Q.spec_org_ids(spec)))

    def org(value):
        try:
            return orgs.get(int(value))
        except (TypeError, ValueError):
            return None

    initial: dict = {"title": operation.title, "effective_on": operation.effective_on,
                     "decision_no": operation.decision_no, "decision_date": operation.decision_date,
                     "decision_issuer": operation.decision_issuer, "note": operation.note,
                     "plan": operation.plan_id}

    def new_org(prefix: str, new: dict | None) -> None:
        if not new:
            return
        initial[f"{prefix}parent"] = org(new.get("parent_id"))
        for k in ("code", "name", "short_name", "kind", "grassroots_type"):
            initial[f"{prefix}{k}"] = new.get(k) or ""

    kind = operation.kind
    sources, parts = 2, 2
    if kind == OperationKind.MERGE:
        ids = list(spec.get("sources") or [])
        sources = max(2, len(ids))
        for i, pk in enumerate(ids, 1):
            initial[f"source_{i}"] = org(pk)
        initial["target"] = org(spec.get("target_id"))
        new_org("new_", spec.get("new"))
    elif kind == OperationKind.SPLIT:
        initial["source"] = org(spec.get("source_id"))
        initial["close_source"] = bool(spec.get("close_source"))
        items = [p for p in spec.get("parts") or [] if isinstance(p, dict)]
        parts = max(1, min(MAX_PARTS, len(items) or 2))
        for n, part in enumerate(items[:MAX_PARTS], 1):
            initial[f"part_{n}_target"] = org(part.get("target_id"))
            new_org(f"part_{n}_new_", part.get("new"))
            initial[f"part_{n}_children"] = [str(c) for c in part.get("children") or []]
            initial[f"part_{n}_members"] = [str(m) for m in part.get("members") or []]
    elif kind == OperationKind.DISSOLVE:
        for key, name in (("org_id", "org"), ("children_to_id", "children_to"), ("members_to_id", "members_to")):
            initial[name] = org(spec.get(key))
    elif kind == OperationKind.MOVE:
        initial["org"], initial["new_parent"] = org(spec.get("org_id")), org(spec.get("new_parent_id"))
    elif kind == OperationKind.RENAME:
        initial["org"] = org(spec.get("org_id"))
        for k in ("name", "code", "short_name"):
            initial[k] = spec.get(k) or ""
    elif kind == OperationKind.RETYPE:
        initial["org"] = org(spec.get("org_id"))
        initial["new_kind"], initial["grassroots_type"] = spec.get("kind") or "", spec.get("grassroots_type") or ""
    elif kind == OperationKind.ABOLISH_LEVEL:
        initial["root"], initial["level_kind"] = org(spec.get("root_id")), spec.get("level_kind") or ""
    return initial, sources, parts


# -- confirm pages and plans --------------------------------------------------------------------------------------
class UndoForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do hoàn tác", max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


def _number(text):
    """'1.300' or '1300' → 1300; '' → 0; anything else as typed (the service names it)."""
    raw = str(text if text is not None else "").strip().replace(".", "").replace(" ", "")
    if not raw:
        return 0
    return int(raw) if raw.isdigit() and len(raw) <= 9 else str(text).strip()


class PlanForm(BootstrapFormMixin, forms.Form):
    org = OrgPickerField(label="Cấp ủy chủ trì (cây tổ chức của đề án)")
    code = forms.CharField(label="Số hiệu đề án", max_length=80, required=False)
    title = forms.CharField(label="Tên đề án", max_length=300, required=False)
    decision_no = forms.CharField(label="Số quyết định phê duyệt", max_length=60, required=False)
    decision_date = VnDateField(label="Ngày quyết định", required=False)
    start_on = VnDateField(label="Từ ngày", required=False)
    deadline = VnDateField(label="Hạn hoàn thành", required=False)
    target_reduced = forms.CharField(label="Số đầu mối phải giảm", max_length=12, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    target_merged = forms.CharField(label="Số tổ chức phải hợp nhất, sáp nhập", max_length=12, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    target_dissolved = forms.CharField(label="Số tổ chức phải giải thể", max_length=12, required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor, fixed_org: Org | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].actor = actor
        if fixed_org is not None:
            del self.fields["org"]
        self.fixed_org = fixed_org

    def clean_target_reduced(self):
        return _number(self.cleaned_data.get("target_reduced"))

    def clean_target_merged(self):
        return _number(self.cleaned_data.get("target_merged"))

    def clean_target_dissolved(self):
        return _number(self.cleaned_data.get("target_dissolved"))

    def clean(self):
        cd = super().clean()
        if "org" in self.fields and not self.errors.get("org") and cd.get("org") is None:
            self.add_error("org", "Chưa chọn cấp ủy chủ trì đề án.")
        return cd

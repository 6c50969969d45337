"""Schemas of the restructuring API: an operation's parameters per kind (``spec``, as ``engine.py`` reads them),
operations, previews, progress, plans, lineage."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticValidationError

from tcxd.common.errors import ValidationFailed

from .models import OperationKind

Id = Annotated[int, Field(gt=0, lt=2**31)]
SPEC_DOC = (
    "Tham số theo loại sắp xếp (id là mã số tổ chức, đảng viên): merge {sources: [id], target_id | new}; split "
    "{source_id, close_source, parts: [{target_id | new, children: [id], members: [id]}]}; dissolve {org_id, "
    "children_to_id, members_to_id}; move {org_id, new_parent_id}; rename {org_id, name, code, short_name}; retype "
    "{org_id, kind, grassroots_type}; abolish_level {root_id, level_kind}; reform_2025 {province_unit, sources: [id], "
    "parent_id, code, name}. new = {parent_id, code, name, kind, grassroots_type, short_name}: tổ chức thành lập "
    "mới.")


# -- spec per kind ---------------------------------------------------------------------------------------------
class _Spec(Schema):
    model_config = ConfigDict(extra="forbid")


class NewOrgSpec(_Spec):
    parent_id: Id
    code: str = Field(max_length=40)
    name: str = Field(max_length=255)
    kind: str = Field(max_length=30)
    grassroots_type: str = Field("", max_length=30)
    short_name: str = Field("", max_length=120)


class MergeSpec(_Spec):
    sources: list[Id] = Field(max_length=5000)
    target_id: Id | None = None
    new: NewOrgSpec | None = None


class SplitPartSpec(_Spec):
    target_id: Id | None = None
    new: NewOrgSpec | None = None
    children: list[Id] = Field(default_factory=list, max_length=5000)
    members: list[Id] = Field(default_factory=list, max_length=50000)


class SplitSpec(_Spec):
    source_id: Id
    close_source: bool = False
    parts: list[SplitPartSpec] = Field(max_length=100)


class DissolveSpec(_Spec):
    org_id: Id
    children_to_id: Id | None = None
    members_to_id: Id | None = None


class MoveSpec(_Spec):
    org_id: Id
    new_parent_id: Id


class RenameSpec(_Spec):
    org_id: Id
    name: str | None = Field(None, max_length=255)
    code: str | None = Field(None, max_length=40)
    short_name: str | None = Field(None, max_length=120)


class RetypeSpec(_Spec):
    org_id: Id
    kind: str = Field(max_length=30)
    grassroots_type: str = Field("", max_length=30)


class AbolishLevelSpec(_Spec):
    root_id: Id
    level_kind: str = Field(max_length=30)


class Reform2025Spec(_Spec):
    province_unit: str = Field(max_length=10, description="Mã (GSO) tỉnh, thành phố theo danh mục 2025")
    sources: list[Id] = Field(max_length=100, description="Các đảng bộ tỉnh, thành phố trước sắp xếp")
    parent_id: Id
    code: str = Field(max_length=40)
    name: str = Field(max_length=255)


SPECS: dict[str, type[_Spec]] = {
    OperationKind.MERGE: MergeSpec, OperationKind.SPLIT: SplitSpec, OperationKind.DISSOLVE: DissolveSpec,
    OperationKind.MOVE: MoveSpec, OperationKind.RENAME: RenameSpec, OperationKind.RETYPE: RetypeSpec,
    OperationKind.ABOLISH_LEVEL: AbolishLevelSpec, OperationKind.REFORM_2025: Reform2025Spec,
}
_PROBLEMS = {
    "missing": "thiếu", "extra_forbidden": "không dùng cho loại sắp xếp này", "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên", "int_from_float": "phải là số nguyên", "greater_than": "phải là số dương",
    "less_than": "quá lớn", "string_type": "phải là chuỗi ký tự", "string_too_long": "quá dài",
    "list_type": "phải là danh sách", "too_long": "quá nhiều phần tử", "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false", "model_type": "phải là một đối tượng",
    "dict_type": "phải là một đối tượng",
}


def parse_spec(kind: str, spec: Any) -> dict:
    """The spec checked against the kind's schema (ids, types, no unknown keys): what the engine can read; every
    problem in Vietnamese (400)."""
    schema = SPECS.get(kind)
    if schema is None:
        raise ValidationFailed({"kind": ["Chọn loại sắp xếp: " + "; ".join(f"{v} ({label})" for v, label
                                                                             in OperationKind.choices) + "."]})
    try:
        parsed = schema.model_validate(spec)
    except PydanticValidationError as exc:
        problems = []
        for e in exc.errors()[:20]:
            where = ".".join(str(p) for p in e.get("loc", ())) or "spec"
            problems.append(f"Tham số “{where}”: {_PROBLEMS.get(e.get('type', ''), 'không hợp lệ')}.")
        raise ValidationFailed({"spec": problems})
    return parsed.model_dump(exclude_none=True)


# -- operations -------------------------------------------------------------------------------------------------
class OperationIn(Schema):
    kind: str = Field(max_length=20, description="merge, split, dissolve, move, rename, retype, abolish_level")
    title: str = Field(description="Nội dung thao tác (tối đa 255 ký tự)")
    spec: dict[str, Any] = Field(description=SPEC_DOC)
    effective_on: dt.date | None = Field(None, description="Ngày hiệu lực (không ở tương lai)")
    decision_no: str = Field("", max_length=60)
    decision_date: dt.date | None = None
    decision_issuer: str = Field("", max_length=255)
    note: str = Field("", max_length=5000)
    plan_id: Id | None = Field(None, description="Đề án sắp xếp mà thao tác tính vào")


class OperationPatch(Schema):
    title: str | None = None
    spec: dict[str, Any] | None = Field(None, description=SPEC_DOC)
    effective_on: dt.date | None = None
    decision_no: str | None = Field(None, max_length=60)
    decision_date: dt.date | None = None
    decision_issuer: str | None = Field(None, max_length=255)
    note: str | None = Field(None, max_length=5000)
    plan_id: Id | None = None


class UndoIn(Schema):
    reason: str = Field(max_length=500, description="Lý do hoàn tác")


class OperationListParams(Schema):
    status: str | None = Field(None, description="draft, queued, running, applied, failed, undone")
    kind: str | None = Field(None, description="Loại sắp xếp")
    q: str | None = Field(None, max_length=100, description="Tìm trong nội dung và số quyết định")
    page: int = Field(1, ge=1, le=100000, description="Trang (25 thao tác một trang)")


class LineOut(Schema):
    label: str
    text: str


class WarningOut(Schema):
    code: str = ""
    org: str = ""
    message: str = ""
    rule: str = ""


class MoveOut(Schema):
    org_id: int
    name: str
    from_parent: str = Field("", description="Cấp trên cũ")
    to_parent: str = Field("", description="Cấp trên mới")
    orgs: int = Field(0, description="Tổ chức đang hoạt động trong cây chuyển")
    members: int = Field(0, description="Đảng viên trong cây chuyển (không đổi nơi sinh hoạt)")


class MembersBySourceOut(Schema):
    org: str
    members: int


class OutcomeOut(Schema):
    founded: list[int] = []
    closed: list[int] = []
    edited: list[int] = []
    successors: list[int] = []
    founded_names: list[str] = []
    closed_names: list[str] = []
    successor_names: list[str] = []
    moves: list[MoveOut] = Field([], description="Các cây trực thuộc chuyển (tối đa 500 đầu tiên)")
    moves_total: int = 0
    orgs_in_moved_subtrees: int = 0
    members_in_moved_subtrees: int = 0
    members_moved: int = Field(0, description="Đảng viên chuyển sinh hoạt theo sắp xếp")
    members_by_source_named: list[MembersBySourceOut] = []


class PreviewOut(Schema):
    ok: bool
    errors: list[str] = []
    warnings: list[WarningOut] = []
    outcome: OutcomeOut | None = None


class OperationOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    title: str
    scope_org_id: int = Field(description="Tổ chức (cấp chung của mọi tổ chức trong tham số) mà thao tác thuộc về")
    scope_org_name: str
    plan_id: int | None
    spec: dict[str, Any]
    effective_on: dt.date | None
    decision_no: str
    decision_date: dt.date | None
    decision_issuer: str
    note: str
    created_at: dt.datetime
    previewed_at: dt.datetime | None
    applied_at: dt.datetime | None
    undone_at: dt.datetime | None
    undo_reason: str
    error: str
    preview_state: str = Field("", description=(
        "Xem trước: rỗng là chưa xem trước, queued đang chờ, running đang chạy nền, done đã xong (kết quả trong "
        "preview), interrupted chưa hoàn thành (tiến trình chạy nền dừng giữa chừng: xem trước lại)"))
    preview_state_label: str = ""
    progress_url: str = Field("", description="Địa chỉ theo dõi tiến độ việc chạy nền (xem trước, thực hiện)")
    undoable: bool = Field(description="Là thao tác đã thực hiện gần nhất (hoàn tác được nếu chưa có thay đổi mới hơn)")


class OperationDetailOut(OperationOut):
    description: list[LineOut] = Field(description="Tham số bằng lời")
    preview: PreviewOut | None = Field(description="Kết quả xem trước gần nhất (dự thảo)")
    preview_stale: str = Field("", description="Vì sao kết quả xem trước đã cũ (cây tổ chức đã thay đổi sau đó): "
                                               "cần xem trước lại trước khi thực hiện; rỗng nếu chưa cũ")
    result: OutcomeOut | None = Field(description="Kết quả thực hiện")


class OperationPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[OperationOut]


class ProgressOut(Schema):
    status: str
    status_label: str
    job: str = Field("", description="Việc chạy nền: preview (xem trước), apply (thực hiện), rỗng nếu không có")
    job_label: str = ""
    preview_state: str = ""
    preview_state_label: str = ""
    label: str = Field(description="Bước đang chạy")
    done: int
    total: int
    percent: int
    error: str
    finished: bool


# -- plans ------------------------------------------------------------------------------------------------------
class PlanIn(Schema):
    org_id: Id = Field(description="Cấp ủy chủ trì (cây tổ chức của đề án)")
    code: str = Field(max_length=200)
    title: str = Field(max_length=1000)
    start_on: dt.date
    deadline: dt.date
    target_reduced: int = Field(0, le=10**7, description="Số đầu mối phải giảm")
    target_merged: int = Field(0, le=10**7, description="Số tổ chức phải hợp nhất, sáp nhập")
    target_dissolved: int = Field(0, le=10**7, description="Số tổ chức phải giải thể")
    decision_no: str = Field("", max_length=60)
    decision_date: dt.date | None = None
    note: str = Field("", max_length=5000)


class PlanPatch(Schema):
    code: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=1000)
    start_on: dt.date | None = None
    deadline: dt.date | None = None
    target_reduced: int | None = Field(None, le=10**7)
    target_merged: int | None = Field(None, le=10**7)
    target_dissolved: int | None = Field(None, le=10**7)
    decision_no: str | None = Field(None, max_length=60)
    decision_date: dt.date | None = None
    note: str | None = Field(None, max_length=5000)


class PlanOut(Schema):
    id: int
    org_id: int
    org_name: str
    code: str
    title: str
    decision_no: str
    decision_date: dt.date | None
    start_on: dt.date
    deadline: dt.date
    target_reduced: int
    target_merged: int
    target_dissolved: int
    note: str
    created_at: dt.datetime


class TargetProgressOut(Schema):
    key: str = Field(description="reduced (giảm đầu mối), merged (hợp nhất), dissolved (giải thể)")
    label: str
    done: int
    target: int
    text: str = Field(description="“113/172 (65,7 %)”")
    percent: float


class PlanProgressOut(Schema):
    plan_id: int
    on: dt.date
    targets: list[TargetProgressOut]


class PlanDetailOut(PlanOut):
    progress: PlanProgressOut = Field(description="Tiến độ đến hôm nay")
    operations: list[OperationOut] = Field(description="Các thao tác của đề án (trong phạm vi, mới nhất trước, "
                                                       "tối đa 200)")


class PlanProgressParams(Schema):
    on: dt.date | None = Field(None, description="Tính đến ngày (mặc định hôm nay)")


# -- lineage ----------------------------------------------------------------------------------------------------
class LineageLinkOut(Schema):
    org_id: int
    name: str
    effective_on: dt.date
    whole: bool = Field(description="Toàn bộ tổ chức cũ chuyển vào tổ chức mới (không phải một phần)")
    operation_id: int | None


class LineageOut(Schema):
    org_id: int
    predecessors: list[LineageLinkOut] = Field(description="Tổ chức trước sắp xếp (hình thành từ)")
    successors: list[LineageLinkOut] = Field(description="Tổ chức sau sắp xếp (kế thừa)")

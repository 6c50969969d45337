from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class OrgOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    grassroots_type: str
    path: str
    depth: int
    parent_path: str
    numchild: int
    admin_unit_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    congress_cycle_months: int | None


class OrgCreateIn(Schema):
    parent_id: int
    code: str
    name: str
    kind: str
    valid_from: dt.date
    short_name: str = ""
    grassroots_type: str = ""
    admin_unit_id: int | None = None
    congress_cycle_months: int | None = None
    note: str = ""
    decision_no: str = ""
    decision_date: dt.date | None = None
    decision_issuer: str = ""


class OrgUpdateIn(Schema):
    effective_on: dt.date
    code: str | None = None
    name: str | None = None
    short_name: str | None = None
    kind: str | None = None
    grassroots_type: str | None = None
    congress_cycle_months: int | None = None
    note: str | None = None
    decision_no: str = ""
    decision_date: dt.date | None = None
    decision_issuer: str = ""


class OrgMoveIn(Schema):
    new_parent_id: int
    effective_on: dt.date
    decision_no: str = ""
    decision_date: dt.date | None = None
    decision_issuer: str = ""


class OrgCloseIn(Schema):
    last_day: dt.date
    note: str = ""
    decision_no: str = ""
    decision_date: dt.date | None = None
    decision_issuer: str = ""


class HeadcountIn(Schema):
    official: int
    probationary: int


class HeadcountOut(Schema):
    official: int
    probationary: int


class CountsOut(Schema):
    orgs: int
    by_kind: dict[str, int]
    official: int
    probationary: int
    members: int


class VersionOut(Schema):
    org_id: int
    path: str
    depth: int
    parent_id: int | None
    code: str
    name: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None


class ChangeOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    effective_on: dt.date
    decision_no: str
    decision_date: dt.date | None
    decision_issuer: str
    summary: str


class WarningOut(Schema):
    org_id: int
    org_name: str
    code: str
    message: str
    rule: str


class CongressIn(Schema):
    term_start_year: int
    term_end_year: int
    planned_on: dt.date | None = None
    held_on: dt.date | None = None
    held_to: dt.date | None = None
    is_delegate_congress: bool = False
    note: str = ""


class CongressPatch(Schema):
    planned_on: dt.date | None = None
    held_on: dt.date | None = None
    held_to: dt.date | None = None
    is_delegate_congress: bool | None = None
    note: str | None = None


class CongressOut(Schema):
    id: int
    org_id: int
    term_start_year: int
    term_end_year: int
    planned_on: dt.date | None
    held_on: dt.date | None
    held_to: dt.date | None
    is_delegate_congress: bool
    note: str


class SeatIn(Schema):
    role: str
    person_name: str
    from_date: dt.date
    method: str
    ballot_round: int | None = None
    decision_no: str = ""
    decision_date: dt.date | None = None
    congress_id: int | None = None
    person_ref: str = ""


class SeatEndIn(Schema):
    to_date: dt.date
    reason: str = ""


class SeatOut(Schema):
    id: int
    org_id: int
    body: str
    role: str
    role_label: str = Field(..., alias="get_role_display")
    person_name: str
    from_date: dt.date
    to_date: dt.date | None
    method: str
    ballot_round: int | None
    decision_no: str


class ProgressOut(Schema):
    kind: str
    term_start_year: int
    term_end_year: int
    on: dt.date
    held: int
    total: int
    text: str

"""Report forms as data: every shipped form filled from the engine equals an independent recount from
the events (tcxd.reports.tests.test_stats.brute_force: each member's history replayed on the day, the
tree as it stood); totals are the sums; a past day does not move when later events are recorded; the
definition is validated (every problem named, all at once); only administrators change forms."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from tcxd.audit.models import AuditEntry
from tcxd.authz.models import Role
from tcxd.common.errors import NotFound, PermissionDenied, ValidationFailed
from tcxd.conftest import make_org, make_user
from tcxd.members import services as MS
from tcxd.members.models import Member
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org
from tcxd.reports import stats
from tcxd.reports.form_services import report_form_save
from tcxd.reports.models import FormKind, ReportForm
from tcxd.reports.report_forms import definition_errors, previous_period, render_form
from tcxd.rules.pure import membership as M

from . import test_stats
from .test_stats import TODAY, _official, brute_force, brute_movements

D = dt.date
SHIPPED = importlib.import_module("tcxd.reports.migrations.0003_shipped_forms")
DIMS = list(stats.ALL)
world = test_stats.world  # the random world of the engine's property tests (a fixture)


# -- an independent evaluation of a definition over the recount --------------------------------------
def _items(items: list, root, day) -> list[tuple[str, dict, object]]:
    out = []
    for item in items:
        if "group" in item:
            out += _items(item["columns"], root, day)
        elif "expand" in item:
            only, excluded = item.get("only"), item.get("except", [])
            for code, _label in stats.dimension(item["expand"], day, root=root).values:
                if (only is None or code in only) and code not in excluded:
                    out.append((f"{item['expand']}:{code}", {item["expand"]: code}, None))
        else:
            out.append((item["key"], item.get("filter") or {}, item.get("total")))
    return out


def _holds(flt: dict, record: dict) -> bool:
    for dim, spec in flt.items():
        negated = isinstance(spec, dict)
        values = spec["not"] if negated else spec
        values = [values] if isinstance(values, str) else values
        if (record[dim] in values) == negated:
            return False
    return True


def expected_member_grid(definition: dict, root, day) -> dict[str, list[int]]:
    records = [(dict(zip(DIMS, key, strict=True)), n) for key, n in brute_force(root, day, DIMS).items()]
    rows = _items(definition["rows"], root, day)
    if definition.get("rows_from") == "children":
        children = stats.dimension("child", day, root=root).values
        rows += [(f"child:{code}", {"child": code}, None) for code, _ in children]
    cols = _items(definition["columns"], root, day)

    def cell(rf, cf):
        return sum(n for record, n in records if _holds(rf, record) and _holds(cf, record))

    col_index = {key: j for j, (key, _f, _t) in enumerate(cols)}

    def row_values(flt):
        values = [cell(flt, cf) if not isinstance(t, list) else None for _k, cf, t in cols]
        for j, (_k, _cf, t) in enumerate(cols):
            if isinstance(t, list):
                values[j] = sum(values[col_index[n]] for n in t)
        return values

    grid = {key: row_values(flt) for key, flt, t in rows if not isinstance(t, list)}
    for key, _flt, t in rows:
        if isinstance(t, list):
            grid[key] = [sum(grid[n][j] for n in t) for j in range(len(cols))]
    return grid


def _form(code: str) -> ReportForm:
    return ReportForm.objects.get(code=code)


def _grid(rendered) -> dict[str, list[int]]:
    return {r.key: r.values for r in rendered.rows}


# -- the shipped forms -------------------------------------------------------------------------------
def test_the_shipped_forms_are_loaded_valid_and_say_they_are_unverified(db):
    codes = {f["code"] for f in SHIPPED.FORMS}
    assert codes == {"1-TCTW-DV", "1-TCTW-TC", "1-TCTW-TH", "3-TCTW", "4-TCTW", "BD-KY"}
    assert set(ReportForm.objects.values_list("code", flat=True)) >= codes
    for form in ReportForm.objects.filter(code__in=codes):
        assert definition_errors(form.kind, form.definition) == [], form.code
        assert "chưa được kiểm chứng" in form.description
    assert ReportForm.objects.get(code="1-TCTW-TH").definition["rows_from"] == "children"


@pytest.mark.parametrize("code", ["1-TCTW-DV", "1-TCTW-TH", "3-TCTW", "4-TCTW"])
def test_each_member_form_equals_the_recount(code, world, admin_user):
    form = _form(code)
    seen = 0
    for root in (world["province"], world["commune_2"]):
        for day in (TODAY, D(2018, 6, 30), world["moved_on"]):
            rendered = render_form(actor=admin_user, form=form, org=root, on=day)
            expected = expected_member_grid(form.definition, root, day)
            got = {k: v for k, v in _grid(rendered).items() if k != "child:"}
            assert got == expected, (code, root.name, day)
            assert all(isinstance(v, int) for r in rendered.rows for v in r.values)
            seen += sum(sum(v) for v in got.values())
    assert seen > 0


def test_the_consolidated_layout_has_a_row_per_subordinate_org_summing_to_the_total(world, admin_user):
    rendered = render_form(actor=admin_user, form=_form("1-TCTW-TH"), org=world["province"], on=TODAY)
    keys = [r.key for r in rendered.rows]
    children = [f"child:{c.pk}" for c in (world["commune_1"], world["commune_2"])]
    assert keys == ["tong", *children]  # no member sits directly at the province
    grid = _grid(rendered)
    assert grid["tong"] == [sum(grid[k][j] for k in children) for j in range(len(rendered.columns))]
    labels = {r.key: r.label for r in rendered.rows}
    assert labels[children[0]] == "Xã 1"
    # columns: the total is official + probationary
    cols = [c.key for c in rendered.columns]
    row = grid["tong"]
    assert row[cols.index("so_luong")] == row[cols.index("chinh_thuc")] + row[cols.index("du_bi")] > 0


def test_totals_are_the_sums_in_every_shipped_form(world, admin_user):
    for form in ReportForm.objects.filter(code__in=[f["code"] for f in SHIPPED.FORMS]):
        when = {"start": D(2015, 1, 1), "end": TODAY} if form.kind == FormKind.MOVEMENTS else {"on": TODAY}
        rendered = render_form(actor=admin_user, form=form, org=world["province"], **when)
        grid = _grid(rendered)
        for item in form.definition["rows"]:
            if isinstance(item.get("total"), list):
                assert grid[item["key"]] == [sum(grid[k][j] for k in item["total"])
                                             for j in range(len(rendered.columns))], (form.code, item["key"])


def test_quality_form_counts_each_member_once_at_the_highest_level(world, admin_user):
    rendered = render_form(actor=admin_user, form=_form("3-TCTW"), org=world["root"], on=TODAY)
    cols = [c.key for c in rendered.columns]
    total = _grid(rendered)["tong"]
    ages = [total[j] for j, k in enumerate(cols) if k.startswith("age_band:")]
    education = [total[j] for j, k in enumerate(cols) if k.startswith("general_education:")]
    theory = sum(total[j] for j, k in enumerate(cols) if k.startswith("political_theory:"))
    assert sum(ages) == sum(education) == total[0] > 0  # every member in exactly one band, one level
    theories = brute_force(world["root"], TODAY, ["political_theory"])
    assert theory == sum(n for (t,), n in theories.items() if t != "none")
    assert [c.key for c in rendered.columns if c.key.startswith("age_band:")] == [
        f"age_band:{c}" for c, _ in stats.age_band_values(TODAY)]


def test_organization_form_counts_orgs_by_kind(tree, admin_user):
    """Province → communes Đông Kinh (cell A1, grassroots cell A2) and Cao Lộc (cell B1)."""
    rendered = render_form(actor=admin_user, form=_form("1-TCTW-TC"), org=tree.province, on=TODAY)
    assert {k: v[0] for k, v in _grid(rendered).items()} == {
        "tinh": 1, "huyen": 0, "cap_tren": 0, "tccsd": 3, "xa": 2, "dbcs": 0, "cbcs": 1, "dbbp": 0, "chi_bo": 2,
        "tong_chi_bo": 3, "to_dang": 0}
    # the tree as it stood: before the communes were founded (01/07/2025) only the province
    before = render_form(actor=admin_user, form=_form("1-TCTW-TC"), org=tree.province, on=D(2025, 6, 30))
    assert _grid(before)["tinh"] == [1] and _grid(before)["tccsd"] == [0]


def test_movement_form_equals_the_recount_with_the_same_period_of_the_previous_year(world, admin_user):
    form = _form("BD-KY")
    rows = {item["key"]: item for item in form.definition["rows"]}
    for root in (world["province"], world["commune_1"]):
        for start, end in ((D(2016, 1, 1), D(2019, 12, 31)), (D(2020, 3, 1), D(2021, 2, 28))):
            rendered = render_form(actor=admin_user, form=form, org=root, start=start, end=end)
            pstart, pend = previous_period(start, end)
            assert (rendered.previous_start, rendered.previous_end) == (pstart, pend)
            now, before = brute_movements(root, start, end), brute_movements(root, pstart, pend)
            for key, values in _grid(rendered).items():
                item = rows[key]
                names = [rows[n]["filter"]["movement"] for n in item["total"]] if "total" in item \
                    else [item["filter"]["movement"]]
                assert values == [sum(now[n] for n in names), sum(before[n] for n in names)], (root.name, key)
    assert previous_period(D(2024, 2, 29), D(2024, 12, 31)) == (D(2023, 2, 28), D(2023, 12, 31))


def test_a_past_day_is_unchanged_after_later_events(world, admin_user):
    past = D(2020, 6, 30)
    forms = [_form(c) for c in ("1-TCTW-DV", "1-TCTW-TH", "3-TCTW", "1-TCTW-TC")]
    before = [render_form(actor=admin_user, form=f, org=world["province"], on=past).rows for f in forms]
    member = Member.objects.filter(status=M.Status.OFFICIAL, org__in=world["cells"][:3]).first()
    MS.member_event_record(actor=admin_user, member=member, kind=M.EventKind.DIED.value, on=TODAY)
    after = [render_form(actor=admin_user, form=f, org=world["province"], on=past).rows for f in forms]
    assert after == before
    today = render_form(actor=admin_user, form=forms[0], org=world["province"], on=TODAY)
    assert _grid(today)["tong"][0] == sum(brute_force(world["province"], TODAY, ()).values())


# -- rendering: bad input, scope ---------------------------------------------------------------------
def test_render_refuses_a_future_day_and_a_reversed_period(tree, admin_user):
    with pytest.raises(ValidationFailed) as exc:
        render_form(actor=admin_user, form=_form("1-TCTW-DV"), org=tree.province, on=TODAY + dt.timedelta(days=1))
    assert "chưa tới" in exc.value.errors["on"][0]
    with pytest.raises(ValidationFailed) as exc:
        render_form(actor=admin_user, form=_form("BD-KY"), org=tree.province, start=D(2026, 5, 1), end=D(2026, 4, 1))
    assert exc.value.errors["start"] == ["Từ ngày 01/05/2026 sau đến ngày 01/04/2026: kỳ báo cáo không hợp lệ."]


def test_an_org_not_yet_founded_on_the_day_is_said_so(tree, admin_user):
    rendered = render_form(actor=admin_user, form=_form("1-TCTW-DV"), org=tree.commune_a, on=D(2024, 1, 1))
    assert rendered.notes == ["Đảng bộ phường Đông Kinh chưa thành lập hoặc đã giải thể tại ngày 01/01/2024: "
                              "không có số liệu."]
    assert all(v == 0 for r in rendered.rows for v in r.values)


def test_scope(tree, users, admin_user):
    other = make_org(admin_user, tree.root, OrgKind.PROVINCIAL, name="Tỉnh khác", code="TK", valid_from=D(2015, 1, 1))
    officer = make_user("tk-officer", Role.OFFICER, other)
    with pytest.raises(NotFound):
        render_form(actor=officer, form=_form("1-TCTW-DV"), org=tree.province, on=TODAY)
    with pytest.raises(NotFound):
        render_form(actor=users["commune_officer"], form=_form("BD-KY"), org=tree.commune_b, start=D(2026, 1, 1),
                    end=TODAY)
    assert render_form(actor=officer, form=_form("1-TCTW-DV"), org=other, on=TODAY).org_name == "Tỉnh khác"


# -- definitions: validation -------------------------------------------------------------------------
BAD = [
    ({"rows": [{"key": "a", "label": "A", "filter": {"gioi_tinh": "F"}}], "columns": [{"key": "c", "label": "C"}]},
     "Dòng “a”: không có chiều thống kê “gioi_tinh” cho biểu loại đảng viên"),
    ({"rows": [{"key": "a", "label": "A", "filter": {"sex": "X"}}], "columns": [{"key": "c", "label": "C"}]},
     "Dòng “a”: “X” không phải giá trị của giới tính (sex); các giá trị: F, M."),
    ({"rows": [{"key": "a", "label": "A", "filter": {"age_band": "30-39"}}], "columns": [{"key": "c", "label": "C"}]},
     "Dòng “a”: “30-39” không phải giá trị của tuổi đời (age_band)"),
    ({"rows": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}], "columns": [{"key": "c", "label": "C"}]},
     "Mã dòng “a” bị trùng: mỗi dòng một mã riêng."),
    ({"rows": [{"key": "a", "label": "A"}], "columns": [{"key": "c", "label": "C"}, {"group": "G", "columns": [
        {"key": "c", "label": "C2"}]}]}, "Mã cột “c” bị trùng: mỗi cột một mã riêng."),
    ({"rows": [{"key": "a", "label": "A"}, {"key": "t", "label": "T", "total": ["a", "b"]}],
      "columns": [{"key": "c", "label": "C"}]}, "Dòng “t”: dòng tổng cộng “b”, không có dòng nào mang mã này."),
    ({"rows": [{"key": "t", "label": "T", "total": ["u"]}, {"key": "u", "label": "U", "total": ["t"]}],
      "columns": [{"key": "c", "label": "C"}]}, "Các dòng tổng cộng vòng tròn qua “t”."),
    ({"rows": [{"key": "a", "label": "A"}]}, "Định nghĩa thiếu \"columns\"."),
    ({"rows": [{"key": "a"}], "columns": [{"key": "c", "label": "C"}]}, "Dòng “a”: thiếu nhãn (\"label\""),
    ({"rows": [{"key": "a", "label": "A", "indent": 9}], "columns": [{"key": "c", "label": "C"}]},
     "Dòng “a”: \"indent\" (thụt dòng) là số nguyên từ 0 đến 3, chỉ dùng cho dòng."),
    ({"rows": [{"expand": "religion", "only": ["phat_giao", "dao_x"]}], "columns": [{"key": "c", "label": "C"}]},
     "Dòng 1 (\"only\"): “dao_x” không phải giá trị của tôn giáo (religion)"),
    ({"rows": [{"key": "a", "label": "A", "filter": {"child": "1"}}], "columns": [{"key": "c", "label": "C"}]},
     "chỉ dùng qua \"rows_from\": \"children\""),
    ({"rows": [], "columns": [{"key": "c", "label": "C"}], "rows_from": "grandchildren"},
     "\"rows_from\" chỉ nhận \"children\""),
    ("{\"rows\": [", "Định nghĩa không phải JSON hợp lệ: Expecting value (dòng 1, cột 11)."),
    ([1, 2], "Định nghĩa phải là một đối tượng JSON có \"rows\" và \"columns\"."),
]


@pytest.mark.parametrize(("definition", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_each_problem_of_a_definition_is_named(db, definition, message):
    errors = definition_errors(FormKind.MEMBERS, definition)
    assert any(message in e for e in errors), errors


def test_movement_and_organization_definitions_know_their_own_dimensions(db):
    assert definition_errors(FormKind.MOVEMENTS, {"rows": [{"key": "a", "label": "A", "filter": {
        "movement": "bay_di"}}], "columns": [{"key": "c", "label": "C", "filter": {"period": "current"}}]}) == [
        "Dòng “a”: không có biến động “bay_di”; dùng một trong: admitted, badges, cadre_biet_phai, cadre_bo_nhiem, "
        "cadre_bo_nhiem_lai, cadre_dieu_dong, cadre_gioi_thieu_ung_cu, cadre_kien_toan, cadre_luan_chuyen, died, "
        "expelled, left, readmitted, recognized, struck_off, temporary_in, temporary_out, transferred_in, "
        "transferred_out."]
    errors = definition_errors(FormKind.ORGANIZATIONS, {"rows": [{"key": "a", "label": "A", "filter": {
        "sex": "F"}}], "columns": [{"key": "c", "label": "C", "filter": {"kind": "chi_bo"}}]})
    assert errors[0].startswith("Dòng “a”: không có chiều thống kê “sex” cho biểu loại tổ chức đảng; "
                                "dùng một trong: kind")
    assert errors[1].startswith("Cột “c”: “chi_bo” không phải giá trị của loại tổ chức (kind)")


# -- the service --------------------------------------------------------------------------------------
DEFINITION = {"row_header": "Chỉ tiêu", "columns": [{"key": "so_luong", "label": "Tổng số", "total": "all"},
                                                    {"key": "nu", "label": "Nữ", "filter": {"sex": "F"}}],
              "rows": [{"key": "tong", "label": "Tổng số", "total": "all"},
                       {"expand": "party_age_band", "indent": 1}]}


def test_an_administrator_adds_and_changes_a_form_with_one_audit_row_each(tree, users):
    before = AuditEntry.objects.count()
    form = report_form_save(actor=tree.admin, code="TUOI-DANG", title="Đảng viên theo tuổi Đảng",
                            kind=FormKind.MEMBERS, definition=DEFINITION, family="Khác")
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.before, entry.after["code"]) == ("report_form.create", None, "TUOI-DANG")
    form = report_form_save(actor=tree.admin, form=form, code="TUOI-DANG", title="Tuổi Đảng",
                            kind=FormKind.MEMBERS, definition='{"rows": [{"key": "a", "label": "A"}], '
                                                              '"columns": [{"key": "c", "label": "C"}]}')
    assert AuditEntry.objects.count() == before + 2
    form.refresh_from_db()
    assert form.title == "Tuổi Đảng" and form.definition["rows"] == [{"key": "a", "label": "A"}]
    assert form.updated_by == tree.admin
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "report_form.update" and entry.before["title"] == "Đảng viên theo tuổi Đảng"


def test_the_service_names_every_problem_at_once_and_writes_nothing(tree):
    before = (ReportForm.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        report_form_save(actor=tree.admin, code="3-TCTW", title="", kind=FormKind.MEMBERS,
                         definition={"rows": [{"key": "a", "label": "A", "filter": {"sex": "X"}}], "columns": []})
    assert exc.value.errors == {
        "code": ["Đã có biểu mã “3-TCTW”: mỗi biểu một mã riêng."],
        "title": ["Chưa nhập tên biểu (tối đa 300 ký tự)."],
        "definition": ["Dòng “a”: “X” không phải giá trị của giới tính (sex); các giá trị: F, M.",
                       "Biểu phải có ít nhất một cột."]}
    with pytest.raises(ValidationFailed) as exc:
        report_form_save(actor=tree.admin, code="có dấu", title="T", kind="cadres", definition={})
    assert set(exc.value.errors) == {"code", "kind"}
    assert (ReportForm.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("role", ["province_officer", "leader", "commune_officer", "cell", "member"])
def test_only_administrators_change_forms(role, users):
    with pytest.raises(PermissionDenied):
        report_form_save(actor=users[role], form=_form("3-TCTW"), code="3-TCTW", title="Sửa", kind=FormKind.MEMBERS,
                         definition=DEFINITION)
    assert _form("3-TCTW").title == "Chất lượng đảng viên"


def test_a_form_as_a_dict_is_previewed_and_a_definition_error_stops_it(tree, admin_user):
    preview = render_form(actor=admin_user, org=tree.province, on=TODAY,
                          form={"kind": "members", "definition": DEFINITION, "code": "", "title": "Thử"})
    assert [r.key for r in preview.rows][:2] == ["tong", f"party_age_band:{stats.party_age_band_values(TODAY)[0][0]}"]
    with pytest.raises(ValidationFailed) as exc:
        render_form(actor=admin_user, org=tree.province, on=TODAY,
                    form={"kind": "members", "definition": {"rows": [], "columns": []}})
    assert "Biểu phải có ít nhất một cột." in exc.value.errors["definition"]


def test_a_seeded_figure_reads_the_vietnamese_way(tree, admin_user):
    for _ in range(3):
        _official(tree.cell_a1, D(1980, 1, 1), D(2016, 1, 4))
    rendered = render_form(actor=admin_user, form=_form("1-TCTW-DV"), org=tree.province, on=TODAY)
    assert _grid(rendered)["tong"] == [3, 0, 0] and _grid(rendered)["chinh_thuc"] == [3, 0, 0]


def test_a_movement_form_by_subordinate_org_reads_the_events_once_for_all_its_rows(world, admin_user):
    """One row per subordinate org: each row equals that org's recount, and the queries do not grow with the
    number of rows (the movements of the org and every child in one pass per period)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    form = {"kind": FormKind.MOVEMENTS, "code": "BD-DV", "title": "Biến động theo đơn vị", "definition": {
        "rows_from": "children", "rows": [],
        "columns": [{"key": "ket_nap", "label": "Kết nạp", "filter": {"movement": "admitted", "period": "current"}},
                    {"key": "chuyen_di", "label": "Chuyển đi",
                     "filter": {"movement": "transferred_out", "period": "previous"}}]}}
    start, end = D(2016, 1, 1), D(2021, 12, 31)
    pstart, pend = previous_period(start, end)

    def rendered_with_queries(root):
        with CaptureQueriesContext(connection) as queries:
            rendered = render_form(actor=admin_user, form=form, org=root, start=start, end=end)
        return rendered, len(queries)

    for root in (world["province"], world["commune_1"]):
        rendered, _n = rendered_with_queries(root)
        for row in rendered.rows:
            if not row.key.startswith("child:") or row.key == "child:":
                continue
            child = Org.objects.get(pk=int(row.key.split(":")[1]))
            assert row.values == [brute_movements(child, start, end)["admitted"],
                                  brute_movements(child, pstart, pend)["transferred_out"]], (root.name, child.name)
    few, n_few = rendered_with_queries(world["province"])
    for i in range(4):
        make_org(admin_user, world["province"], OrgKind.COMMUNE, name=f"Xã thêm {i}", code=f"XT{i}",
                 valid_from=D(2011, 2, 1))
    more, n_more = rendered_with_queries(world["province"])
    assert len(more.rows) == len(few.rows) + 4
    assert n_more <= n_few + 2, (n_few, n_more)

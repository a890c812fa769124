"""Units and people from Excel: the template imports as it is, every broken row is named by sheet, row and column,
nothing is written unless everything is right, and hostile files are refused."""

import io
import json
import zipfile
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gongjian.audit.models import AuditEvent
from gongjian.campaigns.models import Campaign, FocusArea
from gongjian.errors import UserError
from gongjian.org.models import Person, Role, RoleGrant, Unit
from gongjian.setup.orgsheet import PEOPLE_COLUMNS, UNIT_COLUMNS, export, import_org, template

pytestmark = pytest.mark.django_db
User = get_user_model()


def book(units: list[list], people: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append([c.header for c in UNIT_COLUMNS])
    for row in units:
        sheet.append(row)
    sheet = workbook.create_sheet("人员")
    sheet.append([c.header for c in PEOPLE_COLUMNS])
    for row in people:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot() -> tuple:
    return (list(Unit.objects.values_list("name", "parent__name", "kind")),
            list(User.objects.values_list("username", flat=True)), RoleGrant.objects.count(),
            AuditEvent.objects.count())


GOOD_UNITS = [["某某县人民政府", "县政府", "市委市政府", None, None], ["城关镇", "城关", "镇", "某某县人民政府", "辖区"],
              ["县发改局", "发改局", "部门", "某某县人民政府", "项目"]]
GOOD_PEOPLE = [
    ["changwu", "常务副县长", "某某县人民政府", "常务副县长", "13800000001", "cw@example.gov.cn", "cw01", None, None,
     "市级领导", "是", "否", "县发改局、城关镇", None],
    ["cgz_liaison", "城关镇督查联络员", "城关镇", "党政办主任", "0532-1234567", None, None, "dd01", "联络员", "单位填报员",
     None, None, None, None],
]


def test_template_imports_as_it_is_and_dry_run_writes_nothing(cast):
    data = template()
    before = snapshot()
    dry = import_org(actor=cast.system_admin, data=data, commit=False)
    assert dry.errors == [] and (dry.units, dry.people) == (4, 3)
    assert snapshot() == before
    done = import_org(actor=cast.system_admin, data=data, commit=True)
    assert done.errors == [] and done.created_units == 4 and done.created_people == 3
    changwu = Person.objects.get(user__username="changwu")
    assert changwu.is_city_leader and {u.name for u in changwu.oversees.all()} == {"县发展和改革局", "城关镇"}
    assert Unit.objects.get(name="城关镇").parent.name == "某某县人民政府"
    liaison = Person.objects.get(user__username="cgz_liaison")
    assert liaison.unit_duty == "liaison" and not liaison.user.has_usable_password()
    assert list(RoleGrant.objects.filter(user=liaison.user).values_list("role", flat=True)) == [Role.UNIT_EDITOR]
    event = AuditEvent.objects.get(event="org.import")
    assert event.actor == cast.system_admin and event.changes["created_people"] == 3


def test_template_has_dropdowns_for_kind_and_duty():
    workbook = load_workbook(io.BytesIO(template()))
    units, people = workbook["单位"], workbook["人员"]
    assert [v.sqref for v in units.data_validations.dataValidation] and units["C1"].value == "类型"
    assert any("I2" in str(v.sqref) for v in people.data_validations.dataValidation)
    assert workbook["_lists"].sheet_state == "hidden"


def test_leaders_oversee_units_and_focus_areas(cast):
    campaign = Campaign.objects.create(name="2027攻坚年", year=2027, start=date(2027, 1, 1), end=date(2027, 12, 31))
    area = FocusArea.objects.create(campaign=campaign, title="项目建设")
    people = [GOOD_PEOPLE[0][:13] + ["2027攻坚年/项目建设"]]
    result = import_org(actor=cast.system_admin, data=book(GOOD_UNITS, people), commit=True)
    assert result.errors == []
    area.refresh_from_db()
    assert area.leader.user.username == "changwu"


def test_every_error_named_by_sheet_row_and_column_and_nothing_written(cast):
    units = [
        ["某某县人民政府", None, "市委市政府", None, None],
        ["城关镇", None, "乡", "某某县人民政府", None],            # unknown kind (row 3, C)
        ["城关镇", None, "镇", None, None],                        # duplicate name (row 4, A)
        ["甲局", None, "部门", "乙局", None],                      # cycle (rows 5 and 6, D)
        ["乙局", None, "部门", "甲局", None],
        ["丙局", None, "部门", "不存在的单位", None],              # unknown parent (row 7, D)
    ]
    people = [
        ["ok_user", "某人", "城关镇", None, "12ab", "not-an-email", None, None, None, None, None, None, None, None],
        ["bad name!", "某人", "无此单位", None, None, None, None, None, None, "市级管理员", None, None, None, None],
        ["ok_user", "重复", "城关镇", None, None, None, None, None, None, None, None, None, "城关镇", None],
        [cast.security_admin.username, "安全", "城关镇", None, None, None, None, None, None, None, None, None, None,
         None],
        ["leader2", "县长", "某某县人民政府", None, None, None, None, None, None, None, "是", "是", None, "无此行动/方向"],
    ]
    before = snapshot()
    result = import_org(actor=cast.system_admin, data=book(units, people), commit=True)
    found = {(sheet, e.row, e.letter) for sheet, e in result.errors}
    assert {("单位", 3, "C"), ("单位", 4, "A"), ("单位", 5, "D"), ("单位", 6, "D"), ("单位", 7, "D")} <= found
    assert {("人员", 2, "E"), ("人员", 2, "F"), ("人员", 3, "A"), ("人员", 3, "C"), ("人员", 3, "J"), ("人员", 4, "A"),
            ("人员", 4, "M"), ("人员", 5, "A"), ("人员", 6, "N")} <= found
    assert all(f"第{e.row}行" in e.message for _, e in result.errors)
    assert snapshot() == before


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil\")", "#REF!"])
def test_formulas_and_error_cells_refused(cast, cell):
    workbook_data = book(GOOD_UNITS, [])
    workbook = load_workbook(io.BytesIO(workbook_data))
    workbook["单位"]["B2"] = cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = snapshot()
    result = import_org(actor=cast.system_admin, data=buffer.getvalue(), commit=True)
    assert [(s, e.row, e.letter) for s, e in result.errors] == [("单位", 2, "B")]
    assert snapshot() == before


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.namelist():
            target.writestr(entry, content if entry == name else source.read(entry))
        if name not in source.namelist():
            target.writestr(name, content)
    return buffer.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>"""


@pytest.mark.parametrize("hostile", [
    pytest.param(lambda good: b"not a spreadsheet at all", id="not-xlsx"),
    pytest.param(lambda good: _with_part(good, "xl/worksheets/sheet1.xml", BILLION_LAUGHS), id="entities"),
    pytest.param(lambda good: _with_part(good, "xl/vbaProject.bin", b"macro"), id="macro"),
    pytest.param(lambda good: _with_part(good, "../../evil.sh", b"x"), id="path-traversal"),
    pytest.param(lambda good: _with_part(good, "xl/media/zeros.bin", bytes(30 * 1024 * 1024)), id="zip-bomb"),
])
def test_hostile_files_refused_and_nothing_written(cast, hostile, tmp_path):
    data = hostile(book(GOOD_UNITS, GOOD_PEOPLE))
    before = snapshot()
    with pytest.raises(UserError):
        import_org(actor=cast.system_admin, data=data, commit=True)
    path = tmp_path / "org.xlsx"
    path.write_bytes(data)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import-org", str(path), "--json", "--user", cast.system_admin.username, stdout=out)
    assert json.loads(out.getvalue())["ok"] is False
    assert snapshot() == before


def test_missing_sheet_or_column_refused(cast):
    workbook = Workbook()
    workbook.active.title = "单位"
    workbook.active.append(["单位名称", "类型"])
    workbook.active.append(["城关镇", "镇"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(UserError, match="人员"):
        import_org(actor=cast.system_admin, data=buffer.getvalue(), commit=True)
    no_kind = Workbook()
    no_kind.active.title = "单位"
    no_kind.active.append(["单位名称"])
    no_kind.create_sheet("人员").append([c.header for c in PEOPLE_COLUMNS])
    buffer = io.BytesIO()
    no_kind.save(buffer)
    with pytest.raises(UserError, match="类型"):
        import_org(actor=cast.system_admin, data=buffer.getvalue(), commit=True)
    assert not Unit.objects.filter(name="城关镇").exists()


def test_export_imports_back_unchanged(cast):
    assert import_org(actor=cast.system_admin, data=book(GOOD_UNITS, GOOD_PEOPLE), commit=True).errors == []
    before = (list(Unit.objects.order_by("id").values()), list(Person.objects.order_by("id").values(
        "display_name", "unit_id", "post", "phone", "email", "wecom_userid", "dingtalk_userid", "unit_duty",
        "is_city_leader", "is_principal_leader")), sorted(RoleGrant.objects.values_list("user_id", "role")))
    again = import_org(actor=cast.system_admin, data=export(), commit=True)
    assert again.errors == [] and again.created_units == 0 and again.created_people == 0
    after = (list(Unit.objects.order_by("id").values()), list(Person.objects.order_by("id").values(
        "display_name", "unit_id", "post", "phone", "email", "wecom_userid", "dingtalk_userid", "unit_duty",
        "is_city_leader", "is_principal_leader")), sorted(RoleGrant.objects.values_list("user_id", "role")))
    assert after == before
    exported = load_workbook(io.BytesIO(export()))
    usernames = [row[0].value for row in exported["人员"].iter_rows(min_row=2)]
    assert cast.security_admin.username not in usernames  # 三员 accounts stay out of the sheet


def test_command_dry_run_and_json(cast, tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(book(GOOD_UNITS, GOOD_PEOPLE))
    out = StringIO()
    call_command("import-org", str(path), "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True and not Unit.objects.filter(name="城关镇").exists()
    out = StringIO()
    call_command("import-org", str(path), "--user", cast.system_admin.username, stdout=out)
    assert "新增单位" in out.getvalue() and Unit.objects.filter(name="城关镇").exists()
    call_command("export-org", "--out", str(tmp_path / "out.xlsx"), stdout=StringIO())
    assert load_workbook(tmp_path / "out.xlsx")["单位"]["A1"].value == "单位名称"

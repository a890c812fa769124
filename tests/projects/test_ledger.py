"""The project ledger: template, dry run, all-or-nothing import with row/column errors, and the round trip."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from gongjian.campaigns.models import Task
from gongjian.org.models import Unit
from gongjian.projects import services
from gongjian.projects.ledger import SHEET, _columns, export_projects, import_projects, template
from gongjian.projects.models import Project, ProjectApproval, ProjectFunding, ProjectPlan

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")
HEADERS = [c.header for c in _columns()]


def _book(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _row(title="莱西预制菜产业园冷链中心", **extra) -> dict:
    return {"项目名称": title, "牵头单位": "姜山镇", "所在镇街": "姜山镇", "总投资（万元）": 12000, "计划开工": date(2023, 4, 1),
            "计划竣工": date(2024, 6, 30), "资金来源：企业自筹（万元）": 9000, "资金来源：银行贷款（万元）": 3000,
            "4月计划投资（万元）": 600, "立项状态": "已办结", "立项办结日期": date(2023, 1, 16)} | extra


def _sheet_values(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data))[SHEET]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_template_has_every_column_dropdowns_and_a_sample(cast, campaign):
    wb = load_workbook(io.BytesIO(template(campaign)))
    ws = wb[SHEET]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.data_validations.dataValidation
    assert ws["B2"].value.startswith("（示例）")


def test_valid_ledger_imports_draft_projects_with_plan_funding_and_approvals(cast, campaign, today):
    result = import_projects(actor=cast.office, campaign=campaign, data=_book([_row(), _row("第二个项目")]), commit=True)
    assert (result.errors, result.created) == ([], 2)
    project = Project.objects.get(title="莱西预制菜产业园冷链中心")
    assert project.status == Task.Status.DRAFT and project.town == cast.unit_a
    assert project.total_investment == 12000 * WAN and project.stats_status == "pending"
    assert ProjectPlan.objects.get(project=project, year=2023, month=4).investment == 600 * WAN
    assert ProjectPlan.objects.filter(project=project).count() == 12
    assert dict(project.funding.values_list("source", "amount")) == {"enterprise": 9000 * WAN, "bank": 3000 * WAN}
    assert list(project.approvals.values_list("kind", "status", "done_on")) == [
        ("project", "done", date(2023, 1, 16))]


def test_dry_run_writes_nothing(cast, campaign, today):
    result = import_projects(actor=cast.office, campaign=campaign, data=_book([_row()]), commit=False)
    assert result.rows == 1 and not result.errors and not Project.objects.exists()


def _letter(header: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(HEADERS.index(header) + 1)


@pytest.mark.parametrize(("cell", "value", "column"), [
    ("总投资（万元）", "很多", "总投资（万元）"),
    ("所在镇街", "发改局", "所在镇街"),
    ("牵头单位", "不存在的局", "牵头单位"),
    ("计划竣工", date(2023, 1, 1), "计划开工"),
    ("资金来源：企业自筹（万元）", 8000, "资金来源：企业自筹（万元）"),
    ("4月计划投资（万元）", 20000, "1月计划投资（万元）"),
    ("立项办结日期", None, "立项状态"),
    ("纬度", 36.8, "纬度"),
    ("项目代码", "代码！", "项目代码"),
    ("实际竣工", date(2023, 3, 1), "实际竣工"),
    ("联系电话", "=HYPERLINK(1)", "联系电话"),
    ("纳统状态", "已入库", "纳统状态"),
])
def test_one_bad_cell_imports_nothing_and_names_row_and_column(cast, campaign, cell, value, column, today):
    rows = [_row(), _row("第二个项目", **{cell: value}), _row("第三个项目")]
    result = import_projects(actor=cast.office, campaign=campaign, data=_book(rows), commit=True)
    assert not Project.objects.exists()
    assert [(e.row, e.letter, e.column) for e in result.errors] == [(3, _letter(column), column)], result.errors


def test_duplicates_within_the_file_and_with_existing_are_named(make_project, cast, campaign, today):
    make_project("已有项目", code="2301-000001")
    rows = [_row("已有项目"), _row("新项目", 项目代码="2301-000001"), _row("甲", 项目代码="A-1"), _row("甲", 项目代码="A-1")]
    result = import_projects(actor=cast.office, campaign=campaign, data=_book(rows), commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(2, "项目名称"), (3, "项目代码"), (5, "项目代码"), (5, "项目名称")]
    assert Project.objects.count() == 1


def test_export_and_reimport_round_trip(make_project, cast, campaign, other_town, today):
    Unit.objects.create(name="发展改革专班", kind=Unit.Kind.TASK_FORCE)
    leader = cast.leader.person
    leader.is_city_leader = True
    leader.save()
    full = make_project(
        code="2301-370285-04-01-528193", level="province", nature="continuing", industry_chain="新能源汽车",
        latitude=Decimal("36.701234"), longitude=Decimal("120.512345"), owner_company="北汽（青岛）有限公司",
        contact_name="王经理", contact_phone="13800005678", prior_investment=Decimal("123456789.12"),
        total=Decimal("987654321.98"), actual_start=date(2022, 5, 8), stats_status="in_stats", stats_basis="main_works",
        stats_on=date(2022, 6, 20), attraction_stage="producing", signed_on=date(2021, 11, 3), is_foreign=True,
        foreign_amount_usd=Decimal("25000000.50"), planned_start=date(2022, 5, 1), planned_completion=date(2024, 12, 31),
        planned_production=date(2023, 10, 1), actual_production=date(2023, 3, 1), actual_completion=date(2023, 2, 1),
        workers_on_site=420, description="整车扩能，新增产能10万辆", lead_leader=leader, co_units=[cast.unit_b],
        plan=[Decimal("1234567.89")] * 6 + [Decimal("7654321.01")] * 6)
    services.project_plan_set(actor=cast.office, project=full, year=2023,
                              investment=[Decimal("1234567.89")] * 6 + [Decimal("7654321.01")] * 6,
                              gov_funds=[Decimal("100000.01")] * 12)
    services.project_funding_set(actor=cast.office, project=full, amounts={
        "enterprise": Decimal("887654321.98"), "special_bond": Decimal("100000000")})
    services.project_approvals_set(actor=cast.office, project=full, items={
        "project": {"status": "done", "done_on": date(2022, 1, 5)},
        "land": {"status": "done", "planned_on": date(2022, 3, 1), "done_on": date(2022, 3, 9)},
        "construction": {"status": "doing", "planned_on": date(2023, 5, 1)}})
    make_project("院上镇小项目", town=other_town, total=Decimal("3000000"), plan=False)
    first = export_projects(Project.objects.order_by("id"))
    before = {p.title: p for p in Project.objects.all()}
    Project.objects.all().delete()
    result = import_projects(actor=cast.office, campaign=campaign, data=first, commit=True)
    assert (result.errors, result.created) == ([], 2)
    assert _sheet_values(export_projects(Project.objects.order_by("id"))) == _sheet_values(first)
    again = Project.objects.get(title=full.title)
    assert again.total_investment == before[full.title].total_investment
    assert again.latitude == Decimal("36.701234") and list(again.co_units.all()) == [cast.unit_b]
    assert ProjectPlan.objects.get(project=again, month=7).investment == Decimal("7654321.01")
    assert ProjectFunding.objects.get(project=again, source="special_bond").amount == 100000000
    assert ProjectApproval.objects.get(project=again, kind="construction").planned_on == date(2023, 5, 1)


def test_export_masks_contacts_for_readers(make_project, cast):
    make_project(contact_name="王经理", contact_phone="13800005678")
    values = _sheet_values(export_projects(Project.objects.all(), mask_contacts=True))
    assert "138****5678" in values[1] and "13800005678" not in values[1]


def test_ledger_pages_are_for_the_office(cast, client_for, campaign, today):
    assert client_for(cast.editor_a).get("/projects/ledger/import/").status_code == 403
    assert client_for(cast.leader).get("/projects/ledger/template/").status_code == 403
    client = client_for(cast.office)
    assert client.get("/projects/ledger/template/")["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = io.BytesIO(_book([_row(), _row("第二个项目", 所在镇街="发改局")]))
    upload.name = "ledger.xlsx"
    response = client.post("/projects/ledger/import/", {"campaign": campaign.pk, "file": upload, "commit": "1"})
    assert response.status_code == 400 and "所在镇街" in response.content.decode()
    upload = io.BytesIO(_book([_row()]))
    upload.name = "ledger.xlsx"
    response = client.post("/projects/ledger/import/", {"campaign": campaign.pk, "file": upload, "commit": "1"})
    assert response.status_code == 200 and Project.objects.count() == 1


def test_not_an_xlsx_is_refused(cast, client_for, campaign):
    upload = io.BytesIO(b"not a spreadsheet")
    upload.name = "ledger.xlsx"
    response = client_for(cast.office).post("/projects/ledger/import/", {"campaign": campaign.pk, "file": upload})
    assert response.status_code == 400 and not Project.objects.exists()


def test_commands_export_and_import_a_ledger(make_project, cast, campaign, tmp_path, today):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    make_project(code="2301-000009")
    path = tmp_path / "projects.xlsx"
    call_command("export-project-ledger", campaign=campaign.pk, out=str(path), stdout=io.StringIO())
    with pytest.raises(CommandError):  # the same projects again: every row is a duplicate
        call_command("import-project-ledger", str(path), campaign=campaign.pk, stdout=io.StringIO())
    Project.objects.all().delete()
    out = io.StringIO()
    call_command("import-project-ledger", str(path), campaign=campaign.pk, dry_run=True, json=True, stdout=out)
    assert '"ok": true' in out.getvalue() and not Project.objects.exists()
    call_command("import-project-ledger", str(path), campaign=campaign.pk, stdout=io.StringIO())
    assert Project.objects.get().code == "2301-000009"

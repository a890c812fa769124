"""The task ledger: template, dry run, all-or-nothing import, hostile files, export and round trip."""

import io
import json
import time
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from gongjian.campaigns.ledger import export_tasks, import_tasks, template
from gongjian.campaigns.models import Milestone, Task
from gongjian.campaigns.selectors import task_rows
from gongjian.errors import UserError

pytestmark = pytest.mark.django_db
HEADERS = ["重点方向", "任务名称", "任务描述", "来源", "牵头市级领导", "牵头单位", "配合单位", "专班", "开始日期", "办结时限",
           "量化指标", "指标单位", "目标值", "一周一反馈", "节点计划"]


def _book(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _row(title="推进项目", unit="姜山镇", deadline=date(2023, 9, 30), **extra):
    values = {"重点方向": "深化双招双引", "任务名称": title, "牵头单位": unit, "配合单位": "发改局", "开始日期": date(2023, 2, 1),
              "办结时限": deadline, "目标值": 10, "节点计划": "方案@2023-03-31；验收@2023-09-20"} | extra
    return [values.get(h) for h in HEADERS]


def test_template_has_dropdowns_and_sample(cast, campaign):
    wb = load_workbook(io.BytesIO(template(campaign)))
    ws = wb["任务台账"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.data_validations.dataValidation, "choice columns carry drop-down lists"


def test_valid_ledger_imports_drafts_with_co_units_and_milestones(cast, campaign):
    result = import_tasks(actor=cast.office, campaign=campaign, data=_book([_row(), _row("第二项")]), commit=True)
    assert (result.errors, result.created) == ([], 2)
    task = Task.objects.get(title="推进项目")
    assert task.is_hot is False
    assert task.status == Task.Status.DRAFT and [u.name for u in task.co_units.all()] == ["发改局"]
    assert list(task.milestones.values_list("title", "planned_date")) == [("方案", date(2023, 3, 31)),
                                                                         ("验收", date(2023, 9, 20))]


def test_dry_run_writes_nothing(cast, campaign):
    result = import_tasks(actor=cast.office, campaign=campaign, data=_book([_row()]), commit=False)
    assert result.rows == 1 and not result.errors and not Task.objects.exists()


def test_one_bad_cell_imports_nothing_and_names_row_and_column(cast, campaign):
    rows = [_row(), _row("第二项", unit="不存在的局"), _row("第三项")]
    result = import_tasks(actor=cast.office, campaign=campaign, data=_book(rows), commit=True)
    assert not Task.objects.exists()
    assert [(e.row, e.letter, e.column) for e in result.errors] == [(3, "F", "牵头单位")]
    assert "不存在的局" in result.errors[0].message or "牵头单位" in result.errors[0].message


@pytest.mark.parametrize(("cell", "value", "column"), [
    ("办结时限", "下周五", "J"), ("办结时限", "2023-02-30", "J"), ("目标值", "十个", "M"), ("任务名称", None, "B"),
    ("节点计划", "方案2023-03-31", "O"), ("任务名称", "=1+1", "B"), ("配合单位", "姜山镇", "G"), ("开始日期", date(2023, 12, 1), "I"),
])
def test_bad_cells_are_named(cast, campaign, cell, value, column):
    """Each hostile or mistaken cell is reported by its column letter and nothing is written."""
    result = import_tasks(actor=cast.office, campaign=campaign, data=_book([_row(**{cell: value})]), commit=True)
    assert [e.letter for e in result.errors] == [column], result.errors
    assert not Task.objects.exists()


def test_text_dates_accepted(cast, campaign):
    result = import_tasks(actor=cast.office, campaign=campaign, data=_book([_row(办结时限="2023年9月30日")]), commit=True)
    assert not result.errors and Task.objects.get().deadline == date(2023, 9, 30)


def test_duplicate_titles_in_file_refused(cast, campaign):
    result = import_tasks(actor=cast.office, campaign=campaign, data=_book([_row(), _row()]), commit=True)
    assert [e.row for e in result.errors] == [3] and not Task.objects.exists()


@pytest.mark.parametrize("data", [
    b"title,unit\n1,2\n", b"", b"\x89PNG\r\n\x1a\n" + b"0" * 100, b"PK\x03\x04garbage",
])
def test_files_that_are_not_xlsx_are_refused(cast, campaign, data):
    with pytest.raises(UserError):
        import_tasks(actor=cast.office, campaign=campaign, data=data, commit=True)
    assert not Task.objects.exists()


def test_zip_bomb_refused(cast, campaign):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (120 * 1024 * 1024))
    with pytest.raises(UserError) as exc:
        import_tasks(actor=cast.office, campaign=campaign, data=buffer.getvalue(), commit=True)
    assert exc.value.code == "zip_bomb"


def test_over_20000_rows_refused(cast, campaign):
    with pytest.raises(UserError, match="20000"):
        import_tasks(actor=cast.office, campaign=campaign, data=_book([_row(f"任务{i}") for i in range(20_001)]),
                     commit=True)
    assert not Task.objects.exists()


def test_ten_thousand_rows_validate_and_import(cast, campaign, capsys):
    data = _book([_row(f"任务{i}") for i in range(10_000)])
    started = time.perf_counter()
    result = import_tasks(actor=cast.office, campaign=campaign, data=data, commit=True)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n10,000-row ledger validated and imported in {elapsed:.2f} s")
    assert result.created == 10_000 and Milestone.objects.count() == 20_000


def _import_queries(cast, campaign, rows: int, prefix: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = _book([_row(f"{prefix}{i}") for i in range(rows)])
    with CaptureQueriesContext(connection) as queries:
        result = import_tasks(actor=cast.office, campaign=campaign, data=data, commit=True)
    assert (result.errors, result.created) == ([], rows)
    return len(queries)


def test_import_queries_do_not_grow_with_rows(cast, campaign):
    from gongjian.audit.models import AuditEvent

    few, many = _import_queries(cast, campaign, 3, "甲"), _import_queries(cast, campaign, 300, "乙")
    assert few == many and many <= 20
    events = list(AuditEvent.objects.filter(event="ledger.import").order_by("seq"))
    assert [e.changes["created"] for e in events] == [3, 300], "one audit event per import, with the row count"


def test_export_round_trips_through_import(cast, campaign):
    from gongjian.campaigns.services import task_create

    import_tasks(actor=cast.office, campaign=campaign, data=_book([_row()]), commit=True)
    # A title that looks like a formula, typed in the web form: exported as text, never as a formula.
    task_create(actor=cast.office, campaign=campaign, title="=HYPERLINK(\"x\")", lead_unit=cast.unit_b,
                deadline=date(2023, 8, 31))
    exported = export_tasks(task_rows(campaign.tasks.order_by("id")))
    ws = load_workbook(io.BytesIO(exported)).active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row), "no formulas in exports"
    Task.objects.all().delete()
    result = import_tasks(actor=cast.office, campaign=campaign, data=exported, commit=True)
    assert not result.errors, result.errors
    assert result.created == 2, result
    assert sorted(Task.objects.values_list("title", flat=True)) == sorted(["推进项目", "=HYPERLINK(\"x\")"])
    assert Milestone.objects.count() == 2
    assert not Task.objects.filter(is_hot=True).exists()


def test_import_command_json_and_exit_status(cast, campaign, tmp_path, capsys):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(_book([_row()]))
    bad.write_bytes(_book([_row(办结时限="明年")]))
    call_command("import-ledger", str(good), "--dry-run", "--json", "--campaign", str(campaign.pk))
    assert json.loads(capsys.readouterr().out)["ok"] is True
    with pytest.raises(CommandError):
        call_command("import-ledger", str(bad), "--json", "--campaign", str(campaign.pk))
    assert json.loads(capsys.readouterr().out)["errors"][0]["letter"] == "J"
    assert not Task.objects.exists()


def test_ledger_pages_for_office_only(cast, client_for, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert client_for(cast.editor_a).get("/ledger/import/").status_code == 403
    assert client_for(cast.office).get("/ledger/template/").status_code == 200
    response = client_for(cast.office).post("/ledger/import/", {
        "campaign": campaign.pk, "commit": "1", "file": SimpleUploadedFile("a.xlsx", _book([_row(unit="无此单位")]))})
    assert response.status_code == 400 and "第2行" in response.content.decode()
    response = client_for(cast.office).post("/ledger/import/", {
        "campaign": campaign.pk, "commit": "1", "file": SimpleUploadedFile("a.xlsx", b"not a spreadsheet")})
    assert response.status_code == 400 and not Task.objects.exists()

"""The month's figures against the database: every section of the bulletin counts what the tables hold."""

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from gongjian.bulletins import documents, selectors
from gongjian.bulletins.models import Bulletin
from gongjian.campaigns.models import Task
from gongjian.supervision.models import Card

pytestmark = pytest.mark.django_db


def _draft(march, office_text="请各单位对照通报抓好整改。") -> Bulletin:
    return Bulletin(campaign=march.campaign, month="2023-03", number=3, office_text=office_text,
                    title=selectors.default_title(march.campaign, "2023-03"))


def _docx_text(content: bytes) -> list[str]:
    doc = Document(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append("|".join(cell.text for cell in row.cells))
    return lines


def _xlsx_values(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_cards_are_those_of_the_months_last_run(march):
    figures = selectors.month_figures(march.campaign, "2023-03")
    assert figures["cards_date"] == "2023-03-31" and figures["as_of"] == "2023-03-31"
    cards = Card.objects.on(date(2023, 3, 31)).filter(task__campaign=march.campaign)
    for color in ("red", "yellow", "green"):
        assert figures["colors"][color] == cards.filter(color=color).count()
    assert figures["colors"]["total"] == cards.count() == 4  # the open tasks: not the draft, not the completed one
    assert figures["colors"]["red"] >= 1


def test_february_reports_its_own_last_run(march):
    figures = selectors.month_figures(march.campaign, "2023-02")
    assert figures["cards_date"] == "2023-02-28"
    assert figures["colors"]["total"] == Card.objects.on(date(2023, 2, 28)).count()


def test_task_totals_completion_and_on_time_rates(march):
    t = selectors.month_figures(march.campaign, "2023-03")["tasks"]
    counted = Task.objects.filter(campaign=march.campaign).exclude(status__in=["draft", "cancelled"])
    assert t["total"] == counted.count() == 5
    assert t["completed"] == 1 and t["completion_rate"] == "20.0"
    # Due by March 31: the overdue task (not done) and the completed one (done before its deadline).
    assert (t["due"], t["on_time"], t["on_time_rate"], t["overdue"]) == (2, 1, "50.0", 1)


def test_a_completion_after_the_month_does_not_change_the_month(march, settings):
    before = selectors.month_figures(march.campaign, "2023-03")["tasks"]
    from gongjian.campaigns import services

    settings.GONGJIAN_TODAY = date(2023, 4, 10)
    services.task_transition(actor=march.cast.office, task=march.unfiled, to="completed", on=date(2023, 4, 10))
    assert selectors.month_figures(march.campaign, "2023-03")["tasks"] == before


def test_focus_areas_add_up_and_show_unfiled_tasks(march):
    figures = selectors.month_figures(march.campaign, "2023-03")
    areas = figures["areas"]
    assert [a["title"] for a in areas] == ["深化双招双引", "优化营商环境", "未分重点方向"]
    assert sum(a["tasks"] for a in areas) == figures["tasks"]["total"]
    for color in ("red", "yellow", "green"):
        assert sum(a[color] for a in areas) == figures["colors"][color]
    second = next(a for a in areas if a["title"] == "优化营商环境")
    assert (second["tasks"], second["completed"], second["completion_rate"]) == (2, 1, "50.0")


def test_red_and_yellow_list_names_reasons_units_and_leaders(march):
    rows = selectors.month_figures(march.campaign, "2023-03")["red_yellow"]
    expected = Card.objects.on(date(2023, 3, 31)).filter(color__in=["red", "yellow"])
    assert {r["task_id"] for r in rows} == set(expected.values_list("task_id", flat=True))
    assert [r["color"] for r in rows] == sorted((r["color"] for r in rows), key=lambda c: c != "red")
    overdue = next(r for r in rows if r["task_id"] == march.overdue.pk)
    assert overdue["color"] == "red" and overdue["unit"] == "姜山镇" and overdue["leader"] == "常务副市长"
    assert "超期未办结" in overdue["reasons"]


def test_overdue_blockers_are_listed_with_their_lateness(march):
    blockers = selectors.month_figures(march.campaign, "2023-03")["overdue_blockers"]
    assert [(b["description"], b["unit"], b["overdue_since"]) for b in blockers] == [
        ("园区二期用地指标未落实", "发改局", "2023-03-16")]
    assert blockers[0]["late_workdays"] == 11


def test_rankings_come_from_the_months_assessment(march):
    rankings = selectors.month_figures(march.campaign, "2023-03")["rankings"]
    assert rankings["label"] == "2023-03" and rankings["published"] is False
    area = next(t for t in rankings["tables"] if t["category"] == "area")
    assert {r["unit"] for r in area["rows"]} == {"姜山镇", "河头店镇"}
    assert area["rows"][0]["rank"] == 1
    assert selectors.month_figures(march.campaign, "2023-04")["rankings"] is None


def test_no_projects_section_without_projects(march):
    figures = selectors.month_figures(march.campaign, "2023-03")
    assert figures["projects"] is None
    assert list(selectors.sections(figures).values()) == [
        "一、总体情况", "二、红黄牌任务及滞后事项", "三、考核排名", "四、督查室意见"]


def test_docx_has_title_issuer_sections_and_the_figures(march):
    content = selectors.document(_draft(march))
    lines = _docx_text(documents.build_docx(content))
    assert lines[0] == "市委市政府督查室"  # the red 发文机关标志, then the (not yet given) number
    assert lines[2] == "攻坚克难年工作通报（2023年第3期）"
    assert "市委市政府督查室" in lines and "2023年3月31日" in lines  # 署名 and 成文日期
    heads = list(selectors.sections(content).values())
    assert [line for line in lines if line in heads] == heads
    text = "\n".join(lines)
    c = content["colors"]
    assert f"红牌{c['red']}项、黄牌{c['yellow']}项、绿牌{c['green']}项" in text
    assert f"重点任务{content['tasks']['total']}项" in text and "办结率20.0%" in text
    assert "建设姜山新材料产业园|红|姜山镇|常务副市长" in text
    assert "园区二期用地指标未落实" in text
    assert "请各单位对照通报抓好整改。" in text


def test_xlsx_annex_holds_the_same_figures_and_lists(march):
    content = selectors.document(_draft(march))
    sheets = _xlsx_values(documents.build_xlsx(content))
    overview = dict(sheets["总体情况"][1:])
    assert overview["红牌"] == str(content["colors"]["red"]) and overview["任务总数"] == str(content["tasks"]["total"])
    assert len(sheets["红黄牌任务"]) - 1 == len(content["red_yellow"])
    assert len(sheets["超期要素保障事项"]) - 1 == 1
    assert {row[2] for row in sheets["考核排名"][1:]} >= {"姜山镇", "河头店镇", "发改局"}


def test_the_same_month_gives_the_same_document(march):
    first = selectors.document(_draft(march))
    second = selectors.document(_draft(march))
    assert first == second
    assert _docx_text(documents.build_docx(first)) == _docx_text(documents.build_docx(second))
    assert _xlsx_values(documents.build_xlsx(first)) == _xlsx_values(documents.build_xlsx(second))


def test_bad_month_names_the_field():
    from gongjian.errors import UserError

    with pytest.raises(UserError) as exc:
        selectors.parse_month("2023-13")
    assert exc.value.field == "month"

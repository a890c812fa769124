"""The bulletin as files: a .docx official document (the GB/T 9704 page, red header, number, signer and closing of
documents.builder, then numbered sections and tables) and an .xlsx annex with the same figures and lists. Both are pure functions of the content dict
(selectors.document), so the same month gives the same document."""

from datetime import UTC, date, datetime
from decimal import Decimal

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from gongjian.bulletins.selectors import campaign_short, sections
from gongjian.bulletins.selectors import document as content_of
from gongjian.documents.builder import Letter, closing, letter_document, to_bytes
from gongjian.xlsx import Column, SheetSpec, write_table

# Official documents use 方正小标宋 for the title, 黑体 for first-level heads and 仿宋_GB2312 for the body; those fonts
# ship with Chinese Office, not with every system, so the styles name common ones Word and LibreOffice substitute.
TITLE_FONT = "方正小标宋简体"
HEAD_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE, BODY_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(10.5)
TEXT_WIDTH_CM = 21 - 2.8 - 2.6  # A4 less the GB/T 9704 side margins


def _font(run_or_style, east_asia: str, size, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    font.size = size
    font.bold = bold
    run_or_style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _paragraph(doc, text: str, *, font=BODY_FONT, size=BODY_SIZE, bold=False, align=None, indent=True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(32) if indent else None
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)
    _font(p.add_run(text), font, size, bold)
    return p


def _head(doc, text: str) -> None:
    _paragraph(doc, text, font=HEAD_FONT)


def _table(doc, headers: list[str], rows: list[list], weights: list[int]) -> None:
    """A grid table over the text width, its columns in proportion to `weights`."""
    widths = [Cm(TEXT_WIDTH_CM * w / sum(weights)) for w in weights]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width  # LibreOffice lays the table out by its grid, Word by the cells
    for values, bold in [(headers, True), *((r, False) for r in rows)]:
        cells = table.rows[0].cells if bold else table.add_row().cells
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            _cell(cell, "" if value is None else str(value), bold=bold)
    doc.add_paragraph()


def _cell(cell, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run(text), TABLE_FONT, TABLE_SIZE, bold)


def _pct(value: str | None) -> str:
    return "—" if value is None else f"{value}%"


def _date_text(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def overall_text(c: dict) -> str:
    t, colors = c["tasks"], c["colors"]
    text = (f"全市纳入调度的重点任务{t['total']}项（含重点项目），已办结{t['completed']}项，办结率{_pct(t['completion_rate'])}；"
            f"截至{c['as_of_text']}到期任务{t['due']}项，按期办结{t['on_time']}项，按期办结率{_pct(t['on_time_rate'])}；"
            f"逾期未办结{t['overdue']}项。")
    if c["cards_date"]:
        text += (f"{_date_text(c['cards_date'])}督查亮牌：红牌{colors['red']}项、黄牌{colors['yellow']}项、"
                 f"绿牌{colors['green']}项。")
    else:
        text += "本月未运行每日督查，暂无亮牌结果。"
    return text


def projects_text(p: dict) -> str:
    text = f"全市纳入调度的重点项目{p['count']}个，总投资{p['total_investment']}万元，{p['year']}年计划投资{p['year_plan']}万元。"
    if p["measured_month"]:
        text += (f"{p['months_text']}累计完成投资{p['year_to_date']}万元，占年度计划的{_pct(p['completion'])}，"
                 f"{p['phrase']}。")
    text += (f"计划开工日期已到的项目{p['start_due']}个，已开工{p['started']}个，开工率{_pct(p['start_rate'])}；"
             f"今年以来新开工项目{p['new_starts_year']}个，其中本月{p['new_starts_month']}个。"
             f"已开工且总投资500万元以上的项目{p['stats_due']}个，已纳统入库{p['in_stats']}个。")
    return text


def render_document(document, letter: Letter) -> bytes:
    """The bulletin's official document (公文): its own sections under the document's header, number and signer."""
    c = content_of(document.bulletin)
    letter.title, letter.body = c["title"], []
    if not document.is_signed:
        letter.issued_on = date.fromisoformat(c["as_of"][:10])
    return build_docx(c, letter)


def letter_for(c: dict) -> Letter:
    """The bulletin as an official document: its number, signer and date come from its signed 通报 document (公文)
    when there is one (`document_number`, `signer`, `issued_on` in the content), else it is unnumbered."""
    issued = c.get("issued_on") or c["as_of"][:10]
    return Letter(authority=c.get("authority") or c["issuer"], title=c["title"], body=[], signature=c["issuer"],
                  issued_on=date.fromisoformat(issued), number=c.get("document_number", ""),
                  signer=c.get("signer", ""), printer=c["issuer"], cc=c.get("cc", ""))


def build_docx(c: dict, letter: Letter | None = None) -> bytes:
    letter = letter or letter_for(c)
    doc = letter_document(letter)
    # python-docx stamps the time of building; the document says the day it reports instead.
    stamp = datetime.fromisoformat(c["as_of"]).replace(tzinfo=UTC)
    props = doc.core_properties
    props.created = props.modified = stamp
    props.last_printed = stamp
    _paragraph(doc, f"现将{c['year']}年{c['month_number']}月份全市{campaign_short(c['campaign']['name'])}重点工作推进情况"
                    f"通报如下（数据截至{c['as_of_text']}）：")
    heads = sections(c)

    _head(doc, heads["overall"])
    _paragraph(doc, overall_text(c))
    _table(doc, ["重点方向", "任务数", "已办结", "办结率", "红牌", "黄牌", "绿牌"],
           [[a["title"], a["tasks"], a["completed"], _pct(a["completion_rate"]), a["red"], a["yellow"], a["green"]]
            for a in c["areas"]], [6, 2, 2, 2, 2, 2, 2])

    p = c["projects"]
    if p:
        _head(doc, heads["projects"])
        _paragraph(doc, projects_text(p))
        _table(doc, ["纳统状态", "项目数"], [[s["label"], s["count"]] for s in p["stats"]], [3, 1])

    _head(doc, heads["lists"])
    _paragraph(doc, f"（一）红黄牌任务。共{len(c['red_yellow'])}项，原因、牵头单位和牵头领导如下：")
    _table(doc, ["序号", "任务", "亮牌", "牵头单位", "牵头领导", "亮牌原因"],
           [[i, r["title"], r["color_label"], r["unit"], r["leader"], r["reasons"]]
            for i, r in enumerate(c["red_yellow"], 1)], [2, 8, 2, 4, 4, 10])
    lagging = p["lagging"] if p else []
    _paragraph(doc, f"（二）滞后项目。共{len(lagging)}个：")
    _table(doc, ["序号", "项目", "亮牌", "所在镇街", "责任单位", "滞后原因"],
           [[i, r["title"], r["color_label"], r["town"], r["unit"], r["reasons"]] for i, r in enumerate(lagging, 1)],
           [2, 8, 2, 3, 4, 11])
    _paragraph(doc, f"（三）超期未办结的要素保障事项。共{len(c['overdue_blockers'])}项：")
    _table(doc, ["序号", "问题", "类别", "责任单位", "超期起始日", "超期（工作日）", "协调层级"],
           [[i, b["description"], b["category"], b["unit"], b["overdue_since"], b["late_workdays"], b["level"]]
            for i, b in enumerate(c["overdue_blockers"], 1)], [2, 9, 2, 4, 4, 3, 4])

    _head(doc, heads["rankings"])
    rankings = c["rankings"]
    if rankings is None:
        _paragraph(doc, "本月考核排名尚未计算。")
    else:
        if not rankings["published"]:
            _paragraph(doc, f"{rankings['title']}考核结果尚未发布，以下排名供参考，以正式发布为准。")
        for n, table in enumerate(rankings["tables"]):
            _paragraph(doc, f"（{'一二'[n]}）{table['label']}")
            _table(doc, ["名次", "单位", "得分", "较上期", "红牌", "黄牌"],
                   [[r["rank"], r["unit"], r["score"], r["change"], r["red"], r["yellow"]] for r in table["rows"]],
                   [2, 6, 3, 3, 2, 2])

    _head(doc, heads["office"])
    for line in (c["office_text"] or "（无）").splitlines():
        if line.strip():
            _paragraph(doc, line.strip())
    closing(doc, letter)
    return to_bytes(doc)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def build_xlsx(c: dict) -> bytes:
    t, colors = c["tasks"], c["colors"]
    overview = [
        ("月份", c["month"]), ("数据截至", c["as_of"]), ("亮牌日期", c["cards_date"] or ""),
        ("任务总数", t["total"]), ("已办结", t["completed"]), ("办结率（%）", t["completion_rate"] or ""),
        ("到期任务", t["due"]), ("按期办结", t["on_time"]), ("按期办结率（%）", t["on_time_rate"] or ""),
        ("逾期未办结", t["overdue"]), ("红牌", colors["red"]), ("黄牌", colors["yellow"]), ("绿牌", colors["green"]),
    ]
    p = c["projects"]
    if p:
        overview += [
            ("重点项目（个）", p["count"]), ("总投资（万元）", p["total_investment"]), ("年度计划（万元）", p["year_plan"]),
            ("统计月份", p["months_text"]), ("本年完成（万元）", p["year_to_date"]),
            ("占年度计划（%）", p["completion"] or ""), ("时间进度（%）", p["time_progress"] or ""),
            ("与时间进度比", p["phrase"]), ("应开工", p["start_due"]), ("已开工", p["started"]),
            ("开工率（%）", p["start_rate"] or ""), ("今年新开工", p["new_starts_year"]),
            ("本月新开工", p["new_starts_month"]), ("应纳统", p["stats_due"]), ("已入库", p["in_stats"]),
        ]
    text = Column("value", "数值", "text")
    sheets = [
        SheetSpec("总体情况", [Column("item", "项目", "text"), text],
                  [{"item": k, "value": str(v)} for k, v in overview], dropdowns=False),
        SheetSpec("重点方向", [Column("title", "重点方向", "text"), Column("tasks", "任务数", "int"),
                           Column("completed", "已办结", "int"), Column("rate", "办结率（%）", "decimal"),
                           Column("red", "红牌", "int"), Column("yellow", "黄牌", "int"), Column("green", "绿牌", "int")],
                  [{**a, "rate": _dec(a["completion_rate"])} for a in c["areas"]], dropdowns=False),
        SheetSpec("红黄牌任务", [Column("title", "任务", "text"), Column("color_label", "亮牌", "text"),
                            Column("unit", "牵头单位", "text"), Column("leader", "牵头领导", "text"),
                            Column("deadline", "办结时限", "text"), Column("reasons", "亮牌原因", "text")],
                  c["red_yellow"], dropdowns=False),
        SheetSpec("滞后项目", [Column("title", "项目", "text"), Column("color_label", "亮牌", "text"),
                           Column("town", "所在镇街", "text"), Column("unit", "责任单位", "text"),
                           Column("leader", "包联领导", "text"), Column("total", "总投资（万元）", "decimal"),
                           Column("reasons", "滞后原因", "text")],
                  [{**r, "total": _dec(r["total_investment"])} for r in (p["lagging"] if p else [])], dropdowns=False),
        SheetSpec("超期要素保障事项", [Column("description", "问题", "text"), Column("category", "类别", "text"),
                               Column("task", "任务", "text"), Column("unit", "责任单位", "text"),
                               Column("raised_on", "提出日期", "text"), Column("overdue_since", "超期起始日", "text"),
                               Column("late_workdays", "超期（工作日）", "int"), Column("level", "协调层级", "text")],
                  c["overdue_blockers"], dropdowns=False),
    ]
    if c["rankings"]:
        rows = [{"category": table["label"], **r, "score": _dec(r["score"])}
                for table in c["rankings"]["tables"] for r in table["rows"]]
        sheets.append(SheetSpec("考核排名", [Column("category", "类别", "text"), Column("rank", "名次", "int"),
                                         Column("unit", "单位", "text"), Column("score", "得分", "decimal"),
                                         Column("change", "较上期", "text"), Column("red", "红牌", "int"),
                                         Column("yellow", "黄牌", "int")], rows, dropdowns=False))
    return write_table(sheets)

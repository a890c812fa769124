import contextlib
import datetime
import glob
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import openpyxl.xml
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from gongjian.errors import UserError
from gongjian.xlsx import CellError, Column, SheetSpec, check_xlsx_file, read_table, safe_cell, write_table

STATUSES = ["未开始", "进行中", "已完成"]
COLUMNS = [
    Column("title", "任务名称", "text", required=True, max_length=20),
    Column("due", "截止日期", "date", required=True),
    Column("qty", "数量", "int"),
    Column("status", "状态", "choice", choices=STATUSES),
]
HEADERS = [column.header for column in COLUMNS]
DUE = datetime.date(2023, 3, 31)


def workbook_bytes(*rows: list[Any]) -> bytes:
    """A workbook as openpyxl's normal mode writes it: headers then rows, on the first sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger(*data_rows: list[Any]) -> bytes:
    return workbook_bytes(HEADERS, *data_rows)


def rezip(data: bytes, replace: Mapping[str, bytes] = {}, add: Mapping[str, bytes] = {}) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


def rejection(data: bytes, **limits: int) -> UserError:
    with pytest.raises(UserError) as caught:
        check_xlsx_file(data, **limits)
    return caught.value


def only_error(data: bytes, columns: list[Column] = COLUMNS) -> CellError:
    errors = read_table(data, columns).errors
    assert len(errors) == 1, errors
    return errors[0]


def read_one_from(data: bytes, column: Column) -> Any:
    parsed = read_table(data, [column])
    assert parsed.errors == []
    return parsed.rows[0][column.key]


def read_one(value: Any, column: Column) -> Any:
    return read_one_from(workbook_bytes([column.header], [value]), column)


# ---------------------------------------------------------------- file checks


def test_accepts_plain_workbook_as_bytes_or_upload() -> None:
    check_xlsx_file(ledger(["甲", DUE, 1, "进行中"]))
    upload = io.BytesIO(ledger(["甲", DUE, 1, "进行中"]))
    check_xlsx_file(upload)
    assert read_table(upload, COLUMNS).rows[0]["title"] == "甲"


def unsupported_zip_version() -> bytes:
    buffer = io.BytesIO(ledger())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/media/future.bin", b"x")
        archive.getinfo("xl/media/future.bin").extract_version = 109
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        "任务名称,截止日期\n甲,2023-03-31\n".encode(),
        b"just some text",
        b"",
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64),
        ledger()[:200],
        unsupported_zip_version(),
    ],
    ids=["csv", "txt", "empty", "png", "xls-or-encrypted", "truncated", "unsupported-zip-version"],
)
def test_rejects_file_that_is_not_xlsx(data: bytes) -> None:
    error = rejection(data)
    assert error.code == "not_xlsx"
    assert "不是有效的Excel（.xlsx）文件" in error.message
    with pytest.raises(UserError, match="不是有效的Excel"):
        read_table(io.BytesIO(data), COLUMNS)


def test_rejects_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert rejection(buffer.getvalue()).code == "not_xlsx"


def test_rejects_oversized_upload() -> None:
    error = rejection(ledger(["甲", DUE, 1, "进行中"]), max_bytes=1024)
    assert (error.code, error.message) == ("too_large", "文件超过1KB上限")


def with_zeros(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(ledger())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        with target.open("xl/media/zeros.bin", "w") as stream:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                stream.write(chunk)
    return buffer.getvalue()


def test_rejects_zip_bomb() -> None:
    bomb = with_zeros(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    error = rejection(bomb)
    assert (error.code, error.message) == ("zip_bomb", "文件解压后超过100MB，疑似压缩炸弹，已拒绝")


def test_rejects_entry_compressed_beyond_ratio() -> None:
    error = rejection(with_zeros(4 * 1024 * 1024))
    assert error.code == "zip_bomb"
    assert "压缩比超过100:1" in error.message


def test_rejects_too_many_entries() -> None:
    crowded = rezip(ledger(), add={f"xl/media/{index}.bin": b"x" for index in range(1000)})
    error = rejection(crowded)
    assert error.code == "too_many_entries"
    assert "超过1000个上限" in error.message


@pytest.mark.parametrize(
    "name", ["../evil.xml", "xl/../../evil.xml", "/etc/cron.d/evil", "xl\\..\\evil.xml", "C:/evil"]
)
def test_rejects_path_traversal_entry(name: str) -> None:
    assert rejection(rezip(ledger(), add={name: b"x"})).code == "path_traversal"


def test_rejects_encrypted_entry() -> None:
    buffer = io.BytesIO(ledger())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/media/secret.bin", b"ciphertext")
        archive.getinfo("xl/media/secret.bin").flag_bits |= 0x1  # zipfile cannot encrypt; flag it in the directory
    assert rejection(buffer.getvalue()).code == "encrypted"


def test_rejects_duplicate_entry_names() -> None:
    buffer = io.BytesIO(ledger())
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
    assert rejection(buffer.getvalue()).code == "not_xlsx"


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE worksheet [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>任务名称</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>
</sheetData></worksheet>"""


@pytest.mark.parametrize("name", ["xl/worksheets/sheet1.xml", "docProps/core.xml"])
def test_rejects_entity_expansion(name: str) -> None:
    laughs = rezip(ledger(), replace={name: LAUGHS.encode()})
    assert rejection(laughs).code == "unsafe_xml"
    with pytest.raises(UserError, match="DTD或实体声明"):
        read_table(laughs, COLUMNS)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_garbled_workbook_gives_user_error_not_crash(data: st.DataObject) -> None:
    original = ledger(["甲", DUE, 1, "进行中"], ["乙", "2023-04-01", "x", "未知"])
    name = data.draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"]))
    xml = bytearray(part(original, name).encode())
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(xml) - 1))
        xml[position : position + data.draw(st.integers(0, 4))] = data.draw(
            st.sampled_from([b"<", b">", b'"', b"&", b'r="ZZZZ1"', b't="s"', b"<v>x</v>", b"<f>1</f>", b"\xff"])
        )
    with contextlib.suppress(UserError):
        read_table(rezip(original, replace={name: bytes(xml)}), COLUMNS)


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="A2" t="s"><v>99</v></c>',
        '<c r="A2" t="s"><v>x</v></c>',
        '<c r="AAAA2"><v>1</v></c>',
        '<c r="C2"><v>abc</v></c>',
    ],
    ids=["missing-shared-string", "bad-shared-string-index", "bad-column", "bad-number"],
)
def test_damaged_cell_rejected_as_damaged_file(cell: str) -> None:
    data = ledger(["甲", DUE, 1])
    sheet = re.sub(r'<row r="2".*?</row>', f'<row r="2">{cell}</row>', part(data, "xl/worksheets/sheet1.xml"))
    with pytest.raises(UserError) as caught:
        read_table(rezip(data, replace={"xl/worksheets/sheet1.xml": sheet.encode()}), COLUMNS)
    assert caught.value.code == "not_xlsx"
    assert "已损坏" in caught.value.message


def test_openpyxl_parses_xml_with_defusedxml() -> None:
    """Exports are verified with openpyxl here, and other modules may load workbooks with it."""
    assert openpyxl.xml.DEFUSEDXML is True


def test_rejects_malformed_xml_part() -> None:
    broken = rezip(ledger(), replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData>"})
    assert rejection(broken).code == "not_xlsx"


def macro_content_types(data: bytes) -> bytes:
    types = part(data, "[Content_Types].xml")
    return types.replace("spreadsheetml.sheet.main+xml", "sheet.macroEnabled.main+xml").encode()


@pytest.mark.parametrize("how", ["vba-project", "content-type"])
def test_rejects_macro_workbook(how: str) -> None:
    data = ledger()
    if how == "vba-project":
        macro = rezip(data, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    else:
        macro = rezip(data, replace={"[Content_Types].xml": macro_content_types(data)})
    error = rejection(macro)
    assert error.code == "macro"
    assert ".xlsm" in error.message


# ---------------------------------------------------------------- headers and rows


def test_reads_typed_rows_with_sheet_row_numbers() -> None:
    parsed = read_table(ledger(["甲", DUE, 3, "进行中"], ["乙", "2023-04-01", None, None]), COLUMNS)
    assert parsed.errors == []
    assert parsed.rows == [
        {"title": "甲", "due": DUE, "qty": 3, "status": "进行中", "_row": 2},
        {"title": "乙", "due": datetime.date(2023, 4, 1), "qty": None, "status": None, "_row": 3},
    ]


def test_missing_required_header_named() -> None:
    with pytest.raises(UserError) as caught:
        read_table(workbook_bytes(["任务名称", "数量"], ["甲", 1]), COLUMNS)
    assert caught.value.code == "missing_header"
    assert caught.value.field == "截止日期"
    assert "「截止日期」" in caught.value.message


def test_headers_match_by_text_in_any_order_ignoring_whitespace_and_extra_columns() -> None:
    data = workbook_bytes([" 数量 ", "备注", "截止\n日期", "任务名称"], [5, "无关", DUE, "甲"])
    assert read_table(data, COLUMNS).rows == [{"title": "甲", "due": DUE, "qty": 5, "status": None, "_row": 2}]


def test_duplicate_header_rejected() -> None:
    with pytest.raises(UserError, match="表头「数量」重复出现（C列和D列）"):
        read_table(workbook_bytes(["任务名称", "截止日期", "数量", "数量"]), COLUMNS)


def test_header_row_can_sit_below_a_title_row() -> None:
    data = workbook_bytes(["2023年重点任务台账"], HEADERS, ["甲", DUE, 1, "进行中"])
    assert read_table(data, COLUMNS, header_row=2).rows[0]["_row"] == 3


def test_sheet_chosen_by_name_and_unknown_sheet_named() -> None:
    workbook = Workbook()
    workbook.active.append(["说明"])
    workbook.create_sheet("任务").append(HEADERS)
    workbook["任务"].append(["甲", DUE, 1, "进行中"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(buffer.getvalue(), COLUMNS, sheet="任务").rows[0]["title"] == "甲"
    with pytest.raises(UserError, match="找不到工作表「项目」"):
        read_table(buffer.getvalue(), COLUMNS, sheet="项目")


def test_one_bad_cell_names_row_and_column() -> None:
    data = ledger(["甲", DUE, 1, "进行中"], ["乙", DUE, "五", "进行中"], ["丙", DUE, 3, "已完成"])
    assert only_error(data) == CellError(3, "数量", "C", "第3行「数量」应为整数，当前为“五”")


def test_required_cell_empty_named() -> None:
    data = ledger(["甲", DUE], ["乙", None, 2], ["丙", DUE], ["丁", DUE], ["戊", "  ", 4])
    assert [error.message for error in read_table(data, COLUMNS).errors] == [
        "第3行「截止日期」不能为空",
        "第6行「截止日期」不能为空",
    ]


def test_collects_every_error_up_to_cap() -> None:
    errors = read_table(ledger(*[["甲", "下周", "多"]] * 300), COLUMNS).errors
    assert len(errors) == 501
    assert (errors[0].row, errors[0].letter, errors[1].letter) == (2, "B", "C")
    assert errors[499].row == 251
    assert errors[-1].message == "错误过多，仅显示前500条"


def test_blank_rows_skipped() -> None:
    data = ledger(["甲", DUE], [None, None], [" ", "\u3000"], [], ["乙", DUE])
    assert [row["_row"] for row in read_table(data, COLUMNS).rows] == [2, 6]


def test_over_row_limit_rejected() -> None:
    with pytest.raises(UserError) as caught:
        read_table(ledger(*[["甲", DUE]] * 6), COLUMNS, max_rows=5)
    assert caught.value.code == "too_many_rows"
    assert "超过5行上限" in caught.value.message
    assert len(read_table(ledger(*[["甲", DUE], [None]] * 5), COLUMNS, max_rows=5).rows) == 5


# ---------------------------------------------------------------- cell kinds

DATE = Column("due", "截止日期", "date")


@pytest.mark.parametrize(
    "value",
    [
        "2023-03-31",
        "2023/3/31",
        "2023年3月31日",
        "2023.3.31",
        " 2023-3-31 ",
        "2023-03-31 00:00:00",
        DUE,
        datetime.datetime(2023, 3, 31, 15, 30),
    ],
)
def test_text_dates_accepted_when_unambiguous(value: Any) -> None:
    assert read_one(value, DATE) == DUE


@pytest.mark.parametrize("value", ["2023-02-30", "下周", "3/31/2023", "2023-03/31", "2023年13月1日", 45016])
def test_invalid_text_date_named(value: Any) -> None:
    error = only_error(workbook_bytes(["截止日期"], [value]), [DATE])
    assert (error.row, error.column, error.letter) == (2, "截止日期", "A")
    assert error.message.startswith("第2行「截止日期」不是有效日期")


def test_chinese_builtin_date_format_read_as_date() -> None:
    workbook = Workbook()
    workbook.active.append(["截止日期"])
    workbook.active.append([45016])
    workbook.active["A2"].number_format = 'yyyy"年"m"月"d"日"'
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Chinese Excel saves this format as built-in id 31 without writing the format code.
    styles = re.sub(r"<numFmts.*?</numFmts>", "", part(buffer.getvalue(), "xl/styles.xml"))
    styles = styles.replace('numFmtId="164"', 'numFmtId="31"')
    assert read_one_from(rezip(buffer.getvalue(), replace={"xl/styles.xml": styles.encode()}), DATE) == DUE


def test_date_bounds_enforced() -> None:
    column = Column("due", "截止日期", "date", min_value=datetime.date(2023, 1, 1))
    error = only_error(workbook_bytes(["截止日期"], ["2022-12-31"]), [column])
    assert error.message == "第2行「截止日期」不能小于2023-01-01"


AMOUNT = Column("amount", "金额", "decimal")
COUNT = Column("count", "数量", "int", min_value=0)


@pytest.mark.parametrize(
    ("value", "column", "expected"),
    [
        (42, COUNT, 42),
        (" 42 ", COUNT, 42),
        ("1,234", COUNT, 1234),
        ("12.0", COUNT, 12),
        (0.1, AMOUNT, Decimal("0.1")),
        ("1,234,567.89", AMOUNT, Decimal("1234567.89")),
        ("-3.5", AMOUNT, Decimal("-3.5")),
    ],
)
def test_numbers_accept_numbers_and_numeric_text(value: Any, column: Column, expected: Any) -> None:
    result = read_one(value, column)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ("12.5", COUNT, "应为整数"),
        ("1,23", COUNT, "应为整数"),
        (-1, COUNT, "不能小于0"),
        ("NaN", AMOUNT, "应为数字"),
        ("inf", AMOUNT, "应为数字"),
        ("1e999999999", COUNT, "数值过大"),
        (True, AMOUNT, "应为数字"),
    ],
)
def test_bad_numbers_named(value: Any, column: Column, message: str) -> None:
    assert message in only_error(workbook_bytes([column.header], [value]), [column]).message


def test_choice_error_lists_allowed_values() -> None:
    column = Column("unit", "牵头单位", "choice", choices=[f"单位{index}" for index in range(12)])
    error = only_error(workbook_bytes(["牵头单位"], ["财政局"]), [column])
    assert error.message == (
        "第2行「牵头单位」“财政局”不是可选值（可选：单位0、单位1、单位2、单位3、单位4、单位5、单位6、单位7、单位8、单位9等12项）"
    )


TAGS = Column("tags", "标签", "multi_choice", choices=["民生", "环保", "安全"])


def test_multi_choice_splits_on_chinese_and_ascii_separators() -> None:
    assert read_one("民生、环保,安全；民生", TAGS) == ["民生", "环保", "安全"]
    error = only_error(workbook_bytes(["标签"], ["民生;招商"]), [TAGS])
    assert "“招商”不是可选值" in error.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("是", True), ("否", False), ("Y", True), ("n", False), ("TRUE", True), ("false", False), (1, True), (0, False)],
)
def test_bool_words(value: Any, expected: bool) -> None:
    assert read_one(value, Column("key", "是否重点", "bool")) is expected


def test_text_trimmed_and_length_limited() -> None:
    title = Column("title", "任务名称", "text", max_length=5)
    assert read_one("  推进工作 ", title) == "推进工作"
    assert read_one(13800138000, Column("phone", "电话", "text")) == "13800138000"
    error = only_error(workbook_bytes(["任务名称"], ["推进重点工作"]), [title])
    assert error.message == "第2行「任务名称」超过5个字符上限（当前6个）"


def test_text_starting_with_equals_kept_as_text() -> None:
    workbook = Workbook()
    workbook.active.append(["任务名称"])
    workbook.active["A2"] = "=SUM(A1)"
    workbook.active["A2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_one_from(buffer.getvalue(), Column("title", "任务名称", "text")) == "=SUM(A1)"


def test_formula_cell_without_value_rejected() -> None:
    error = only_error(ledger(["甲", DUE, "=1+1"]))
    assert error == CellError(2, "数量", "C", "第2行「数量」是公式，请粘贴为数值")


def test_formula_cell_with_cached_value_uses_it() -> None:
    data = ledger(["甲", DUE, "=1+1"])
    sheet = part(data, "xl/worksheets/sheet1.xml").replace("<f>1+1</f><v></v>", "<f>1+1</f><v>2</v>")
    assert read_one_from(rezip(data, replace={"xl/worksheets/sheet1.xml": sheet.encode()}), COLUMNS[2]) == 2


def test_error_value_cell_named() -> None:
    assert only_error(ledger(["甲", DUE, "#DIV/0!"])).message == "第2行「数量」是错误值#DIV/0!，请修正"


# ---------------------------------------------------------------- writing

INJECTIONS = ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def test_export_neutralises_formula_injection() -> None:
    columns = [Column("text", "内容", "text"), Column("qty", "数量", "int")]
    rows = [{"text": payload, "qty": -5} for payload in INJECTIONS]
    data = write_table([SheetSpec("台账", columns, rows)])
    sheet = load_workbook(io.BytesIO(data))["台账"]
    for row, payload in enumerate(INJECTIONS, 2):
        assert sheet.cell(row, 1).data_type == "s"
        assert sheet.cell(row, 1).value == "'" + payload
        assert (sheet.cell(row, 2).data_type, sheet.cell(row, 2).value) == ("n", -5)
    assert "<f>" not in part(data, "xl/worksheets/sheet1.xml")
    assert [row["text"] for row in read_table(data, columns).rows] == [payload.strip() for payload in INJECTIONS]


def test_safe_cell_only_touches_risky_text() -> None:
    assert safe_cell(-5) == -5
    assert safe_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert safe_cell("推进工作") == "推进工作"
    assert safe_cell("\0=1") == "'=1"
    assert safe_cell("a\x01b") == "ab"
    assert safe_cell("'=1") == "''=1"


def test_export_writes_error_codes_as_text() -> None:
    data = write_table([SheetSpec("台账", [Column("text", "内容", "text")], [{"text": "#N/A"}])])
    assert load_workbook(io.BytesIO(data))["台账"]["A2"].data_type == "s"
    assert read_table(data, [Column("text", "内容", "text")]).rows[0]["text"] == "#N/A"


def test_export_layout() -> None:
    columns = [
        Column("due", "截止日期", "date"),
        Column("amount", "金额", "decimal"),
        Column("title", "任务名称", "text"),
    ]
    row = {"due": datetime.datetime(2023, 3, 31, 9, 0), "amount": Decimal("1234.5"), "title": "甲"}
    data = write_table([SheetSpec("台账", columns, [row], sample_note="请勿修改表头")])
    sheet = load_workbook(io.BytesIO(data))["台账"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert (sheet["A2"].value, sheet["A2"].number_format) == (datetime.datetime(2023, 3, 31), "yyyy-mm-dd")
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet.column_dimensions["A"].width >= 12
    assert sheet["A1"].comment.text == "请勿修改表头"


def test_dropdown_validation_written_for_choice_columns() -> None:
    units = [f"县人民政府办公室第{index}科室" for index in range(40)]
    columns = [Column("title", "任务名称", "text"), Column("unit", "牵头单位", "choice", choices=units)]
    workbook = load_workbook(io.BytesIO(write_table([SheetSpec("模板", columns, [])])))
    (validation,) = workbook["模板"].data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == "'_lists'!$A$1:$A$40"
    assert str(validation.sqref) == "B2:B20001"
    assert validation.showErrorMessage
    assert workbook.sheetnames == ["模板", "_lists"]
    assert workbook["_lists"].sheet_state == "hidden"
    assert [cell.value for cell in workbook["_lists"]["A"]] == units

    plain = load_workbook(io.BytesIO(write_table([SheetSpec("导出", columns, [], dropdowns=False)])))
    assert plain.sheetnames == ["导出"]
    assert plain["导出"].data_validations.dataValidation == []


def test_failed_export_leaves_no_temp_files() -> None:
    def rows() -> Iterator[dict[str, Any]]:
        yield {"title": "公民身份号码110101199003071234"}
        raise RuntimeError("database went away")

    pattern = os.path.join(tempfile.gettempdir(), "openpyxl.*")
    before = set(glob.glob(pattern))
    with pytest.raises(RuntimeError):
        write_table([SheetSpec("台账", [Column("title", "任务名称", "text")], rows())])
    assert set(glob.glob(pattern)) == before


ROUND_TRIP_COLUMNS = [
    Column("title", "任务名称", "text", required=True),
    Column("due", "截止日期", "date"),
    Column("amount", "金额", "decimal"),
    Column("qty", "数量", "int"),
    Column("status", "状态", "choice", choices=STATUSES),
    Column("key", "是否重点", "bool"),
    Column("tags", "标签", "multi_choice", choices=["民生", "环保", "安全"]),
]
texts = (
    st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=30).map(str.strip).filter(bool)
)
ledger_rows = st.fixed_dictionaries(
    {
        "title": texts,
        "due": st.none() | st.dates(datetime.date(1900, 3, 1), datetime.date(2100, 12, 31)),
        "amount": st.none() | st.decimals(-(10**9), 10**9, places=2, allow_nan=False, allow_infinity=False),
        "qty": st.none() | st.integers(-(10**12), 10**12),
        "status": st.none() | st.sampled_from(STATUSES),
        "key": st.none() | st.booleans(),
        "tags": st.none() | st.lists(st.sampled_from(["民生", "环保", "安全"]), min_size=1, unique=True),
    }
)


@settings(max_examples=30, deadline=None)
@given(st.lists(ledger_rows, max_size=5))
@example(
    [{"title": "'=1", "due": None, "amount": Decimal("768.43"), "qty": None, "status": None, "key": None, "tags": None}]
)
def test_round_trip_preserves_values(rows: list[dict[str, Any]]) -> None:
    parsed = read_table(write_table([SheetSpec("台账", ROUND_TRIP_COLUMNS, rows)]), ROUND_TRIP_COLUMNS)
    assert parsed.errors == []
    assert [{key: value for key, value in row.items() if key != "_row"} for row in parsed.rows] == rows

"""Safe .xlsx import and export shared by every ledger.

Uploads are checked as zip archives before any XML is read (size, entry count, compression ratio,
entry names, encryption, macros, DTDs), then the chosen worksheet is streamed row by row through
expat with every DTD, entity declaration and external reference refused (what defusedxml does, without the
SAX adapter layer, which cost more CPU than the parse itself on a 10,000-row ledger). openpyxl's read-only reader is not used for import: it cannot tell a formula
without a cached value from an empty cell when ``data_only=True``, it parses sheets that lack a
``<dimension>`` element (openpyxl's own write-only output) twice while building the whole tree, and it
is about five times slower than the SAX reader here.

Exports use openpyxl's write-only mode (it supports data validation, frozen panes and column widths),
so large ledgers stream to disk instead of memory.
"""

from __future__ import annotations

import datetime
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar
from xml.parsers import expat

from gongjian.errors import UserError

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

class _OpenPyXL:
    """openpyxl's names, imported on first use: this module is imported while Django starts (supervision's selectors
    export cards), and openpyxl, with the numpy it loads when installed, took a third of every `gongjian` command's
    start-up. After the first use each name is a plain attribute, as cheap to reach as a global."""

    def __getattr__(self, name: str) -> Any:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
        from openpyxl.comments import Comment
        from openpyxl.styles import Font
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
        from openpyxl.utils import column_index_from_string, get_column_letter
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601
        from openpyxl.worksheet.datavalidation import DataValidation

        loaded = {
            "Workbook": Workbook, "WriteOnlyCell": WriteOnlyCell, "ERROR_CODES": ERROR_CODES,
            "ILLEGAL_CHARACTERS_RE": ILLEGAL_CHARACTERS_RE, "Comment": Comment, "Font": Font,
            "BUILTIN_FORMATS": BUILTIN_FORMATS, "is_date_format": is_date_format,
            "column_index_from_string": column_index_from_string, "get_column_letter": get_column_letter,
            "MAC_EPOCH": MAC_EPOCH, "WINDOWS_EPOCH": WINDOWS_EPOCH, "from_excel": from_excel,
            "from_ISO8601": from_ISO8601, "DataValidation": DataValidation,
        }
        self.__dict__.update(loaded)
        if name not in loaded:
            raise AttributeError(name)
        return loaded[name]


_xl = _OpenPyXL()


Kind = Literal["text", "int", "decimal", "date", "choice", "bool", "multi_choice"]
Bound = int | Decimal | datetime.date
_B = TypeVar("_B", int, Decimal, datetime.date)
_H = TypeVar("_H", bound="_Handler")

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_RATIO = 100
MAX_ROWS = 20_000
MAX_ERRORS = 500

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Small parts compress far beyond 100:1 legitimately, so the per-entry ratio only applies above this size.
_RATIO_MIN_ENTRY = 1024 * 1024
_CHUNK = 64 * 1024
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# Number formats 27-36 and 50-58 are dates or times in Chinese, Japanese and Korean Excel but are
# never written to styles.xml, so openpyxl's BUILTIN_FORMATS does not know them.
_CJK_DATE_FORMATS = frozenset([*range(27, 37), *range(50, 59)])
_MAX_DIGITS = 15  # Excel keeps 15 significant digits; larger numbers are typos or attacks on int().
# openpyxl writes numbers with "%.16g" (768.43 becomes 768.4299999999999); Excel shows 15 digits, so read 15.
_EXCEL_PRECISION = Context(prec=_MAX_DIGITS)
_ONE = Decimal(1)
_DROPDOWN_ROWS = MAX_ROWS + 1
_LISTS_SHEET = "_lists"

_INJECTION_START = frozenset("=+-@\t\r")
# The apostrophe itself is escaped too, so that reading strips exactly what writing added.
_QUOTED_START = _INJECTION_START | {"'"}

_NOT_XLSX = "文件不是有效的Excel（.xlsx）文件"
_CORRUPT = "文件内容已损坏，无法读取，请在Excel中重新保存为.xlsx后上传"
_UNSAFE_XML = "文件包含DTD或实体声明等不安全的XML内容，已拒绝"
_MACRO = "文件包含宏（.xlsm），出于安全原因不予接受，请另存为.xlsx后上传"

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_DASHED_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_MULTI_SEPARATORS = re.compile(r"[、,，;；]")
_TRUE_WORDS = frozenset(["是", "y", "true", "1"])
_FALSE_WORDS = frozenset(["否", "n", "false", "0"])


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    required: bool = False
    choices: Sequence[str] = ()
    max_length: int | None = None
    min_value: Bound | None = None
    max_value: Bound | None = None

    def __post_init__(self) -> None:
        if self.kind in ("choice", "multi_choice") and not self.choices:
            raise ValueError(f"column {self.key!r} of kind {self.kind} needs choices")
        # Cells are checked against the choices one by one; a province has thousands of units to look up.
        object.__setattr__(self, "_choice_set", frozenset(self.choices))

    def allows(self, text: str) -> bool:
        return text in self._choice_set


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    letter: str
    message: str


@dataclass(frozen=True)
class ParsedSheet:
    """Typed rows keyed by Column.key plus "_row"; trust `rows` only when `errors` is empty."""

    rows: list[dict[str, Any]]
    errors: list[CellError]


@dataclass(frozen=True)
class SheetSpec:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any]]
    dropdowns: bool = True
    sample_note: str | None = None  # shown as a comment on the first header cell


# ---------------------------------------------------------------- archive checks


def check_xlsx_file(
    data: bytes | IO[bytes],
    *,
    max_bytes: int = MAX_BYTES,
    max_unpacked: int = MAX_UNPACKED,
    max_entries: int = MAX_ENTRIES,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Raise UserError unless `data` is a plain, macro-free .xlsx within the size limits."""
    raw = _read_upload(data, max_bytes)
    with _open_zip(raw) as archive:
        _check_archive(archive, len(raw), max_unpacked=max_unpacked, max_entries=max_entries, max_ratio=max_ratio)


def _read_upload(data: bytes | IO[bytes], max_bytes: int) -> bytes:
    if not isinstance(data, bytes) and data.seekable():
        data.seek(0)  # the same upload is typically passed to check_xlsx_file and then to read_table
    raw = data if isinstance(data, bytes) else data.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise UserError(f"文件超过{_size_text(max_bytes)}上限", "too_large")
    if raw.startswith(_OLE_SIGNATURE):
        raise UserError(f"{_NOT_XLSX}：旧版.xls文件或设置了密码的文件，请在Excel中另存为不加密的.xlsx", "not_xlsx")
    if not raw.startswith(_ZIP_SIGNATURE):
        raise UserError(_NOT_XLSX, "not_xlsx")
    return raw


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:g}MB" if size >= 1024 * 1024 else f"{size / 1024:g}KB"


def _open_zip(raw: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UserError(_NOT_XLSX, "not_xlsx") from exc


def _check_archive(
    archive: zipfile.ZipFile,
    packed_size: int,
    *,
    max_unpacked: int,
    max_entries: int,
    max_ratio: int,
    xml_parts: bool = True,
) -> None:
    entries = archive.infolist()
    if len(entries) > max_entries:
        raise UserError(f"文件包含{len(entries)}个压缩条目，超过{max_entries}个上限，已拒绝", "too_many_entries")
    for entry in entries:
        _check_entry(entry)
    _check_names([entry.filename for entry in entries])
    _check_sizes(entries, packed_size, max_unpacked=max_unpacked, max_ratio=max_ratio)
    if xml_parts:
        _check_xml_parts(archive)
    if b"macroenabled" in archive.read("[Content_Types].xml").lower():
        raise UserError(_MACRO, "macro")


def _check_entry(entry: zipfile.ZipInfo) -> None:
    name = entry.filename
    if name.startswith("/") or "\\" in name or ".." in name.split("/") or re.match(r"[A-Za-z]:", name):
        raise UserError("文件包含非法路径的压缩条目，已拒绝", "path_traversal")
    if entry.flag_bits & 0x1:
        raise UserError("文件已加密，请取消密码后重新上传", "encrypted")
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UserError(_NOT_XLSX, "not_xlsx")


def _check_sizes(entries: list[zipfile.ZipInfo], packed_size: int, *, max_unpacked: int, max_ratio: int) -> None:
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_unpacked:
        raise UserError(f"文件解压后超过{_size_text(max_unpacked)}，疑似压缩炸弹，已拒绝", "zip_bomb")
    if unpacked > max_ratio * packed_size or any(
        entry.file_size > _RATIO_MIN_ENTRY and entry.file_size > max_ratio * entry.compress_size for entry in entries
    ):
        raise UserError(f"文件压缩比超过{max_ratio}:1，疑似压缩炸弹，已拒绝", "zip_bomb")


def _check_names(names: list[str]) -> None:
    # A duplicated name lets a checker and a parser look at different bytes under the same name.
    if len(set(names)) != len(names) or any(part not in names for part in _REQUIRED_PARTS):
        raise UserError(_NOT_XLSX, "not_xlsx")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UserError(_MACRO, "macro")


def _check_xml_parts(archive: zipfile.ZipFile, skip: frozenset[str] = frozenset()) -> None:
    for entry in archive.infolist():
        if entry.filename not in skip and entry.filename.lower().endswith((".xml", ".rels")):
            _check_xml_part(archive, entry)


def _check_xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Reject DTDs in every XML part, including parts the importer never reads, at expat's C speed."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _reject_dtd
    with _parse_errors(), archive.open(entry) as stream:
        parser.ParseFile(stream)


def _reject_dtd(*_: object) -> None:
    raise UserError(_UNSAFE_XML, "unsafe_xml")


@contextmanager
def _parse_errors() -> Iterator[None]:
    try:
        yield
    except (
        expat.ExpatError,
        ValueError,
        KeyError,
        EOFError,
        zlib.error,
        zipfile.BadZipFile,
        NotImplementedError,
    ) as exc:
        raise UserError(_CORRUPT, "not_xlsx") from exc


# ---------------------------------------------------------------- XML parts


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Handler:
    """Receives expat's events for one part: raw (possibly prefixed) element names and a dict of attributes."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def characters(self, content: str) -> None:
        pass


def _feed(archive: zipfile.ZipFile, path: str, handler: _Handler) -> Iterator[None]:
    """Stream one part through expat, refusing DTDs, entities and external references, pausing after each chunk."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _reject_dtd
    parser.EntityDeclHandler = _reject_dtd
    parser.UnparsedEntityDeclHandler = _reject_dtd
    parser.ExternalEntityRefHandler = _reject_dtd
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.characters
    # Without buffering expat reports text in many small pieces (at every line break and entity).
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    with _parse_errors(), archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)


def _parse_part(archive: zipfile.ZipFile, path: str, handler: _H) -> _H:
    for _ in _feed(archive, path, handler):
        pass
    return handler


@dataclass(frozen=True)
class _SheetRef:
    name: str
    rel_id: str
    visible: bool


class _WorkbookHandler(_Handler):
    def __init__(self) -> None:
        self.sheets: list[_SheetRef] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "sheet":
            rel_id = next((value for key, value in attrs.items() if _local(key) == "id"), "")
            self.sheets.append(_SheetRef(attrs.get("name", ""), rel_id, attrs.get("state", "visible") == "visible"))
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _RelsHandler(_Handler):
    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def find(self, type_suffix: str) -> str | None:
        return next((target for kind, target in self.targets.values() if kind.endswith(type_suffix)), None)


class _SharedStringsHandler(_Handler):
    def __init__(self) -> None:
        self.strings: list[str] = []
        self._parts: list[str] = []
        self._capture = False
        self._phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "t":
            self._capture = not self._phonetic
        elif local == "si":
            self._parts = []
        elif local == "rPh":
            self._phonetic += 1

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "t":
            self._capture = False
        elif local == "si":
            self.strings.append("".join(self._parts))
        elif local == "rPh":
            self._phonetic -= 1

    def characters(self, content: str) -> None:
        if self._capture:
            self._parts.append(content)


class _StylesHandler(_Handler):
    def __init__(self) -> None:
        self.custom_formats: dict[int, str] = {}
        self.xf_formats: list[int] = []
        self._in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "numFmt":
            self.custom_formats[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            self._in_cell_xfs = True
        elif local == "xf" and self._in_cell_xfs:
            self.xf_formats.append(int(attrs.get("numFmtId", "0")))

    def end(self, name: str) -> None:
        if _local(name) == "cellXfs":
            self._in_cell_xfs = False

    def date_styles(self) -> frozenset[str]:
        return frozenset(str(index) for index, fmt in enumerate(self.xf_formats) if self._is_date(fmt))

    def _is_date(self, fmt: int) -> bool:
        if fmt in self.custom_formats:
            return _xl.is_date_format(self.custom_formats[fmt])
        return fmt in _CJK_DATE_FORMATS or _xl.is_date_format(_xl.BUILTIN_FORMATS.get(fmt))


# (type attribute, style attribute, text of <v> or inline string, has <f>)
_RawCell = tuple[str, str | None, str | None, bool]
_Row = tuple[int, dict[int, _RawCell]]


class _SheetHandler(_Handler):
    """Collects the rows of <sheetData>; `wanted` limits which columns are kept once headers are known."""

    def __init__(self) -> None:
        self.rows: list[_Row] = []
        self.wanted: frozenset[int] | None = None
        self._in_data = False
        self._row = 0
        self._cells: dict[int, _RawCell] = {}
        self._column = 0
        self._type = "n"
        self._style: str | None = None
        self._formula = False
        self._text: list[str] = []
        self._has_text = False
        self._capture = False
        self._phonetic = 0
        self._locals: dict[str, str] = {}

    def _local(self, name: str) -> str:
        # A sheet repeats a handful of element names hundreds of thousands of times.
        local = self._locals.get(name)
        if local is None:
            local = self._locals[name] = _local(name)
        return local

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = self._local(name)
        if not self._in_data:
            self._in_data = local == "sheetData"
        elif local == "c":
            ref = attrs.get("r")
            self._column = _xl.column_index_from_string(ref.rstrip("0123456789")) if ref else self._column + 1
            self._type = attrs.get("t", "n")
            self._style = attrs.get("s")
            self._formula = False
            self._text = []
            self._has_text = False
        elif local == "v" or (local == "t" and not self._phonetic):
            self._capture = self._has_text = True
        elif local == "row":
            number = attrs.get("r")
            self._row = int(number) if number else self._row + 1
            self._cells = {}
            self._column = 0
        elif local == "f":
            self._formula = True
        elif local == "rPh":
            self._phonetic += 1

    def end(self, name: str) -> None:
        if not self._in_data:
            return
        local = self._local(name)
        if local == "v" or local == "t":
            self._capture = False
        elif local == "c":
            if self.wanted is None or self._column in self.wanted:
                text = "".join(self._text) if self._has_text else None
                self._cells[self._column] = (self._type, self._style, text, self._formula)
        elif local == "row":
            self.rows.append((self._row, self._cells))
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "sheetData":
            self._in_data = False

    def characters(self, content: str) -> None:
        if self._capture:
            self._text.append(content)


def _stream_rows(archive: zipfile.ZipFile, path: str, handler: _SheetHandler) -> Iterator[_Row]:
    for _ in _feed(archive, path, handler):
        rows, handler.rows = handler.rows, []
        yield from rows


# ---------------------------------------------------------------- cell values


class _Formula:
    """A formula cell saved without a cached result (machine-generated files)."""


_FORMULA = _Formula()


@dataclass(frozen=True)
class _ExcelError:
    code: str


@dataclass(frozen=True)
class _Book:
    sheets: list[tuple[_SheetRef, str]]
    shared_strings: list[str]
    date_styles: frozenset[str]
    epoch: datetime.datetime

    def sheet_path(self, name: str | None) -> str:
        for ref, path in self.sheets:
            if ref.name == name or (name is None and ref.visible):
                return path
        if name is None:
            raise UserError("文件中没有可读取的工作表", "no_sheet")
        raise UserError(f"找不到工作表「{name}」", "sheet_not_found", field="sheet")

    def decode(self, raw: _RawCell | None) -> object:
        if raw is None:
            return None
        kind, style, text, formula = raw
        if text is None or (not text and kind != "str"):
            return _FORMULA if formula else None
        if kind == "s":
            return _unquote(self._shared_string(text))
        if kind in ("inlineStr", "str"):
            return _unquote(text)
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "e":
            return _ExcelError(text)
        if kind == "d":
            return _from_iso(text)
        return self._number(text, style)

    def _shared_string(self, text: str | None) -> str:
        try:
            return self.shared_strings[int(text or "")]
        except (IndexError, ValueError) as exc:
            raise UserError(_CORRUPT, "not_xlsx") from exc

    def _number(self, text: str | None, style: str | None) -> object:
        try:
            number = _excel_number(text or "")
        except InvalidOperation as exc:
            raise UserError(_CORRUPT, "not_xlsx") from exc
        if style in self.date_styles:
            try:
                return _xl.from_excel(float(number), self.epoch)
            except (OverflowError, ValueError):
                return number
        return number


def _excel_number(text: str) -> Decimal:
    number = _EXCEL_PRECISION.create_decimal(text)
    if not number.is_finite() or number.as_tuple().exponent >= 0:
        return number
    trimmed = number.normalize()  # 768.430000000000 -> 768.43, but 100.0 -> 1E+2, hence the quantize
    return trimmed.quantize(_ONE) if trimmed.as_tuple().exponent > 0 else trimmed


def _from_iso(text: str) -> object:
    try:
        return _xl.from_ISO8601(text)
    except ValueError:
        return text


def _unquote(text: str) -> str:
    """Undo safe_cell's apostrophe so that exported files import unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1] in _QUOTED_START:
        return text[1:]
    return text


def _load_book(archive: zipfile.ZipFile) -> _Book:
    names = set(archive.namelist())
    workbook = _parse_part(archive, "xl/workbook.xml", _WorkbookHandler())
    rels = _parse_part(archive, "xl/_rels/workbook.xml.rels", _RelsHandler())
    sheets = []
    for ref in workbook.sheets:
        kind, target = rels.targets.get(ref.rel_id, ("", ""))
        if kind.endswith("/worksheet"):
            sheets.append((ref, _resolve(target, names)))
    strings_path = rels.find("/sharedStrings")
    styles_path = rels.find("/styles")
    strings = _parse_part(archive, _resolve(strings_path, names), _SharedStringsHandler()) if strings_path else None
    styles = _parse_part(archive, _resolve(styles_path, names), _StylesHandler()) if styles_path else None
    return _Book(
        sheets=sheets,
        shared_strings=strings.strings if strings else [],
        date_styles=styles.date_styles() if styles else frozenset(),
        epoch=_xl.MAC_EPOCH if workbook.date1904 else _xl.WINDOWS_EPOCH,
    )


def _resolve(target: str, names: set[str]) -> str:
    path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    if path not in names:
        raise UserError(_CORRUPT, "not_xlsx")
    return path


# ---------------------------------------------------------------- conversion


class _Invalid(Exception):
    """A cell value that does not fit its column; the message completes "第N行「列」…"."""


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _decimal_text(number: Decimal) -> str:
    if number.is_finite() and number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")


def _quoted(value: object) -> str:
    return f"“{_as_text(value)[:50]}”"


def _to_text(value: object, column: Column) -> str:
    text = _as_text(value)
    if column.max_length is not None and len(text) > column.max_length:
        raise _Invalid(f"超过{column.max_length}个字符上限（当前{len(text)}个）")
    return text


def _to_number(value: object) -> Decimal | None:
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _to_decimal(value: object, column: Column) -> Decimal:
    number = _to_number(value)
    if number is None:
        raise _Invalid(f"应为数字，当前为{_quoted(value)}")
    return _in_range(_not_huge(number), column)


def _to_int(value: object, column: Column) -> int:
    number = _to_number(value)
    if number is None or _not_huge(number) != number.to_integral_value():
        raise _Invalid(f"应为整数，当前为{_quoted(value)}")
    return _in_range(int(number), column)


def _not_huge(number: Decimal) -> Decimal:
    if number.adjusted() >= _MAX_DIGITS:
        raise _Invalid("数值过大")
    return number


def _to_date(value: object, column: Column) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return _in_range(value.date(), column)
    if isinstance(value, datetime.date):
        return _in_range(value, column)
    parsed = _parse_text_date(value.strip()) if isinstance(value, str) else None
    if parsed is None:
        raise _Invalid(f"不是有效日期（如2023-03-31），当前为{_quoted(value)}")
    return _in_range(parsed, column)


def _parse_text_date(text: str) -> datetime.date | None:
    dashed = _DASHED_DATE.fullmatch(text)
    match = dashed or _CHINESE_DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = match.group(1, 3, 4) if dashed else match.group(1, 2, 3)
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _in_range(value: _B, column: Column) -> _B:
    if column.min_value is not None and value < column.min_value:
        raise _Invalid(f"不能小于{column.min_value}")
    if column.max_value is not None and value > column.max_value:
        raise _Invalid(f"不能大于{column.max_value}")
    return value


def _to_bool(value: object, column: Column) -> bool:
    if isinstance(value, bool):
        return value
    word = _as_text(value).lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise _Invalid(f"应填写“是”或“否”，当前为{_quoted(value)}")


def _to_choice(value: object, column: Column) -> str:
    text = _as_text(value)
    if not column.allows(text):
        raise _Invalid(f"{_quoted(text)}不是可选值（可选：{_choices_hint(column)}）")
    return text


def _to_multi_choice(value: object, column: Column) -> list[str] | None:
    picked = list(dict.fromkeys(part.strip() for part in _MULTI_SEPARATORS.split(_as_text(value)) if part.strip()))
    unknown = [part for part in picked if not column.allows(part)]
    if unknown:
        raise _Invalid(f"{'、'.join(map(_quoted, unknown))}不是可选值（可选：{_choices_hint(column)}）")
    return picked or None


def _choices_hint(column: Column) -> str:
    shown = "、".join(column.choices[:10])
    return f"{shown}等{len(column.choices)}项" if len(column.choices) > 10 else shown


_CONVERTERS: dict[str, Callable[[object, Column], Any]] = {
    "text": _to_text,
    "int": _to_int,
    "decimal": _to_decimal,
    "date": _to_date,
    "choice": _to_choice,
    "bool": _to_bool,
    "multi_choice": _to_multi_choice,
}


def _convert(value: object, column: Column) -> Any:
    if value is _FORMULA:
        raise _Invalid("是公式，请粘贴为数值")
    if isinstance(value, _ExcelError):
        raise _Invalid(f"是错误值{value.code}，请修正")
    typed = None if _is_blank(value) else _CONVERTERS[column.kind](value, column)
    if typed is None and column.required:
        raise _Invalid("不能为空")
    return typed


# ---------------------------------------------------------------- reading


@dataclass
class _ErrorLog:
    errors: list[CellError] = field(default_factory=list)
    full: bool = False

    def add(self, error: CellError) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        elif not self.full:
            self.full = True
            self.errors.append(CellError(0, "", "", f"错误过多，仅显示前{MAX_ERRORS}条"))


def read_table(
    data: bytes | IO[bytes],
    columns: Sequence[Column],
    *,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
    header_row: int = 1,
) -> ParsedSheet:
    """Check, stream and validate one worksheet; every bad cell becomes a CellError, bad files a UserError."""
    raw = _read_upload(data, MAX_BYTES)
    with _open_zip(raw) as archive:
        _check_archive(archive, len(raw), max_unpacked=MAX_UNPACKED, max_entries=MAX_ENTRIES, max_ratio=MAX_RATIO,
                       xml_parts=False)
        book = _load_book(archive)
        path = book.sheet_path(sheet)
        # The chosen sheet, most of the file, streams through the same DTD-refusing parser below: checked once, there.
        _check_xml_parts(archive, skip=frozenset([path]))
        handler = _SheetHandler()
        rows = _stream_rows(archive, path, handler)
        header = _take_header(rows, header_row)
        bound = _match_headers(header, columns, book, header_row)
        handler.wanted = frozenset(index for _, index in bound)
        return _read_data(rows, columns, bound, book, max_rows)


def _take_header(rows: Iterator[_Row], header_row: int) -> dict[int, _RawCell]:
    for number, cells in rows:
        if number >= header_row:
            return cells if number == header_row else {}
    return {}


def _header_key(text: str) -> str:
    return "".join(text.split())


def _match_headers(
    header: dict[int, _RawCell], columns: Sequence[Column], book: _Book, header_row: int
) -> list[tuple[Column, int]]:
    wanted = {_header_key(column.header): column for column in columns}
    found: dict[str, int] = {}
    for index, raw in sorted(header.items()):
        column = wanted.get(_header_key(_as_text(book.decode(raw))))
        if column is None:
            continue
        if column.key in found:
            letters = f"{_xl.get_column_letter(found[column.key])}列和{_xl.get_column_letter(index)}列"
            raise UserError(f"表头「{column.header}」重复出现（{letters}）", "duplicate_header", field=column.header)
        found[column.key] = index
    missing = [column.header for column in columns if column.required and column.key not in found]
    if missing:
        names = "".join(f"「{name}」" for name in missing)
        raise UserError(f"缺少必填列{names}，请使用导入模板", "missing_header", field="、".join(missing))
    if not found:
        raise UserError(f"第{header_row}行没有可识别的表头，请使用导入模板", "missing_header")
    return [(column, found[column.key]) for column in columns if column.key in found]


def _read_data(
    rows: Iterator[_Row], columns: Sequence[Column], bound: list[tuple[Column, int]], book: _Book, max_rows: int
) -> ParsedSheet:
    empty = {column.key: None for column in columns}
    letters = {index: _xl.get_column_letter(index) for _, index in bound}
    records: list[dict[str, Any]] = []
    log = _ErrorLog()
    for number, cells in rows:
        values = [(column, index, book.decode(cells.get(index))) for column, index in bound]
        if all(_is_blank(value) for _, _, value in values):
            continue
        if len(records) == max_rows:
            raise UserError(f"数据超过{max_rows}行上限，请拆分后分批导入", "too_many_rows")
        record: dict[str, Any] = {**empty, "_row": number}
        for column, index, value in values:
            try:
                record[column.key] = _convert(value, column)
            except _Invalid as exc:
                log.add(CellError(number, column.header, letters[index], f"第{number}行「{column.header}」{exc}"))
        records.append(record)
    return ParsedSheet(rows=records, errors=log.errors)


# ---------------------------------------------------------------- writing


def column_letter(index: int) -> str:
    """The letter of the 1-based column `index` (1 → A, 27 → AA), as error messages name a cell."""
    return _xl.get_column_letter(index)


def safe_cell(value: Any) -> Any:
    """Make a value safe for an exported cell.

    Characters XML cannot carry (NUL and other C0 controls except tab, CR and LF) are dropped, and text a
    spreadsheet could take for a formula (= + - @ tab CR, or an apostrophe) gets a leading apostrophe, which
    stays visible and stays text in Excel, LibreOffice and any CSV re-save. read_table removes it again.
    Numbers, dates and other non-text values are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    text = _xl.ILLEGAL_CHARACTERS_RE.sub("", value)
    return f"'{text}" if text[:1] in _QUOTED_START else text


def write_table(sheets: Sequence[SheetSpec]) -> bytes:
    """Write one worksheet per spec (plus a hidden "_lists" sheet for dropdowns) and return the .xlsx bytes."""
    workbook = _xl.Workbook(write_only=True)
    lists = _ChoiceLists()
    try:
        for spec in sheets:
            _write_sheet(workbook, spec, lists)
        lists.write(workbook)
        buffer = io.BytesIO()
        workbook.save(buffer)
    except BaseException:
        _discard_temp_files(workbook)
        raise
    return buffer.getvalue()


def _discard_temp_files(workbook: Workbook) -> None:
    # Write-only sheets spool rows (possibly personal data) to temp files that openpyxl only removes
    # after a successful save or at interpreter exit.
    for worksheet in workbook.worksheets:
        writer = worksheet._writer
        if writer is None:
            continue
        if not worksheet.closed:
            # Closing ends openpyxl's half-run XML generators now rather than noisily at garbage collection;
            # the sheet may be in any state after the failure, and the file is deleted either way.
            with suppress(Exception):
                worksheet.close()
        if os.path.exists(writer.out):
            writer.cleanup()


class _ChoiceLists:
    """Choice lists kept on one hidden sheet, one column per distinct list, referenced by data validations."""

    def __init__(self) -> None:
        self._columns: dict[tuple[str, ...], int] = {}

    def reference(self, choices: Sequence[str]) -> str:
        index = self._columns.setdefault(tuple(choices), len(self._columns) + 1)
        letter = _xl.get_column_letter(index)
        return f"'{_LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"

    def write(self, workbook: Workbook) -> None:
        if not self._columns:
            return
        worksheet = workbook.create_sheet(_LISTS_SHEET)
        worksheet.sheet_state = "hidden"
        lists = list(self._columns)
        for position in range(max(map(len, lists))):
            worksheet.append([safe_cell(items[position]) if position < len(items) else None for items in lists])


def _write_sheet(workbook: Workbook, spec: SheetSpec, lists: _ChoiceLists) -> None:
    if spec.title == _LISTS_SHEET:
        raise ValueError(f"sheet title {_LISTS_SHEET!r} is reserved")
    worksheet = workbook.create_sheet(spec.title)
    for index, column in enumerate(spec.columns, 1):
        worksheet.column_dimensions[_xl.get_column_letter(index)].width = _column_width(column)
    worksheet.freeze_panes = "A2"
    worksheet.append(_header_cells(worksheet, spec))
    count = 0
    for row in spec.rows:
        worksheet.append([_data_cell(worksheet, column, row.get(column.key)) for column in spec.columns])
        count += 1
    if spec.dropdowns:
        _add_dropdowns(worksheet, spec.columns, lists, last_row=max(count + 1, _DROPDOWN_ROWS))


def _column_width(column: Column) -> float:
    header = sum(2 if ord(char) > 0x2E7F else 1 for char in column.header) + 4
    by_kind = {"date": 12, "decimal": 14, "text": min(column.max_length or 30, 40)}.get(column.kind, 10)
    return min(max(header, by_kind), 50)


def _header_cells(worksheet: Any, spec: SheetSpec) -> list[WriteOnlyCell]:
    cells = []
    for column in spec.columns:
        cell = _xl.WriteOnlyCell(worksheet, safe_cell(column.header))
        cell.font = _xl.Font(bold=True)
        cells.append(cell)
    if spec.sample_note and cells:
        cells[0].comment = _xl.Comment(spec.sample_note, "系统", width=320, height=160)
    return cells


def _data_cell(worksheet: Any, column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "date":
        return _styled(worksheet, _export_date(value), "yyyy-mm-dd")
    if column.kind == "decimal" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _styled(worksheet, value, "#,##0.00")
    if column.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "multi_choice" and isinstance(value, list | tuple | set | frozenset):
        value = "、".join(map(str, value))
    return _text_cell(worksheet, safe_cell(str(value)))


def _export_date(value: datetime.date) -> datetime.date:
    if not isinstance(value, datetime.datetime):
        return value
    if value.tzinfo is not None:
        raise ValueError("convert aware datetimes to local dates before exporting a date column")
    return value.date()


def _styled(worksheet: Any, value: Any, number_format: str) -> WriteOnlyCell:
    cell = _xl.WriteOnlyCell(worksheet, value)
    cell.number_format = number_format
    return cell


def _text_cell(worksheet: Any, text: str) -> Any:
    if text not in _xl.ERROR_CODES:
        return text or None
    cell = _xl.WriteOnlyCell(worksheet, text)
    cell.data_type = "s"  # openpyxl would otherwise write "#N/A" and friends as error cells
    return cell


def _add_dropdowns(worksheet: Any, columns: Sequence[Column], lists: _ChoiceLists, last_row: int) -> None:
    for index, column in enumerate(columns, 1):
        if column.kind not in ("choice", "bool"):
            continue
        validation = _xl.DataValidation(
            type="list",
            formula1=lists.reference(column.choices if column.kind == "choice" else ("是", "否")),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="输入有误",
            error=f"「{column.header}」请从下拉列表中选择",
        )
        letter = _xl.get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        worksheet.data_validations.append(validation)

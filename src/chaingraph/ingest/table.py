"""Read a company sheet (CSV, TSV, Excel "Unicode text", XLSX) into rows keyed by column.

Headers may be Chinese or English (``企业`` or ``company``); bytes are decoded by BOM, then
strict UTF-8, then strict GB18030 (a superset of GBK), so that undecodable bytes are an error
naming their line, never mojibake.

>>> decode_bytes("企业,环节\\n高景,硅片\\n".encode("gbk"), "a.csv")[1]
'gb18030'
>>> decode_bytes("企业,环节\\n".encode("utf-8-sig"), "a.csv")[1]
'utf-8-sig'
>>> canonical_column("统一社会信用代码"), canonical_column(" Company "), canonical_column("备注")
('credit_code', 'company', None)
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..labels import normalise
from ..messages import Message, os_reason
from ..store import StoreError

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "TABLE_SUFFIXES",
    "Problem",
    "Row",
    "Table",
    "TableError",
    "canonical_column",
    "decode_bytes",
    "read_table",
    "write_rows",
]

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")

# canonical key: (Chinese header, English header, other accepted spellings)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "company": ("企业", "company", ("企业名称", "公司", "公司名称", "company name", "name")),
    "stage": ("环节", "stage", ("产业环节", "产品", "product")),
    "region": (
        "地区",
        "region",
        ("所在地", "所在地区", "地点", "区域", "location", "site", "place"),
    ),
    "chain": ("产业链", "chain", ("链条", "所属产业链", "industry chain")),
    "capacity": ("产能", "capacity", ("设计产能", "规模", "产能规模")),
    "unit": ("单位", "unit", ("产能单位", "计量单位", "capacity unit")),
    "status": ("状态", "status", ("项目状态", "生产状态")),
    "year": ("年份", "year", ("年度", "时间")),
    "group": ("所属集团", "group", ("集团", "母公司", "parent", "parent company")),
    "source": ("来源", "source", ("出处", "数据来源", "资料来源")),
    "credit_code": (
        "统一社会信用代码",
        "credit code",
        ("信用代码", "社会信用代码", "uscc", "credit_code", "unified social credit code"),
    ),
}
REQUIRED = ("company", "stage", "region")

# Bounds on a sheet, so that memory and time stay bounded (docs: "Limits"). A cell holds at most
# csv's own default field limit; a sheet at most MAX_ROWS rows (an .xlsx is counted by
# streaming before it is read whole, so a 1M-row workbook is refused in bounded memory).
MAX_CELL_CHARS = 131_072
MAX_ROWS = 100_000

_HEADER_NOISE = re.compile(r"[*＊]|[(（](必填|选填|可选|required|optional)[)）]")


def canonical_column(header: str) -> str | None:
    """The canonical key of a header as written (``企业``, ``Company``, ``产能（选填）``...)."""
    text = normalise(_HEADER_NOISE.sub("", str(header)).replace("_", " "))
    for key, (zh, en, others) in COLUMNS.items():
        if text in {normalise(n) for n in (zh, en, *others)}:
            return key
    return None


@dataclass
class Problem:
    """One thing wrong with a table: where (file, spreadsheet row, column), what, and how to fix.

    ``what`` and ``fix`` are messages of the catalogs (a plain string is shown as it is), put
    into words by :meth:`text` in the language asked for; :attr:`message` and
    :attr:`suggestion` are their words in the default language.

    >>> problem = Problem("a.csv", 3, "年份", Message("ingest.year.not_a_year", year="20x"))
    >>> problem.text("en")
    "a.csv, row 3, column 年份: year '20x' is not a year"
    >>> problem.text("zh")
    "a.csv，第 3 行，年份 列：年份 '20x' 不是年份"
    """

    file: str
    row: int | None
    column: str | None
    what: Message | str
    fix: Message | str = ""
    severity: str = "error"

    @property
    def message(self) -> str:
        """What is wrong, in the default language."""
        return _words(self.what)

    @property
    def suggestion(self) -> str:
        """How to fix it, in the default language ("" when there is nothing to suggest)."""
        return _words(self.fix)

    def where(self) -> Message:
        """File, row and column, as the message ``ingest.where.*``."""
        if self.row is not None and self.column:
            return Message(
                "ingest.where.row_column", file=self.file, row=self.row, column=self.column
            )
        if self.row is not None:
            return Message("ingest.where.row", file=self.file, row=self.row)
        if self.column:
            return Message("ingest.where.column", file=self.file, column=self.column)
        return Message("ingest.where.file", file=self.file)

    def as_message(self) -> Message:
        """The whole problem (where, what, fix) as one message."""
        if self.fix:
            return Message("ingest.problem.fix", where=self.where(), what=self.what, fix=self.fix)
        return Message("ingest.problem.plain", where=self.where(), what=self.what)

    def reason(self) -> Message:
        """What and fix, without the file and row (the ``error`` column of a reject file)."""
        column = self.column or ""
        if self.fix:
            return Message("ingest.problem.reason_fix", column=column, what=self.what, fix=self.fix)
        return Message("ingest.problem.reason", column=column, what=self.what)

    def text(self, lang: str | None = None) -> str:
        return self.as_message().text(lang)

    def __str__(self) -> str:
        return self.text()

    def to_dict(self, lang: str | None = None) -> dict:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "code": self.what.code if isinstance(self.what, Message) else None,
            "message": _words(self.what, lang),
            "suggestion": _words(self.fix, lang),
            "severity": self.severity,
        }


def _words(message: Message | str, lang: str | None = None) -> str:
    return message.text(lang) if isinstance(message, Message) else message


class TableError(StoreError):
    """A table cannot be imported; ``problems`` lists every problem found (nothing was imported).

    ``summary`` is the first line (a message); by default it counts the problems.
    """

    def __init__(self, problems: list[Problem], summary: Message | None = None) -> None:
        self.problems = problems
        files = sorted({p.file for p in problems})
        if summary is None and len(files) == 1:
            summary = Message("ingest.table.problems_in", file=files[0], count=len(problems))
        elif summary is None:
            summary = Message("ingest.table.problems", count=len(problems))
        items = [Message("ingest.table.item", problem=p.as_message()) for p in problems]
        super().__init__("ingest.table.error", head=summary, problems=items)


@dataclass
class Row:
    """One data row: its spreadsheet row number, cells by canonical key, and the cells as read."""

    number: int
    cells: dict[str, str]
    raw: list[str]

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class Table:
    path: Path
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    columns: dict[str, int]  # canonical key -> index in headers
    rows: list[Row]
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1
    ignored_columns: list[str] = field(default_factory=list)

    def header_of(self, key: str) -> str:
        """The header as written in the file for a canonical key (or the key itself)."""
        index = self.columns.get(key)
        return self.headers[index] if index is not None else key


# --------------------------------------------------------------------------- decoding


def _line_of(data: bytes, position: int, encoding: str) -> int:
    prefix = data[:position].decode(encoding, errors="replace")
    return prefix.count("\n") + 1


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: many NUL bytes (never in UTF-8 or GBK text), mostly on one side.

    ASCII in UTF-16-LE has its NUL on the odd side; some CJK characters (一 is ``00 4e`` in
    UTF-16-LE) put one on the other side, so the side with most NULs decides. A stray NUL or
    two (a damaged UTF-8 file) is not UTF-16.
    """
    sample = data[:4000]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even + odd < len(sample) // 8:
        return None
    return "utf-16-le" if odd >= even else "utf-16-be"


def _refuse_nul(data: bytes, name: str) -> None:
    """A NUL byte in what is not UTF-16 is a binary or damaged file: say so, with its line."""
    position = data.find(b"\0")
    if position != -1:
        line = data.count(b"\n", 0, position) + 1
        raise StoreError("input.sheet.nul_byte", file=name, line=line)


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text table; returns ``(text, encoding)`` or raises :class:`TableError`.

    Order: BOM (UTF-8, UTF-16), then strict UTF-8, then strict GB18030. A file that is UTF-8 up to
    a bad byte is reported as UTF-8 with that byte's line, not re-read as GB18030 (mojibake).
    """
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    candidates: list[str] = []
    for bom, encoding in boms:
        if data.startswith(bom):
            candidates = [encoding]
            break
    else:
        utf16 = _looks_utf16(data)
        if not utf16:
            _refuse_nul(data, name)
        candidates = [utf16] if utf16 else ["utf-8", "gb18030"]
    failure: tuple[str, int] = ("utf-8", 0)
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            failure = (encoding, error.start)
            if encoding == "utf-8" and any(b >= 0x80 for b in data[: error.start]):
                break  # valid non-ASCII UTF-8 before the bad byte: a damaged UTF-8 file
    encoding, position = failure
    tried = Message("ingest.decode.utf8_or_gbk") if encoding == "gb18030" else encoding.upper()
    bad = data[position : position + 4].hex(" ")
    line = _line_of(data, position, encoding)
    raise TableError(
        [
            Problem(
                name,
                line,
                None,
                Message("ingest.decode.failed", bytes=bad, offset=position, encoding=tried),
                Message("ingest.fix.save_utf8"),
            )
        ],
        summary=Message("ingest.table.undecodable", file=name),
    )


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in ("\t", ",", ";", "，")}
    best = max(counts, key=lambda d: (counts[d], d == "\t"))
    return best if counts[best] else ","


# --------------------------------------------------------------------------- cells


def _cell_text(value) -> str:
    """The text of a cell as a planner sees it: ``10`` not ``10.0``; dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).upper() if abs(value) >= 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


def _header_row(rows: list[list[str]], limit: int = 10) -> int | None:
    """Index of the header row: the first of the first rows with a required column's header."""
    for index, cells in enumerate(rows[:limit]):
        keys = {canonical_column(c) for c in cells if c}
        if keys & set(REQUIRED) and len(keys - {None}) >= 2:
            return index
    return None


def _build(path: Path, kind: str, grid: list[list[str]], numbers: list[int], **extra) -> Table:
    name = path.name
    while grid and not any(grid[-1]):
        grid.pop()
        numbers.pop()
    if not grid:
        raise TableError(
            [Problem(name, None, None, Message("ingest.table.empty"), _known_headers())]
        )
    header_index = _header_row(grid)
    if header_index is None:
        first = next((r for r in grid if any(r)), grid[0])
        raise TableError(
            [
                Problem(
                    name,
                    numbers[0],
                    None,
                    Message("ingest.table.no_header", first=", ".join(c for c in first if c)),
                    _known_headers(),
                )
            ]
        )
    headers = [c.strip() for c in grid[header_index]]
    columns: dict[str, int] = {}
    ignored, problems = [], []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = canonical_column(header)
        if key is None:
            ignored.append(header)
        elif key in columns:
            problems.append(
                Problem(
                    name,
                    numbers[header_index],
                    header,
                    Message("ingest.table.repeated", column=header, first=headers[columns[key]]),
                    Message("ingest.fix.keep_one"),
                )
            )
        else:
            columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            zh, en, _ = COLUMNS[key]
            problems.append(
                Problem(
                    name,
                    numbers[header_index],
                    None,
                    Message(
                        "ingest.table.missing_column",
                        zh=zh,
                        en=en,
                        headers=", ".join(h for h in headers if h),
                    ),
                    _known_headers(),
                )
            )
    if problems:
        raise TableError(problems)
    rows = []
    for cells, number in zip(grid[header_index + 1 :], numbers[header_index + 1 :], strict=True):
        if not any(c.strip() for c in cells):
            continue
        values = {
            key: cells[index].strip() if index < len(cells) else ""
            for key, index in columns.items()
        }
        rows.append(Row(number, values, list(cells)))
    return Table(
        path,
        kind,
        headers,
        columns,
        rows,
        header_row=numbers[header_index],
        ignored_columns=ignored,
        **extra,
    )


def _known_headers() -> Message:
    parts = [
        f"{zh}/{en}" + ("" if key in REQUIRED else "?") for key, (zh, en, _) in COLUMNS.items()
    ]
    return Message("ingest.fix.known_headers", headers=", ".join(parts))


def _read_text(path: Path, data: bytes) -> Table:
    text, encoding = decode_bytes(data, path.name)
    delimiter = _sniff_delimiter(text, path.suffix.lower())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid, numbers = [], []
    with _field_limit(len(text) + 1):  # our own check below names the row and column
        for cells in reader:
            _check_cells(cells, reader.line_num, path.name)
            grid.append([c.strip() for c in cells])
            numbers.append(reader.line_num)  # last physical line of the record
            _check_rows(len(grid), path.name)
    # csv counts lines; a record's number is its first line when cells hold no newlines.
    return _build(path, "csv", grid, numbers, encoding=encoding, delimiter=delimiter)


@contextmanager
def _field_limit(limit: int):
    """csv's field size limit (a process-wide setting) raised for one read, then put back."""
    before = csv.field_size_limit(max(limit, csv.field_size_limit()))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _column_name(index: int) -> str:
    """The spreadsheet name of a 0-based column: A, B, ..., Z, AA ...

    >>> _column_name(0), _column_name(25), _column_name(26)
    ('A', 'Z', 'AA')
    """
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _check_cells(cells: list, row: int, name: str) -> None:
    for index, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise StoreError(
                "input.sheet.cell_too_long",
                file=name,
                row=row,
                column=_column_name(index),
                limit=MAX_CELL_CHARS,
            )


def _check_rows(count: int, name: str) -> None:
    if count > MAX_ROWS:
        raise StoreError("input.sheet.too_many_rows", file=name, limit=MAX_ROWS)


def _count_xlsx_rows(path: Path) -> None:
    """Refuse a workbook with a sheet over :data:`MAX_ROWS` rows, streaming (bounded memory).

    openpyxl's read-only mode reads rows one at a time; the full read that follows (which
    needs merged cells, absent in read-only mode) keeps every cell in memory.
    """
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            for count, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                _check_rows(count, path.name)
                _check_cells(list(row), count, path.name)
    finally:
        book.close()


def _read_xlsx(path: Path) -> Table:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise StoreError("ingest.table.needs_openpyxl") from None
    try:
        with warnings.catch_warnings():  # e.g. "Workbook contains no default style"
            warnings.simplefilter("ignore", UserWarning)
            _count_xlsx_rows(path)
            book = openpyxl.load_workbook(path, data_only=True)
    except StoreError:
        raise
    except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise TableError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    Message("ingest.table.bad_xlsx", reason=str(error)),
                    Message("ingest.fix.resave_xlsx"),
                )
            ]
        ) from None
    sheets = [s for s in book.worksheets if s.sheet_state == "visible"] or book.worksheets
    chosen, grid = None, []
    for sheet in sheets:
        grid = _sheet_grid(sheet)
        if _header_row(grid) is not None:
            chosen = sheet
            break
    if chosen is None:
        chosen = sheets[0]
        grid = _sheet_grid(chosen)
    numbers = list(range(1, len(grid) + 1))
    return _build(path, "xlsx", grid, numbers)


def _sheet_grid(sheet) -> list[list[str]]:
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        top_left = values[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                values[r - 1][c - 1] = top_left
    return [[_cell_text(v) for v in row] for row in values]


def read_table(path: str | Path) -> Table:
    """Read a ``.csv``/``.tsv``/``.txt``/``.xlsx`` company sheet; errors are :class:`TableError`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise TableError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    Message("ingest.table.unknown_type", suffix=suffix),
                    Message(
                        "ingest.fix.resave_table"
                        if suffix in (".xls", ".et", ".ods")
                        else "ingest.fix.table_types",
                        types=", ".join(TABLE_SUFFIXES),
                    ),
                )
            ]
        )
    try:
        if suffix == ".xlsx":
            return _read_xlsx(path)
        return _read_text(path, path.read_bytes())
    except OSError as error:
        raise StoreError("files.cannot_read", path=path, reason=os_reason(error)) from None


def write_rows(table: Table, headers: list[str], rows: list[list[str]], path: Path) -> None:
    """Write rows like ``table`` was written: same kind, encoding and delimiter."""
    if table.kind == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        for column in sheet.iter_cols():
            for cell in column:
                cell.number_format = "@"
        book.save(path)
        return
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=table.delimiter or ",", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    Path(path).write_bytes(out.getvalue().encode(table.encoding or "utf-8"))

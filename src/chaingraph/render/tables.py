"""Rows to text: aligned tables (CJK-aware), CSV, TSV, JSON and Markdown.

>>> print(render_rows(["环节", "n"], [["硅片", 1], ["Wafer", 22]], "markdown"))
| 环节 | n |
|---|---|
| 硅片 | 1 |
| Wafer | 22 |
>>> print(render_rows(["环节", "n"], [["硅片", 1]], "csv"), end="")
环节,n
硅片,1
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .registry import register, render

__all__ = ["FORMATS", "RowTable", "console_text", "render_rows", "rich_table"]

FORMATS = ("table", "csv", "tsv", "json", "markdown")  # the formats registered below


def _cell(value) -> str:
    return "" if value is None else str(value)


def rich_table(headers: Sequence[str], rows: Sequence[Sequence], title: str | None = None) -> Table:
    """A table whose cells are plain text: ``[bold]`` in a company name stays as written.

    >>> print(console_text(rich_table(["name"], [["[red]ACME[/red]"]])), end="")
     name
    ─────────────────
     [red]ACME[/red]
    """
    table = Table(title=Text(title) if title else None, box=box.SIMPLE_HEAD, title_justify="left")
    for header in headers:
        table.add_column(Text(header))
    for row in rows:
        table.add_row(*(Text(_cell(v)) for v in row))
    return table


def console_text(*renderables, width: int = 160) -> str:
    """Render rich objects to plain text (no colour), aligning CJK double-width characters."""
    console = Console(
        file=io.StringIO(), width=width, color_system=None, force_terminal=False, soft_wrap=False
    )
    for renderable in renderables:
        console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in console.file.getvalue().splitlines())


def _escape_markdown(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


@dataclass
class RowTable:
    """Rows under headers: what ``graphs``, ``query --list`` and the extraction review print.

    ``width`` is the line width of the ``table`` format (CJK characters count double).
    """

    headers: Sequence[str]
    rows: Sequence[Sequence]
    width: int = 160


@register(RowTable, "table")
def _table(table: RowTable) -> str:
    return console_text(rich_table(table.headers, table.rows), width=table.width)


def _separated(table: RowTable, delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(table.headers)
    writer.writerows([[_cell(v) for v in row] for row in table.rows])
    return out.getvalue()


@register(RowTable, "csv")
def _csv(table: RowTable) -> str:
    return _separated(table, ",")


@register(RowTable, "tsv")
def _tsv(table: RowTable) -> str:
    return _separated(table, "\t")


@register(RowTable, "json")
def _json(table: RowTable) -> str:
    """A list of objects keyed by header."""
    records = [dict(zip(table.headers, row, strict=True)) for row in table.rows]
    return json.dumps(records, ensure_ascii=False, indent=2)


@register(RowTable, "markdown")
def _markdown(table: RowTable) -> str:
    lines = ["| " + " | ".join(table.headers) + " |", "|" + "---|" * len(table.headers)]
    lines += [
        "| " + " | ".join(_escape_markdown(_cell(v)) for v in row) + " |" for row in table.rows
    ]
    return "\n".join(lines)


def render_rows(
    headers: Sequence[str], rows: Sequence[Sequence], fmt: str, width: int = 160
) -> str:
    """Rows in one of :data:`FORMATS`; ``json`` gives a list of objects keyed by header."""
    return render(RowTable(headers, rows, width), fmt)

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

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["FORMATS", "console_text", "render_rows", "rich_table"]

FORMATS = ("table", "csv", "tsv", "json", "markdown")


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


def render_rows(
    headers: Sequence[str], rows: Sequence[Sequence], fmt: str, width: int = 160
) -> str:
    """Rows in one of :data:`FORMATS`; ``json`` gives a list of objects keyed by header."""
    if fmt == "table":
        return console_text(rich_table(headers, rows), width=width)
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        return out.getvalue()
    if fmt == "json":
        return json.dumps(
            [dict(zip(headers, row, strict=True)) for row in rows], ensure_ascii=False, indent=2
        )
    if fmt == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(_escape_markdown(_cell(v)) for v in row) + " |" for row in rows]
        return "\n".join(lines)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")

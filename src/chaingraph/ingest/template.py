"""An empty company sheet: the headers (Chinese or English) and one example row.

The example row shows how to fill the sheet; ``load`` refuses it (:func:`is_example_row`), so
it cannot enter a store as data by accident.

>>> print(template_text("en"), end="")
company,stage,region,chain,capacity,unit,status,year,group,source,credit code
青海高景太阳能科技有限公司,硅片,西宁经济技术开发区,光伏,50,GW,在产,2023,,https://example.org/news/1,
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .table import COLUMNS

__all__ = ["EXAMPLE", "is_example_row", "template_rows", "template_text", "write_template"]

EXAMPLE = {
    "company": "青海高景太阳能科技有限公司",
    "stage": "硅片",
    "region": "西宁经济技术开发区",
    "chain": "光伏",
    "capacity": "50",
    "unit": "GW",
    "status": "在产",
    "year": "2023",
    "group": "",
    "source": "https://example.org/news/1",
    "credit_code": "",
}


# The cells that make a row the template's example: a user who keeps the row by mistake keeps
# all of them; one who reuses it for a real company changes the company or the source.
_EXAMPLE_KEYS = ("company", "stage", "capacity", "unit", "year", "source")


def is_example_row(cells: dict[str, str]) -> bool:
    """Whether a sheet row (cells by column key) is the template's example row, left in.

    >>> is_example_row(EXAMPLE), is_example_row({**EXAMPLE, "company": "西宁某某有限公司"})
    (True, False)
    """
    return all((cells.get(key) or "").strip() == EXAMPLE[key] for key in _EXAMPLE_KEYS)


def template_rows(lang: str = "zh") -> tuple[list[str], list[str]]:
    headers = [zh if lang == "zh" else en for zh, en, _ in COLUMNS.values()]
    return headers, [EXAMPLE[key] for key in COLUMNS]


def template_text(lang: str = "zh") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(template_rows(lang))
    return out.getvalue()


def write_template(path: str | Path, lang: str = "zh", fmt: str | None = None) -> Path:
    """Write the template as CSV (UTF-8 with BOM, so Excel reads it) or XLSX (text cells)."""
    path = Path(path)
    fmt = fmt or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    headers, example = template_rows(lang)
    if fmt == "xlsx":
        import openpyxl
        from openpyxl.styles import Font

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "企业" if lang == "zh" else "companies"
        sheet.append(headers)
        sheet.append(example)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.iter_cols(min_row=1, max_row=200):
            for cell in column:
                cell.number_format = "@"  # text: keeps credit codes and leading zeros
            sheet.column_dimensions[column[0].column_letter].width = 18
        sheet.freeze_panes = "A2"
        book.save(path)
    else:
        path.write_bytes(template_text(lang).encode("utf-8-sig"))
    return path

"""Text we write into spreadsheets stays text (formula injection, CWE-1236): a name, a file name or a note
that begins with = + - @ or a tab/CR would otherwise be a formula when the office opens the sheet."""

from __future__ import annotations

from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(TRIGGERS)


def append_row(ws: Any, values: list[Any]) -> None:
    """`ws.append(values)` with every risky text stored as a string cell marked quote-prefixed, as Excel
    itself stores text typed as '=…: shown as written, never evaluated, not even after an edit."""
    ws.append(values)
    row = ws.max_row
    for col, value in enumerate(values, 1):
        if risky(value):
            cell = ws.cell(row=row, column=col)
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True


def csv_text(value: Any) -> Any:
    """A CSV field that a spreadsheet will not run: risky text gets a leading apostrophe (OWASP)."""
    return "'" + value if risky(value) else value


def print_landscape(ws: Any, title_rows: str, pages_high: int = 0) -> None:
    """A4 landscape, one page wide (`pages_high` pages tall, 0 = as many as needed), `title_rows` repeated on
    every page: how an office prints a list it hands out."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_high
    ws.print_title_rows = title_rows

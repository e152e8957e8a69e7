"""Read a spreadsheet file into plain rows of cells: .xlsx/.xls via calamine, .csv in any Chinese encoding."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from archiver.errors import UserError


class SheetReadError(UserError):
    """The file cannot be read as a table at all (reason in Chinese first)."""


@dataclass
class Sheet:
    name: str
    rows: list[list]  # cells: str, float, int, bool, date, datetime or None


ENCODINGS = ("utf-8-sig", "gb18030", "big5")


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312), then Big5."""
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SheetReadError("CSV文件编码无法识别（不是UTF-8/GBK/GB18030/Big5）/ unknown CSV encoding")


def read_sheets(path: Path, kind: str) -> list[Sheet]:
    """`kind` is what sniffing found: 'xlsx', 'xls' or 'csv'."""
    if kind == "csv":
        text = decode_csv(path.read_bytes())
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
        return [Sheet(path.stem, rows)]
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        out = []
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            out.append(Sheet(name, sheet.to_python(skip_empty_area=False)))
        return out
    except Exception as exc:  # calamine raises its own error types for corrupt or encrypted files
        msg = str(exc)
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise SheetReadError("表格文件有密码保护，无法读取 / spreadsheet is password-protected") from exc
        raise SheetReadError(f"表格文件损坏或格式不支持 / spreadsheet unreadable: {msg[:120]}") from exc

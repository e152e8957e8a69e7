"""Read a spreadsheet file into plain rows of cells: .xlsx/.xls via calamine, .csv in any Chinese encoding.

An .xlsx sheet is first measured by the cells that really hold a value (a streamed pass over its XML),
never by its declared dimension: one stray cell at XFD1048576 would make any dense reader allocate the
whole 1048576 × 16384 grid and abort the process. A sheet whose real data span more than MAX_CELLS
(rows × columns) is refused with that figure in the reason.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from archiver.errors import UserError

MAX_CELLS = 5_000_000  # rows × columns of real data per sheet: a 150 000-row roster of 30 columns fits
HEADER_FILL_ROWS = 30  # merged cells are spread over their range in the rows where headers live

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


class SheetReadError(UserError):
    """The file cannot be read as a table at all (reason in Chinese first)."""


@dataclass
class Sheet:
    name: str
    rows: list[list]  # cells: str, float, int, bool, date, datetime or None
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


ENCODINGS = ("utf-8-sig", "gb18030", "big5")


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312), then Big5."""
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SheetReadError("CSV文件编码无法识别（不是UTF-8/GBK/GB18030/Big5）/ unknown CSV encoding")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part inside the package."""
    wb = ElementTree.fromstring(z.read("xl/workbook.xml"))  # small parts; the sheets are never parsed whole
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for s in wb.iter(f"{_NS}sheet"):
        t = target.get(s.get(f"{_REL_NS}id"), "")
        out[s.get("name", "")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
    return out


# a cell that holds something: <c r="B7" …>…</c>, not <c r="B7" s="3"/> nor an empty <c …></c>
_VALUED_CELL = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})\d{1,7}"[^>]*?(?<!/)>(?!</c>)')
_ROW_NO = re.compile(rb'\sr="(\d+)"')
_CHUNK = 1 << 22


def _last_valued_column(body: bytes) -> int:
    """Column number of the last cell in a row's XML that holds a value (cells are written in order)."""
    pos = len(body)
    while pos > 0:
        i = body.rfind(b"<c ", 0, pos)
        if i < 0:
            return 0
        m = _VALUED_CELL.match(body, i)
        if m:
            return _col_number(m.group(1).decode())
        pos = i
    return 0


def data_extent(z: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(rows, columns) spanned by cells that hold a value, streaming the sheet's XML in chunks, one regular
    expression per row (a county roster of 20 000 rows takes a tenth of a second, memory stays flat)."""
    max_r = max_c = row_no = 0
    tail = b""
    with z.open(part) as f:
        while True:
            chunk = f.read(_CHUNK)
            data = tail + chunk
            cut = data.rfind(b"</row>") + 6 if chunk else len(data)  # a row cut by the chunk end waits
            if cut < 6:
                cut = 0
            for piece in data[:cut].split(b"</row>"):
                i = piece.rfind(b"<row")
                if i < 0:
                    continue
                j = piece.find(b">", i)
                r = _ROW_NO.search(piece, i, j)
                row_no = int(r.group(1)) if r else row_no + 1
                col = _last_valued_column(piece[j + 1:]) if piece[j - 1:j] != b"/" else 0
                if col:
                    max_r, max_c = max(max_r, row_no), max(max_c, col)
            if not chunk:
                break
            tail = data[cut:]
    return max_r, max_c


def _too_large(name: str, rows: int, cols: int) -> str:
    return (f"工作表「{name}」的数据范围达{rows}行×{cols}列（{rows * cols:,}个单元格），超过每表上限"
            f"{MAX_CELLS:,}个单元格（行×列）；可能有误填在远处的单元格，请删除多余内容后重新保存 / "
            f"sheet {name!r} spans {rows} rows × {cols} columns, over the cap of {MAX_CELLS:,} cells")


def check_extent(path: Path) -> None:
    """Refuse an .xlsx whose sheets' real data exceed MAX_CELLS, before any dense reader sees it."""
    try:
        with zipfile.ZipFile(path) as z:
            for name, part in _sheet_parts(z).items():
                if part not in z.namelist():
                    continue
                rows, cols = data_extent(z, part)
                if rows * cols > MAX_CELLS:
                    raise SheetReadError(_too_large(name, rows, cols))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError) as exc:
        raise SheetReadError(f"表格文件损坏或格式不支持 / spreadsheet unreadable: {str(exc)[:120]}") from exc


def _fill_merged(rows: list[list], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """A merged header cell (户主信息 over two columns) stands for every cell it covers. A line merged across
    the whole table (a title, 制表人：… 审核：… under a short table) names no column and stays in its first cell."""
    width = max((len(r) for r in rows[:HEADER_FILL_ROWS]), default=0)
    for (r0, c0), (r1, c1) in merged:
        if r0 >= HEADER_FILL_ROWS or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        if r0 == r1 and c1 - c0 + 1 >= max(4, width - 1):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, HEADER_FILL_ROWS - 1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                if rows[r][c] in (None, ""):
                    rows[r][c] = value


def read_sheets(path: Path, kind: str) -> list[Sheet]:
    """`kind` is what sniffing found: 'xlsx', 'xls' or 'csv'."""
    if kind == "csv":
        text = decode_csv(path.read_bytes())
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        table: list[list] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
        return [Sheet(path.stem, table)]
    if kind == "xlsx":
        check_extent(path)
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        out = []
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            end = sheet.end or (0, 0)  # (last row, last column) holding data, 0-based
            if (end[0] + 1) * (end[1] + 1) > MAX_CELLS:  # .xls cannot be measured before reading; stop here
                raise SheetReadError(_too_large(name, end[0] + 1, end[1] + 1))
            rows = sheet.to_python(skip_empty_area=False)
            merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (sheet.merged_cell_ranges or [])]
            _fill_merged(rows, merged)
            out.append(Sheet(name, rows, merged))
        return out
    except SheetReadError:
        raise
    except Exception as exc:  # calamine raises its own error types for corrupt or encrypted files
        msg = str(exc)
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise SheetReadError("表格文件有密码保护，无法读取 / spreadsheet is password-protected") from exc
        raise SheetReadError(f"表格文件损坏或格式不支持 / spreadsheet unreadable: {msg[:120]}") from exc

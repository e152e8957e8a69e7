"""One data row read by field name: each cell converted, and a problem recorded on the row (sheet, Excel row,
column label, reason) instead of raised, so the rest of the row and the sheet still read."""

from __future__ import annotations

from archiver import idcard, places
from archiver.privacy import scrub

from . import values as v
from .context import SheetContext
from .header import Header
from .kinds import NAME_FIELDS, Parsed, RowError
from .synonyms import FIELD_LABELS


class Row:
    """Access to one data row by field name, collecting problems instead of raising."""

    def __init__(self, sheet: str, index: int, cells: list[object], header: Header, out: Parsed,
                 ctx: SheetContext) -> None:
        self.sheet, self.index, self.cells, self.h, self.errors = sheet, index, cells, header, out.errors
        self.warnings = out.warnings
        self.ctx = ctx
        self.failed = False
        self.slips: dict[str, str] = {}  # number → column label: a check-digit slip the import settles

    def raw(self, f: str) -> object:
        c = self.h.columns.get(f)
        return self.cells[c] if c is not None and c < len(self.cells) else None

    def label(self, f: str) -> str:
        return self.h.labels.get(self.h.columns.get(f, -1), FIELD_LABELS.get(f, f))

    def fail(self, f: str, reason: str) -> None:
        self.errors.append(RowError(self.sheet, self.index + 1, self.label(f), scrub(reason)))
        self.failed = True

    def get(self, f: str, conv):  # type: ignore[no-untyped-def]
        try:
            return conv(self.raw(f))
        except v.ValueProblem as exc:
            self.fail(f, str(exc))
            return None

    def id_info(self, f: str, required: bool = True) -> idcard.IDInfo | None:
        raw = self.raw(f)
        if raw is None or v.text(raw) == "":
            if required:
                self.fail(f, "身份证号为空 / ID number is empty")
            return None
        try:
            info = idcard.parse(raw)
        except idcard.IDError as exc:
            slip = idcard.check_digit_slip(raw)
            if slip is None:
                self.fail(f, exc.reason)
                return None
            self.slips[slip.number] = self.label(f)  # the person on file, a duplicate, or kept as written
            return slip
        if idcard.looks_truncated(info.number):
            self.warnings.append(RowError(self.sheet, self.index + 1, self.label(f), scrub(
                f"身份证号{info.number}以000结尾，可能被Excel截断，已导入，请核对原件 / ID ends in 000: maybe truncated")))
        return info

    def id_number(self, f: str, required: bool = True) -> str:
        info = self.id_info(f, required)
        return info.number if info else ""

    def township(self) -> str:
        """The row's 乡镇: its column, else what the title, unit line or file name says."""
        t = places.township(v.name(self.raw("township")))
        if t:
            return t
        if self.ctx.township.conflict:
            self.fail("township", f"乡镇无法确定：{self.ctx.township.conflict} / township unclear")
            return ""
        return self.ctx.township.value or ""

    def village(self) -> str:
        return places.village(v.name(self.raw("village")))

    def area_type(self) -> str | None:
        t = v.area_type(self.raw("area_type"))
        if t:
            return t
        if self.ctx.area_type.conflict:
            self.fail("area_type", f"城乡类别无法确定：{self.ctx.area_type.conflict} / type unclear")
            return None
        return self.ctx.area_type.value or places.village_type(self.village())

    def period_conflict(self) -> bool:
        if self.ctx.period.conflict:
            self.fail("period", f"所属期间无法确定：{self.ctx.period.conflict} / period unclear")
            return True
        return False


def head_columns(row: Row) -> tuple[str, str]:
    """Which columns hold the head's name and ID when a sheet has only one of each."""
    cols = row.h.columns
    name_f = next((f for f in NAME_FIELDS if f in cols), "head_name")
    id_f = "head_id" if "head_id" in cols else "member_id"
    return name_f, id_f

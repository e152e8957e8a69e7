"""Read the county's side lists: the cadre and staff register with close relatives (近亲属备案) and the
death or cremation list. Each bad row is reported (file, row, column, why) and the rest still load."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archiver import idcard
from archiver.catalog import Catalog, registers
from archiver.errors import UserValueError
from archiver.privacy import scrub
from archiver.rosters import values as v
from archiver.rosters.reader import SheetReadError, read_sheets
from archiver.rosters.synonyms import normalise_header
from archiver.sniff import sniff

CADRE_COLUMNS: dict[str, tuple[str, ...]] = {
    "cadre_name": ("干部姓名", "村干部姓名", "工作人员姓名", "姓名(干部)"),
    "cadre_id": ("干部身份证号", "干部身份证号码", "村干部身份证号", "工作人员身份证号"),
    "post": ("职务", "岗位", "职位"),
    "village": ("村", "村(社区)", "所在村", "村社区", "单位"),
    "name": ("亲属姓名", "近亲属姓名"),
    "id_number": ("亲属身份证号", "亲属身份证号码", "近亲属身份证号"),
    "relation": ("关系", "与干部关系", "亲属关系", "与本人关系"),
    "declared_on": ("备案日期", "申报日期", "备案时间"),
    "checked_on": ("县级核查日期", "核查日期", "县级审核日期", "审核日期"),
}
CADRE_REQUIRED = ("cadre_name", "cadre_id", "name", "relation")
DEATH_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "死者姓名", "逝者姓名", "亡者姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "死者身份证号", "证件号码"),
    "died_on": ("死亡日期", "死亡时间", "火化日期", "火化时间", "殡葬日期"),
}
DEATH_REQUIRED = ("name", "id_number")
LABELS = {"cadre_name": "干部姓名", "cadre_id": "干部身份证号", "name": "亲属姓名", "id_number": "身份证号",
          "relation": "关系", "declared_on": "备案日期", "checked_on": "县级核查日期", "died_on": "死亡日期"}


class RegisterError(UserValueError):
    """The file cannot be read as the list asked for (Chinese first)."""


@dataclass
class LoadResult:
    rows: int = 0
    written: tuple[int, int] = (0, 0)
    errors: list[str] = field(default_factory=list)


def _table(path: Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
           ) -> list[tuple[str, int, dict[str, object]]]:
    """(sheet, Excel row number, {field: cell}) for every data row under the first header that has the
    required columns."""
    kind = sniff(path).kind
    if kind not in ("xlsx", "xls", "csv"):
        raise RegisterError(f"{path.name}：不是表格文件（xlsx/xls/csv）/ not a spreadsheet")
    try:
        sheets = read_sheets(path, kind)
    except SheetReadError as exc:
        raise RegisterError(f"{path.name}：{exc}") from exc
    lookup = {normalise_header(n): f for f, names in columns.items() for n in names}
    for sheet in sheets:
        for r, row in enumerate(sheet.rows[:15]):
            found = {lookup[normalise_header(str(c))]: i for i, c in enumerate(row)
                     if c is not None and normalise_header(str(c)) in lookup}
            if all(f in found for f in required):
                out = []
                for n, cells in enumerate(sheet.rows[r + 1:], start=r + 2):
                    if not any(v.text(c) for c in cells):
                        continue
                    out.append((sheet.name, n, {f: cells[i] if i < len(cells) else None for f, i in found.items()}))
                return out
    need = "、".join(LABELS.get(f, f) for f in required)
    raise RegisterError(f"{path.name}：找不到表头（需要列：{need}）/ no header with the required columns")


def _id(value: object) -> str:
    return idcard.parse(value).number


def import_cadres(cat: Catalog, path: Path) -> LoadResult:
    """`dibao cadres import FILE`: columns 干部姓名, 干部身份证号, 职务, 村, 亲属姓名, 亲属身份证号, 关系 (本人 for
    the cadre), optionally 备案日期 and 县级核查日期."""
    result = LoadResult()
    entries: list[registers.RegisterEntry] = []
    for sheet, n, cells in _table(path, CADRE_COLUMNS, CADRE_REQUIRED):
        where = f"{path.name} [{sheet}] 第{n}行"
        try:
            cadre_id = _id(cells.get("cadre_id"))
        except idcard.IDError as exc:
            result.errors.append(f"{where}「干部身份证号」：{exc.reason}")
            continue
        relation = v.name(cells.get("relation")) or "本人"
        name = v.name(cells.get("name")) or (v.name(cells.get("cadre_name")) if relation == "本人" else "")
        if not name:
            result.errors.append(f"{where}「亲属姓名」：为空 / relative's name is empty")
            continue
        number = ""
        if v.text(cells.get("id_number")):
            try:
                number = _id(cells.get("id_number"))
            except idcard.IDError as exc:
                result.errors.append(f"{where}「亲属身份证号」：{exc.reason}（按姓名登记 / kept by name）")
        elif relation == "本人":
            number = cadre_id
        dates: dict[str, str | None] = {}
        for f in ("declared_on", "checked_on"):
            try:
                dates[f] = v.date(cells.get(f))
            except v.ValueProblem as exc:
                result.errors.append(f"{where}「{LABELS[f]}」：{exc}")
                dates[f] = None
        entries.append(registers.RegisterEntry(v.name(cells.get("cadre_name")), cadre_id, v.text(cells.get("post")),
                                               v.name(cells.get("village")), name, number, relation,
                                               dates["declared_on"], dates["checked_on"]))
        result.rows += 1
    result.written = cat.import_register(entries, path.name)
    result.errors = [scrub(e) for e in result.errors]
    with cat.transaction():
        cat.audit("cli", "cadres.import", path.name, f"{result.rows} rows, {len(result.errors)} errors")
    return result


def import_deaths(cat: Catalog, path: Path) -> LoadResult:
    """`dibao deaths import FILE`: a death or cremation list with 姓名, 身份证号 and (optionally) 死亡日期."""
    result = LoadResult()
    rows: list[tuple[str, str, str | None, int]] = []
    for sheet, n, cells in _table(path, DEATH_COLUMNS, DEATH_REQUIRED):
        where = f"{path.name} [{sheet}] 第{n}行"
        try:
            number = _id(cells.get("id_number"))
        except idcard.IDError as exc:
            result.errors.append(f"{where}「身份证号」：{exc.reason}")
            continue
        try:
            died = v.date(cells.get("died_on"))
        except v.ValueProblem as exc:
            result.errors.append(f"{where}「死亡日期」：{exc}")
            died = None
        rows.append((v.name(cells.get("name")), number, died, n))
        result.rows += 1
    result.written = (cat.add_deaths(rows, path.name), 0)
    result.errors = [scrub(e) for e in result.errors]
    with cat.transaction():
        cat.audit("cli", "deaths.import", path.name, f"{result.rows} rows, {len(result.errors)} errors")
    return result

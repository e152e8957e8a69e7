"""The import review (issue 23): what was understood of each spreadsheet, sheets held for a person's
confirmation, `--dry-run`, and rejected rows as work for the village (listed, exported, re-imported).

The reading itself is archiver/rosters (mapping.py says what a sheet's review holds); the SQL is
archiver/catalog/imports.py (ImportsMixin); this module is the workflow between them, for the CLI and the web alike.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from archiver import rosters
from archiver.catalog import Catalog, Row
from archiver.catalog import imports as store
from archiver.errors import UserError, UserValueError
from archiver.filenames import shown
from archiver.filing import inside, sha256_of
from archiver.home import Home
from archiver.inputs import collect
from archiver.outcomes import HELD, Outcome
from archiver.policy import DEFAULT_TEXT, parse
from archiver.policy import load as load_policy
from archiver.privacy import scrub
from archiver.rosters import mapping
from archiver.rosters.reader import read_sheets
from archiver.rosters.synonyms import FIELD_LABELS, SYNONYMS, normalise_header
from archiver.rosters.values import text
from archiver.sheet_record import detail
from archiver.sniff import SPREADSHEET, sniff

REASON_HEADER = "退回原因（改正后可保留或删除此列）"


class NotHeld(UserError):
    """The file named is not waiting for confirmation (or is not a spreadsheet import at all)."""


# ---------------------------------------------------------------------- --dry-run
def dry_run(home: Home, paths: list[Path]) -> list[dict]:
    """Read and map every spreadsheet under `paths` as ingest would, writing nothing anywhere: no catalog
    row, no stored file, no index entry, no temp file in the home."""
    policy = load_policy(home.root)
    names, layouts = rosters.from_policy(policy.columns, policy.basis.mode == "分档"), policy.layouts
    out = []
    for path, name in collect(paths, exclude=home.root):
        shown_name = scrub(shown(name))
        entry: dict = {"source_name": shown_name}
        try:
            kind = sniff(path).kind
        except OSError as exc:
            out.append({**entry, "outcome": "skipped", "reason": f"文件无法读取 / unreadable: {exc.strerror}"})
            continue
        if kind not in SPREADSHEET:
            out.append({**entry, "outcome": "not_a_sheet", "kind": kind, "reason": "不是表格，试运行只读表格 / not a spreadsheet"})
            continue
        try:
            parsed = rosters.parse_file(path, kind, shown(name), names, layouts)
        except (rosters.Unrecognised, rosters.SheetReadError, ValueError) as exc:
            out.append({**entry, "outcome": "quarantined", "kind": kind, "reason": scrub(str(exc))})
            continue
        review = mapping.file_review([s.review for s in parsed])
        rejected = [{"sheet": e.sheet, "row": e.row, "column": e.column, "reason": e.reason}
                    for s in parsed for e in s.parsed.errors]
        out.append({**entry, "outcome": HELD if review["held"] else "archived", "kind": parsed[0].parsed.kind,
                    "sha256": sha256_of(path), **detail(review), "rows": review["rows"], "context": review["context"],
                    "rows_read": sum(len(s.parsed.rows) for s in parsed), "rejected": len(rejected),
                    "row_errors": rejected[:500]})
    return out


# ---------------------------------------------------------------------- held sheets
@dataclass
class Held:
    file_id: int
    source_name: str
    reason: str
    review: dict


def held(cat: Catalog) -> list[Held]:
    return [Held(int(r["file_id"]), r["source_name"], r["reason"], store.review_of(r))
            for r in cat.sheet_imports(held_only=True)]


def _field(name: str) -> str:
    """A field given by its name (head_id) or its Chinese label (户主身份证号)."""
    if name in SYNONYMS:
        return name
    by_label = {normalise_header(label): f for f, label in FIELD_LABELS.items()}
    f = by_label.get(normalise_header(name))
    if f is None:
        raise UserValueError(f"没有字段「{name}」；可用字段：{', '.join(SYNONYMS)} / unknown field {name!r}")
    return f


def parse_changes(pairs: list[str]) -> dict[str, str]:
    """`FIELD=COLUMN` pairs (COLUMN a header as shown, or a letter; empty: the field is not read)."""
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise UserValueError(f"应写成 字段=列名：{pair} / expected FIELD=COLUMN")
        f, col = pair.split("=", 1)
        out[_field(f.strip())] = col.strip()
    return out


def confirm(home: Home, cat: Catalog, file_id: int, changes: dict[str, str], user: str) -> dict:
    """Confirm (or change) a held file's mapping: remembered for its layout in policy.toml, then the file is
    imported exactly as the next file of the same layout will be. Returns the file's new review row."""
    row = cat.sheet_import(file_id)
    if row is None or not row["held"] or row["outcome"] != HELD:
        raise NotHeld(f"文件{file_id}不在待确认列表中 / file {file_id} is not held for confirmation")
    review = store.review_of(row)
    on = dt.date.today().isoformat()
    before_after = []
    for sheet in review["sheets"]:
        columns = dict(sheet["mapping"])
        for f, col in changes.items():
            if not col:
                columns.pop(f, None)
                continue
            c = mapping.column_of(col, sheet["columns"])
            if c is None:
                raise UserValueError(f"工作表「{sheet['sheet']}」没有列「{col}」；列有：{'、'.join(sheet['columns'])} / "
                                     f"no such column {col!r}")
            columns[f] = sheet["columns"][c]
        before_after.append(f"{sheet['sheet']}: {sheet['mapping']} → {columns}")
        _remember(home.policy_path, sheet["signature"], columns, f"{row['source_name']}：{sheet['sheet']}", user, on)
    with cat.transaction():
        cat.audit(user, "import.confirm", row["source_name"], "；".join(before_after))
    outcome = _reimport(home, cat, row)
    if outcome.outcome == HELD:  # cannot happen with a remembered layout; said plainly if it ever does
        raise UserError(f"确认后仍无法导入：{outcome.reason} / still held")
    with cat.transaction():
        cat.confirm_sheet_import(file_id, user)
    return {"file_id": file_id, "outcome": outcome.outcome, "reason": outcome.reason,
            "rows": outcome.detail.get("rows"), "rejected": outcome.detail.get("rejected"),
            "mapping": outcome.detail.get("mapping"), "also_imported": _same_layout(home, cat, user)}


def _remember(policy_path: Path, sig: str, columns: Mapping[str, str], file_label: str, by: str, on: str) -> None:
    """Write the confirmed mapping into policy.toml `[layouts]`, keeping every comment and setting of the file."""
    import tomlkit

    text_now = policy_path.read_text(encoding="utf-8") if policy_path.exists() else DEFAULT_TEXT
    doc = tomlkit.parse(text_now)
    if "layouts" not in doc:
        table = tomlkit.table(is_super_table=True)
        doc.add(tomlkit.nl())
        doc.add(tomlkit.comment("已确认的表头对应（导入时“待确认”的表格经人工确认后写入；同样表头的文件以后直接按此导入）"))
        doc.add(tomlkit.comment("confirmed column mappings: header signature → columns (dibao import confirm)"))
        doc.add("layouts", table)
    entry = tomlkit.table()
    entry.add("file", file_label)
    entry.add("confirmed", f"{by} {on}")
    cols = tomlkit.inline_table()
    cols.update(dict(columns))
    entry.add("columns", cols)
    layouts = doc["layouts"]
    assert isinstance(layouts, dict)
    if sig in layouts:
        del layouts[sig]
    layouts[sig] = entry
    new_text = tomlkit.dumps(doc)
    parse(new_text)  # never write a policy.toml that dibao would then refuse
    tmp = policy_path.with_suffix(".toml.tmp")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(policy_path)


def _same_layout(home: Home, cat: Catalog, user: str) -> list[int]:
    """Other held files whose every sheet now has a confirmed layout (last month's file of the same office
    waiting beside this one) import as the next such file would."""
    known = load_policy(home.root).layouts
    done = []
    for h in held(cat):
        if all(s["signature"] in known for s in h.review["sheets"]):
            row = cat.sheet_import(h.file_id)
            if row is not None and _reimport(home, cat, row).outcome != HELD:
                with cat.transaction():
                    cat.confirm_sheet_import(h.file_id, user)
                done.append(h.file_id)
    return done


def _reimport(home: Home, cat: Catalog, r: Row) -> Outcome:
    """Ingest the kept original again under its own name and folder (so 乡镇, type and period are read from
    the same places as the first time)."""
    from archiver.pipeline import Ingestor

    work = inside(home.tmp, f"confirm-{r['file_id']}")
    shutil.rmtree(work, ignore_errors=True)
    target = work / (r["folder"] or "_") / r["source_name"]
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(home.root / r["stored_path"], target)
        report = Ingestor(home, cat).run_items([(target, r["source_name"])], source="confirm")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report.outcomes[0]


# ---------------------------------------------------------------------- rejected rows
def rejected(cat: Catalog, file_id: int) -> list[dict]:
    return [{"sheet": e["sheet"], "row": e["row"], "column": e["col"], "reason": e["reason"]}
            for e in cat.row_errors(file_id=file_id)]


def export_rejected(home: Home, cat: Catalog, file_id: int, out: Path) -> int:
    """The file's rejected rows, as the sheet wrote them, under its own title and header rows, with the
    reasons in a column beside each row — for the village to correct and send back. Returns the rows written.

    The corrected file imports like any roster: rows already in are matched to their households, so only
    what was missing is added."""
    import openpyxl

    f = cat.file(file_id)
    row = cat.sheet_import(file_id)
    if f is None or row is None:
        raise NotHeld(f"文件{file_id}不是已导入的表格 / file {file_id} is not an imported spreadsheet")
    errors = cat.row_errors(file_id=file_id)
    review = store.review_of(row)
    source = home.root / f["stored_path"]
    kind = sniff(source).kind
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    written = 0
    for sheet in read_sheets(source, kind):
        rv = next((s for s in review["sheets"] if s["sheet"] == sheet.name), None)
        reasons: dict[int, list[str]] = {}
        for e in errors:
            if e["sheet"] == sheet.name and e["row"]:
                reasons.setdefault(int(e["row"]), []).append(f"「{e['col']}」{e['reason'].split(' / ')[0]}")
        if rv is None or not reasons:
            continue
        ws = wb.create_sheet(sheet.name[:31])
        last_header = max(rv["header_rows"])
        width = len(rv["columns"])
        if any(c.get("source") in ("filename", "folder") for c in rv["context"].values() if isinstance(c, dict)):
            # what the file's name or folder said (乡镇, type, period) goes into a title the corrected file keeps
            ws.append([" ".join(x for x in (row["folder"], Path(row["source_name"]).stem) if x) + "（退回修改的行）"])
        for i in range(last_header):  # titles (they carry the period, 乡镇 and type) and header rows as they were
            ws.append([_cell(c) for c in sheet.rows[i][:width]] + ([REASON_HEADER] if i + 1 == last_header else []))
        filled = _households_filled(sheet.rows, rv, last_header)
        for n in sorted(reasons):
            if n - 1 < len(sheet.rows):
                cells = [_cell(c) for c in filled.get(n - 1, sheet.rows[n - 1])[:width]]
                ws.append(cells + [""] * (width - len(cells)) + ["；".join(dict.fromkeys(reasons[n]))])
                written += 1
        for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
            for cell in col:
                if isinstance(cell.value, str):
                    cell.number_format = "@"  # IDs stay text when the village edits them
    if not wb.sheetnames:
        raise UserError(f"文件{file_id}没有拒收的行 / no rejected rows")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return written


def _households_filled(rows: list[list], rv: dict, start: int) -> dict[int, list]:
    """Member rows that leave the household's cells to the head's row above (merged or blank) get them
    written in: a rejected member row sent alone must still say whose household it is."""
    cols = {f: mapping.column_of(label, rv["columns"]) for f, label in rv["mapping"].items()
            if f in mapping.HOUSEHOLD_FIELDS}
    ident = [c for f, c in cols.items() if f in ("household_no", "head_name", "head_id") and c is not None]
    if not ident or "member_name" not in rv["mapping"]:
        return {}
    out: dict[int, list] = {}
    carry: dict[int, object] = {}
    for i in range(start, len(rows)):
        r = rows[i]
        if any(c < len(r) and text(r[c]) for c in ident):
            carry = {c: r[c] for c in cols.values() if c is not None and c < len(r)}
        elif carry and any(text(x) for x in r):
            out[i] = [carry.get(c, x) if not text(x) else x for c, x in enumerate(r)]
    return out


def _cell(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (dt.date, dt.datetime, int, float)) and not isinstance(value, bool):
        return value
    return text(value) if value is not None else None

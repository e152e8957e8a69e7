"""The catalog: SQLite (WAL, foreign keys on). This package owns every SQL statement in dibao.

Callers get plain dataclasses (models.py) and never see a cursor, so the schema can change behind
this interface. Area scoping (属地管理) is a parameter of the read queries, so every caller gets it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import gcpause
from ..privacy import scrub
from . import dialect, models
from .corrections import CorrectionsMixin
from .models import Document, Event, Household, Income, Member, Payment, Snapshot, now
from .names import NamesMixin
from .schema import LATEST
from .settings import SettingsMixin
from .tasks import TasksMixin
from .uploads import UploadsMixin

if TYPE_CHECKING:
    from archiver.home import Home

__all__ = ["Catalog", "Scope", "models", "LATEST"]


@dataclass(frozen=True)
class Scope:
    """An area filter: a township and/or a village (属地管理). Empty means the whole archive."""

    township: str | None = None
    village: str | None = None
    name: str | None = None  # a single name that may be either a township or a village
    nothing: bool = False  # an area that cannot be resolved (an ambiguous legacy village): fail closed

    def sql(self, alias: str = "h") -> tuple[str, list[str]]:
        parts, args = [], []
        if self.nothing:
            return "1=0", []
        if self.township:
            parts.append(f"{alias}.township = ?")
            args.append(self.township)
        if self.village:
            parts.append(f"{alias}.village = ?")
            args.append(self.village)
        if self.name:
            parts.append(f"({alias}.township = ? OR {alias}.village = ?)")
            args += [self.name, self.name]
        return (" AND ".join(parts) or "1=1"), args


class Catalog(CorrectionsMixin, UploadsMixin, SettingsMixin, TasksMixin, NamesMixin):
    def __init__(self, path: Path | str, password: str | None = None) -> None:
        """`path`: the SQLite file, or a postgresql:// address (dialect.py; `password` from the home's
        password file or the environment, never from the address)."""
        self.path = path
        self.db = dialect.connect(path, password)
        self._depth = 0
        self._hooks: dict[str, Callable[[Catalog], None]] = {}
        self._queued = False  # the transaction in progress marked households for the search index
        self._pending = False  # a committed one did, and the hooks have not run since (held by a batch)
        self._held = 0
        self.migrate()

    @classmethod
    def of(cls, home: Home) -> Catalog:
        """The home's catalog, wherever it lives (a file in the home, or a database server)."""
        return cls(home.catalog, home.catalog_password())

    # ------------------------------------------------------------------ plumbing
    def close(self) -> None:
        self.db.close()

    def schema_version(self) -> int:
        return dialect.schema_version(self.db)

    def migrate(self) -> None:
        """Announced, backed up first, refused on a catalog newer than this code (upgrade.py)."""
        from .upgrade import migrate

        try:
            migrate(self.db, self.path)
        except BaseException:
            self.db.close()
            raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._queued = False
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0
        self._committed()

    # ------------------------------------------------------------------ after-commit hooks
    def after_commit(self, name: str, hook: Callable[[Catalog], None]) -> None:
        """Run `hook(catalog)` after every commit that marked households (`mark_dirty`) — once the rows are
        durable, never inside the transaction, so what follows the catalog is never ahead of it. The search
        index registers its sync here (archiver/index_hook.py); a write only marks, it never syncs. This is
        where a queue worker or a second index will hang (issue #28): another named hook, no write site
        touched. The same name again replaces the hook (a command that wants its own progress reporter)."""
        self._hooks[name] = hook

    @contextmanager
    def hooks_held(self) -> Iterator[None]:
        """A batch of transactions (an ingest) runs the hooks once, when it ends, not after each commit."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        self._run_hooks()

    def _committed(self) -> None:
        if self._queued:
            self._queued, self._pending = False, True
        self._run_hooks()

    def _run_hooks(self) -> None:
        if self._held or not self._pending or not self._hooks:
            return
        self._pending = False
        for hook in list(self._hooks.values()):
            hook(self)

    def _insert(self, table: str, fields: dict[str, Any], ignore: bool = False) -> int | None:
        cols = ", ".join(fields)
        marks = ", ".join("?" * len(fields))
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        cur = self.db.execute(f"{verb} INTO {table} ({cols}) VALUES ({marks})", list(fields.values()))
        return cur.lastrowid if cur.rowcount else None

    def _update(self, table: str, row_id: int, fields: dict[str, Any]) -> None:
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*fields.values(), row_id])

    # ------------------------------------------------------------------ batches and files
    def start_batch(self, source: str) -> int:
        with self.transaction():
            return self._insert("batches", {"started_at": now(), "source": source}) or 0

    def finish_batch(self, batch_id: int, summary: dict[str, Any]) -> None:
        with self.transaction():
            self._update("batches", batch_id, {"finished_at": now(), "summary": json.dumps(summary, ensure_ascii=False)})

    def file_by_sha(self, sha256: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()

    def file(self, file_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()

    def add_file(self, **fields: Any) -> int:
        fields.setdefault("created_at", now())
        return self._insert("files", fields) or 0

    def update_file(self, file_id: int, **fields: Any) -> None:
        self._update("files", file_id, fields)

    def add_file_name(self, file_id: int, source_name: str, batch_id: int | None) -> None:
        """One more input that came with this file's bytes (in the caller's transaction)."""
        self._insert("file_names", {"file_id": file_id, "source_name": source_name, "batch_id": batch_id,
                                    "created_at": now()}, ignore=True)

    def file_names(self, file_id: int) -> list[str]:
        """Every name this file's bytes came under, first seen first."""
        return [r[0] for r in self.db.execute("SELECT source_name FROM file_names WHERE file_id = ? "
                                              "ORDER BY created_at, rowid", (file_id,))]

    def files(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM files ORDER BY id").fetchall()

    def add_row_error(self, **fields: Any) -> None:
        self._insert("row_errors", fields)

    def row_errors(self, file_id: int | None = None, batch_id: int | None = None) -> list[sqlite3.Row]:
        if batch_id is not None:
            return self.db.execute("SELECT * FROM row_errors WHERE batch_id = ? ORDER BY id", (batch_id,)).fetchall()
        if file_id is None:
            return self.db.execute("SELECT * FROM row_errors ORDER BY id").fetchall()
        return self.db.execute("SELECT * FROM row_errors WHERE file_id = ? ORDER BY id", (file_id,)).fetchall()

    # ------------------------------------------------------------------ quarantine
    def add_quarantine(self, file_id: int, source_name: str, reason: str, path: str | None,
                       candidates: Sequence[str] = (), pages: str | None = None, text: str | None = None) -> int:
        item_id = self._insert("quarantine", {  # a reason may quote an exception that quotes a file name: masked
            "file_id": file_id, "source_name": source_name, "reason": scrub(reason), "path": path,
            "candidates": json.dumps(list(candidates), ensure_ascii=False), "pages": pages, "text": text,
            "created_at": now()}) or 0
        self.set_quarantine_candidates(item_id, self._candidate_ids(candidates))
        return item_id

    def _candidate_ids(self, candidates: Sequence[str]) -> list[int]:
        """Display strings such as `5201010010003（东风社区 蔡佳怡）` → household ids (stored structured)."""
        out = []
        for c in candidates:
            hid = self.resolve_key(str(c).split("（", 1)[0].strip())
            if hid is not None and hid not in out:
                out.append(hid)
        return out

    def first_payment_month(self) -> str | None:
        """The earliest month any disbursement sheet on file covers ("YYYY-MM"), None when there are none."""
        row = self.db.execute("SELECT MIN(period_start) FROM payments").fetchone()
        return str(row[0])[:7] if row and row[0] else None

    def quarantine_items(self, include_resolved: bool = False) -> list[sqlite3.Row]:
        where = "" if include_resolved else "WHERE resolved_at IS NULL"
        return self.db.execute(f"SELECT * FROM quarantine {where} ORDER BY id").fetchall()

    def quarantine_item(self, item_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM quarantine WHERE id = ?", (item_id,)).fetchone()

    def update_quarantine(self, item_id: int, reason: str, candidates: Sequence[str]) -> None:
        self._update("quarantine", item_id, {"reason": scrub(reason),
                                             "candidates": json.dumps(list(candidates), ensure_ascii=False)})
        self.set_quarantine_candidates(item_id, self._candidate_ids(candidates))

    def resolve_quarantine(self, item_id: int, document_id: int | None) -> None:
        self._update("quarantine", item_id, {"resolved_at": now(), "resolved_document_id": document_id})

    # ------------------------------------------------------------------ households
    def household_id_by_no(self, household_no: str) -> int | None:
        row = self.db.execute("SELECT id FROM households WHERE household_no = ?", (household_no,)).fetchone()
        return int(row[0]) if row else None

    def household_ids_by_head(self, id_number: str) -> list[int]:
        rows = self.db.execute("SELECT id FROM households WHERE head_id_number = ? ORDER BY id", (id_number,))
        return [int(r[0]) for r in rows]

    def households_by_heads(self, numbers: list[str]) -> list[sqlite3.Row]:
        """(id, head_id_number, head_name) of the households filed under any of `numbers`, in one query."""
        if not numbers:
            return []
        marks = ",".join("?" * len(numbers))
        return self.db.execute(f"SELECT id, head_id_number, head_name FROM households WHERE head_id_number IN ({marks}) "
                               "ORDER BY id", numbers).fetchall()

    def household_ids_by_account(self, account: str) -> list[int]:
        """Households whose bank account on file is `account` (a bank's export names no person)."""
        rows = self.db.execute("SELECT id FROM households WHERE bank_account = ? ORDER BY id", (account,))
        return [int(r[0]) for r in rows]

    def household_ids_by_member(self, id_number: str, current_only: bool = True) -> list[int]:
        extra = " AND removed_on IS NULL" if current_only else ""
        rows = self.db.execute(
            f"SELECT DISTINCT household_id FROM members WHERE id_number = ?{extra} ORDER BY household_id", (id_number,))
        return [int(r[0]) for r in rows]

    def resolve_key(self, key: str) -> int | None:
        """A 户编号, a provisional D-number or a member's ID number → the one household it names."""
        key = key.strip().upper()
        hid = self.household_id_by_no(key)
        if hid is not None:
            return hid
        if key.startswith("D") and key[1:].isdigit():
            row = self.db.execute("SELECT id FROM households WHERE id = ? AND household_no IS NULL", (int(key[1:]),)).fetchone()
            if row:
                return int(row[0])
        if len(key) == 15 and key.isdigit():  # an old 15-digit number is stored in its 18-digit form
            from archiver import idcard

            try:
                key = idcard.parse(key).number
            except idcard.IDError:
                return None
        ids = self.household_ids_by_member(key) or self.household_ids_by_member(key, current_only=False)
        return ids[0] if len(ids) == 1 else None

    def create_household(self, **fields: Any) -> int:
        fields.setdefault("created_at", now())
        fields.setdefault("updated_at", fields["created_at"])
        return self._insert("households", fields) or 0

    def update_household(self, household_id: int, **fields: Any) -> None:
        fields = self.guard_overrides(household_id, {k: v for k, v in fields.items() if v is not None and v != ""})
        if fields:
            fields["updated_at"] = now()
            self._update("households", household_id, fields)

    def household_row(self, household_id: int, scope: Scope = Scope()) -> sqlite3.Row | None:
        where, args = scope.sql("h")
        return self.db.execute(f"SELECT * FROM households h WHERE id = ? AND {where}", [household_id, *args]).fetchone()

    # ------------------------------------------------------------------ members
    def members_rows(self, household_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM members WHERE household_id = ? ORDER BY id", (household_id,)).fetchall()

    def add_member(self, household_id: int, member: Member) -> int:
        return self._insert("members", {"household_id": household_id, **_member_fields(member)}) or 0

    def update_member(self, member_id: int, **fields: Any) -> None:
        self._update("members", member_id, fields)

    # ------------------------------------------------------------------ facts
    def add_event(self, household_id: int, event: Event, source_file_id: int | None = None,
                  document_id: int | None = None) -> bool:
        dedupe = json.dumps([household_id, event.date, event.kind, event.new_amount, event.new_persons,
                             event.reason if event.kind == "成员变更" else None], ensure_ascii=False)
        return self._insert("events", {
            "household_id": household_id, "date": event.date, "kind": event.kind,
            "old_amount": event.old_amount, "new_amount": event.new_amount, "old_persons": event.old_persons,
            "new_persons": event.new_persons, "reason": event.reason, "source_file_id": source_file_id,
            "source_row": event.source_row, "document_id": document_id, "dedupe": dedupe,
            "effective_month": event.effective_month}, ignore=True) is not None

    def add_snapshot(self, household_id: int, snap: Snapshot, source_file_id: int | None, row: int | None) -> bool:
        return self._insert("snapshots", {
            "household_id": household_id, "date": snap.date, "persons": snap.persons, "amount": snap.amount,
            "source_file_id": source_file_id, "source_row": row}, ignore=True) is not None

    def latest_snapshot_date(self, household_id: int) -> str | None:
        row = self.db.execute("SELECT max(date) FROM snapshots WHERE household_id = ?", (household_id,)).fetchone()
        return row[0] if row else None

    def add_payment(self, household_id: int, pay: Payment, source_file_id: int | None, row: int | None) -> bool:
        return self._insert("payments", {
            "household_id": household_id, "period_start": pay.period_start, "period_end": pay.period_end,
            "amount": pay.amount, "persons": pay.persons, "bank_account": pay.bank_account,
            "township": pay.township, "village": pay.village, "source_file_id": source_file_id,
            "source_row": row, "account_holder": pay.account_holder or None}, ignore=True) is not None

    # ------------------------------------------------------------------ documents
    def add_document(self, **fields: Any) -> int:
        fields.setdefault("created_at", now())
        return self._insert("documents", fields) or 0

    def document_row(self, document_id: int, scope: Scope = Scope()) -> sqlite3.Row | None:
        """A document — None when it does not exist or its household lies outside `scope`."""
        where, args = scope.sql("h")
        return self.db.execute(f"SELECT d.* FROM documents d JOIN households h ON h.id = d.household_id "
                               f"WHERE d.id = ? AND {where}", [document_id, *args]).fetchone()

    def document_id_for(self, household_id: int, sha256: str) -> int | None:
        row = self.db.execute("SELECT id FROM documents WHERE household_id = ? AND sha256 = ?",
                              (household_id, sha256)).fetchone()
        return int(row[0]) if row else None

    def documents_rows(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM documents ORDER BY id").fetchall()

    def add_page(self, document_id: int, page_no: int, text: str) -> None:
        self._insert("pages", {"document_id": document_id, "page_no": page_no, "text": text}, ignore=True)

    def page_texts(self, document_id: int) -> list[str]:
        rows = self.db.execute("SELECT text FROM pages WHERE document_id = ? ORDER BY page_no", (document_id,))
        return [r[0] for r in rows]

    # ------------------------------------------------------------------ the query API (read-only)
    @gcpause.paused()
    def households(self, scope: Scope = Scope(), status: str | None = None, full: bool = False,
                   payments: bool = True) -> list[Household]:
        """Households in scope with members; `full` also loads events, snapshots, documents and (unless
        `payments` is False, as the yearly figures need none per household) payments. Rows come as plain
        tuples of named columns, each table in one pass ordered by household: a county is 100,000s of rows."""
        where, args = scope.sql("h")
        if status:
            where += " AND h.status = ?"
            args.append(status)
        cur = self._tuples()
        rows = cur.execute(f"SELECT {_HOUSEHOLD_COLUMNS} FROM households h WHERE {where} ORDER BY h.township, "
                           "h.village, coalesce(h.household_no, ''), h.id", args).fetchall()
        out = {r[0]: _household_of(r) for r in rows}
        if not out:
            return []
        # the whole archive needs no list of ids (a plain scan); an area or a status selects by id
        ids_sql = None if where == "1=1" else f"SELECT h.id FROM households h WHERE {where}"
        get = out.get
        for m in cur.execute(f"SELECT household_id, {_MEMBER_COLUMNS} FROM members {_of(ids_sql)} "
                             "ORDER BY id", args if ids_sql else []):
            h = get(m[0])
            if h is not None:
                h.members.append(_member_of(m))
        if full:
            self._load_facts(out, ids_sql, args if ids_sql else [], payments)
        return list(out.values())

    def household(self, household_id: int, scope: Scope = Scope()) -> Household | None:
        """One household with all its facts — None when it does not exist or lies outside `scope`."""
        row = self.household_row(household_id, scope)
        if row is None:
            return None
        h = _household(row)
        h.members = [_member(m) for m in self.members_rows(household_id)]
        self._load_facts({household_id: h}, "SELECT ?", [household_id])
        return h

    def _tuples(self) -> sqlite3.Cursor:
        cur = self.db.cursor()
        cur.row_factory = None
        return cur

    def _load_facts(self, out: dict[int, Household], ids_sql: str | None, args: list[Any], payments: bool = True) -> None:
        """Events, snapshots, payments, incomes and documents of the households in `out` (`ids_sql` selects
        their ids; None: every household), each list in the order the figures read it."""
        cur = self._tuples()
        get = out.get
        for e in cur.execute(
                "SELECT e.household_id, e.date, e.kind, e.old_amount, e.new_amount, e.old_persons, e.new_persons, "
                "e.reason, f.source_name, e.source_row, e.effective_month FROM events e LEFT JOIN files f ON "
                f"f.id = e.source_file_id {_of(ids_sql, 'e.')} ORDER BY e.household_id, e.date, e.id", args):
            h = get(e[0])
            if h is not None:
                h.events.append(Event(e[1], e[2], e[3], e[4], e[5], e[6], e[7] or "", e[8] or "", e[9], e[10]))
        for s in cur.execute(f"SELECT household_id, date, persons, amount FROM snapshots {_of(ids_sql)} "
                             "ORDER BY household_id, date", args):
            h = get(s[0])
            if h is not None:
                h.snapshots.append(Snapshot(s[1], s[2], s[3]))
        if payments:
            for p in cur.execute(
                    "SELECT household_id, period_start, period_end, amount, persons, bank_account, township, village, "
                    f"account_holder FROM payments {_of(ids_sql)} ORDER BY household_id, period_start, period_end, amount",
                    args):
                h = get(p[0])
                if h is not None:
                    h.payments.append(Payment(p[1], p[2], p[3], p[4], p[5] or "", p[6] or "", p[7] or "", p[8] or ""))
        for i in cur.execute(f"SELECT household_id, date, monthly_total, per_capita, persons, source FROM incomes "
                             f"{_of(ids_sql)} ORDER BY household_id, date, id", args):
            h = get(i[0])
            if h is not None:
                h.incomes.append(Income(i[1], i[2], i[3], i[4], i[5]))
        for d in cur.execute(
                "SELECT household_id, id, type, date, source_name, sha256, path, page_count, pages, note FROM documents "
                f"{_of(ids_sql)} {'AND' if ids_sql else 'WHERE'} trashed_at IS NULL ORDER BY household_id, date, id", args):
            h = get(d[0])
            if h is not None:
                h.documents.append(Document(d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9] or ""))

    def payment_totals(self, scope: Scope = Scope()) -> list[tuple[str, str, float]]:
        """(first month, last month, total) per period, by the township/village written on the payment rows."""
        where, args = scope.sql("p")
        rows = self.db.execute(f"SELECT period_start, period_end, sum(amount) FROM payments p WHERE {where} "
                               "GROUP BY period_start, period_end", args)
        return [(r[0], r[1], float(r[2])) for r in rows]

    def area_totals(self, scope: Scope = Scope()) -> dict[str, int]:
        """Households on file, in care, and persons in care — one aggregate query, for the dashboard."""
        where, args = scope.sql("h")
        r = self.db.execute(f"SELECT count(*), sum(CASE WHEN h.status = '在保' THEN 1 ELSE 0 END), sum(CASE WHEN h.status = '在保' THEN "
                            f"coalesce(h.persons, 0) ELSE 0 END) FROM households h WHERE {where}", args).fetchone()
        return {"total": int(r[0] or 0), "active": int(r[1] or 0), "persons": int(r[2] or 0)}

    def change_mark(self) -> str:
        """Changes whenever a fact that figures depend on is added or updated (a cache key, not a clock)."""
        r = self.db.execute("SELECT (SELECT max(id) FROM events), (SELECT max(id) FROM documents), "
                            "(SELECT max(id) FROM snapshots), (SELECT max(updated_at) FROM households), "
                            "(SELECT count(*) FROM members), (SELECT max(id) FROM changes)").fetchone()
        return "/".join(str(x) for x in r)

    def events_between(self, since: str, until: str, scope: Scope = Scope(), limit: int = 50) -> list[dict[str, Any]]:
        """Changes dated in [since, until] in scope, newest first, with the household they belong to."""
        where, args = scope.sql("h")
        rows = self.db.execute(
            f"SELECT e.date, e.kind, e.old_amount, e.new_amount, e.reason, h.id AS household_id, h.household_no, "
            f"h.head_name, h.village FROM events e JOIN households h ON h.id = e.household_id "
            f"WHERE e.date BETWEEN ? AND ? AND {where} ORDER BY e.date DESC, e.id DESC LIMIT ?",
            [since, until, *args, limit])
        return [{**dict(r), "key": r["household_no"] or models.provisional_key(int(r["household_id"]))} for r in rows]

    def event_counts(self, since: str, until: str, scope: Scope = Scope()) -> dict[str, int]:
        where, args = scope.sql("h")
        rows = self.db.execute(f"SELECT e.kind, count(*) FROM events e JOIN households h ON h.id = e.household_id "
                               f"WHERE e.date BETWEEN ? AND ? AND {where} GROUP BY e.kind", [since, until, *args])
        return {str(r[0]): int(r[1]) for r in rows}

    def area_names(self) -> dict[str, list[str]]:
        """township → villages, as the catalog knows them."""
        out: dict[str, list[str]] = {}
        for r in self.db.execute("SELECT DISTINCT township, village FROM households ORDER BY township, village"):
            out.setdefault(r[0] or "", []).append(r[1] or "")
        return out

    def set_status(self, household_id: int, status: str, persons: int | None, amount: float | None) -> None:
        self.db.execute("UPDATE households SET status = ?, persons = coalesce(?, persons), "
                        "monthly_amount = coalesce(?, monthly_amount) WHERE id = ?",
                        (status, persons, amount, household_id))

    def counts(self) -> dict[str, int]:
        tables = ["households", "members", "events", "payments", "documents", "pages", "files"]
        out = {t: int(self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
        out["quarantine"] = len(self.quarantine_items())
        return out

    # ------------------------------------------------------------------ search-index queue
    def mark_dirty(self, household_ids: Sequence[int] | set[int]) -> None:
        """Queue households for the search index (in the caller's transaction). A household already queued
        gets a new mark, so a drain that read the old one leaves it queued (archiver/index/writer.py); the
        after-commit hooks run once the transaction commits."""
        self.db.executemany("INSERT INTO index_queue(household_id) VALUES (?) "
                            "ON CONFLICT(household_id) DO UPDATE SET mark = index_queue.mark + 1", [(i,) for i in household_ids])
        self._queued = True
        if not self._depth:  # outside a transaction the statement committed by itself
            self._committed()

    def dirty_households(self) -> list[int]:
        return [int(r[0]) for r in self.db.execute("SELECT household_id FROM index_queue ORDER BY household_id")]

    def dirty_marks(self) -> dict[int, int]:
        """Queued household → its mark, as read by the drain that indexes them."""
        return {int(r[0]): int(r[1]) for r in self.db.execute("SELECT household_id, mark FROM index_queue")}

    def clear_dirty(self, household_ids: Sequence[int], marks: dict[int, int] | None = None) -> None:
        """Unqueue households after the index has them; with `marks`, only those not changed again since."""
        with self.transaction():
            if marks is None:
                self.db.executemany("DELETE FROM index_queue WHERE household_id = ?", [(i,) for i in household_ids])
            else:
                self.db.executemany("DELETE FROM index_queue WHERE household_id = ? AND mark = ?",
                                    [(i, marks[i]) for i in household_ids if i in marks])

    # ------------------------------------------------------------------ users and sessions (web)
    def user(self, name: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()

    def users(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT id, name, role, area FROM users ORDER BY id").fetchall()

    def user_by_id(self, user_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()

    def add_user(self, name: str, password_hash: str, role: str, area: str) -> int:
        return self._insert("users", {"name": name, "password_hash": password_hash, "role": role, "area": area,
                                      "created_at": now()}) or 0

    def update_user(self, user_id: int, **fields: Any) -> None:
        self._update("users", user_id, fields)

    def add_session(self, token_hash: str, user_id: int, csrf: str, expires_at: str) -> None:
        self._insert("sessions", {"token_hash": token_hash, "user_id": user_id, "csrf": csrf, "expires_at": expires_at})

    def session(self, token_hash: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? "
                               "AND s.expires_at > ? AND u.disabled = 0", (token_hash, now())).fetchone()

    def delete_session(self, token_hash: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def delete_sessions(self, user_id: int, keep: str | None = None) -> None:
        """End every session of a user (but `keep`, the token hash of the one making the change)."""
        self.db.execute("DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?", (user_id, keep))

    # ------------------------------------------------------------------ audit
    def audit(self, user: str, action: str, target: str = "", detail: str = "", remote: str = "") -> None:
        """One entry per line whatever was typed: control characters (newlines) are stored escaped."""
        self._insert("audit", {"at": now(), "user": _one_line(user), "action": action, "target": _one_line(scrub(target)),
                               "detail": _one_line(scrub(detail)), "remote": _one_line(remote)})

    def audit_rows(self, user: str | None = None, since: str | None = None,
                   actions: Sequence[str] = ()) -> list[sqlite3.Row]:
        where, args = ["1=1"], []
        if actions:
            where.append(f"action IN ({','.join('?' * len(actions))})")
            args += list(actions)
        if user:
            where.append("user = ?")
            args.append(user)
        if since:
            where.append("at >= ?")
            args.append(since)
        return self.db.execute(f"SELECT * FROM audit WHERE {' AND '.join(where)} ORDER BY id", args).fetchall()

    def content_digest(self) -> dict[str, object]:
        """Counts and digests of households and documents (snapshot.digest_of): a moved catalog proves itself."""
        from .snapshot import digest_of

        return digest_of(self.db)

    def probe_names(self, n: int = 5) -> list[tuple[str, int]]:
        from .snapshot import probes_of

        return probes_of(self.db, n)

    # ------------------------------------------------------------------ integrity
    def integrity_problems(self) -> list[str]:
        out = dialect.integrity_problems(self.db)
        if self.schema_version() != LATEST:
            out.append(f"数据库版本 {self.schema_version()} ≠ {LATEST} / schema version mismatch")
        return out


def _one_line(text: str | None) -> str:
    return "".join(c if c >= " " and c != "\x7f" else f"\\x{ord(c):02x}" for c in str(text or ""))


def _member_fields(m: Member) -> dict[str, Any]:
    return {"name": m.name, "id_number": m.id_number or None, "relation": m.relation, "sex": m.sex,
            "birth_date": m.birth_date, "disability": m.disability, "health": m.health, "identity": m.identity,
            "cadre_relative": int(m.cadre_relative), "added_on": m.added_on, "removed_on": m.removed_on,
            "id_original": m.id_original, "no_id_reason": m.no_id_reason,
            "covered": int(m.covered), "covered_reason": m.covered_reason or None}


def _member(r: sqlite3.Row) -> Member:
    return Member(r["name"], r["id_number"] or "", r["relation"] or "", r["sex"] or "", r["birth_date"],
                  r["disability"] or "", r["health"] or "", r["identity"] or "", bool(r["cadre_relative"]),
                  r["added_on"], r["removed_on"], r["id_original"], r["no_id_reason"], bool(r["covered"]),
                  r["covered_reason"] or "")


def _of(ids_sql: str | None, alias: str = "") -> str:
    return f"WHERE {alias}household_id IN ({ids_sql})" if ids_sql else ""


_MEMBER_COLUMNS = ("name, id_number, relation, sex, birth_date, disability, health, identity, cadre_relative, added_on, "
                   "removed_on, id_original, no_id_reason, covered, covered_reason")
_HOUSEHOLD_COLUMNS = ("h.id, h.household_no, h.township, h.village, h.area_type, h.category, h.status, h.monthly_amount, "
                      "h.persons, h.approved_on, h.address, h.phone, h.head_name, h.head_id_number, h.bank_account, "
                      "h.note, h.benefit_tier, h.aid_categories")


def _member_of(r: tuple) -> Member:
    """_member from a plain tuple: household_id, then _MEMBER_COLUMNS."""
    _, name, number, relation, sex, birth, disability, health, identity, cadre, added, removed, original, no_id, \
        covered, reason = r
    return Member(name, number or "", relation or "", sex or "", birth, disability or "", health or "", identity or "",
                  bool(cadre), added, removed, original, no_id, bool(covered), reason or "")


def _household_of(r: tuple) -> Household:
    """_household from a plain tuple of _HOUSEHOLD_COLUMNS."""
    return Household(
        id=int(r[0]), household_no=r[1], township=r[2] or "", village=r[3] or "", area_type=r[4] or "", category=r[5],
        status=r[6], monthly_amount=r[7], persons=r[8], approved_on=r[9], address=r[10] or "", phone=r[11] or "",
        head_name=r[12] or "", head_id_number=r[13] or "", bank_account=r[14] or "", note=r[15] or "",
        benefit_tier=r[16], aid_categories=r[17] or "")


def _household(r: sqlite3.Row) -> Household:
    return Household(
        id=int(r["id"]), household_no=r["household_no"], township=r["township"] or "", village=r["village"] or "",
        area_type=r["area_type"] or "", category=r["category"], status=r["status"],
        monthly_amount=r["monthly_amount"], persons=r["persons"], approved_on=r["approved_on"],
        address=r["address"] or "", phone=r["phone"] or "", head_name=r["head_name"] or "",
        head_id_number=r["head_id_number"] or "", bank_account=r["bank_account"] or "", note=r["note"] or "",
        benefit_tier=r["benefit_tier"], aid_categories=r["aid_categories"] or "")

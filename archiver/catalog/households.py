"""The households aggregate: households and their members, the facts filed on them (events, snapshots,
payments, incomes and the basis a roster states), the read API that loads them whole, area totals and names
(the search index's change log is indexlog.py).

A mixin of Catalog: every statement stays in archiver/catalog/ and callers keep one object.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .. import gcpause
from . import models
from .corrections import CorrectionsMixin
from .models import Document, Event, Household, Income, Member, Payment, Snapshot, now
from .rows import Row
from .scope import Scope


class HouseholdsMixin(CorrectionsMixin):
    """Builds on the corrections: an import's household fields pass `guard_overrides` (set by hand wins)."""

    # ------------------------------------------------------------------ households
    def household_id_by_no(self, household_no: str) -> int | None:
        row = self.db.execute("SELECT id FROM households WHERE household_no = ?", (household_no,)).fetchone()
        return int(row[0]) if row else None

    def household_ids_by_head(self, id_number: str) -> list[int]:
        rows = self.db.execute("SELECT id FROM households WHERE head_id_number = ? ORDER BY id", (id_number,))
        return [int(r[0]) for r in rows]

    def households_by_heads(self, numbers: list[str]) -> list[Row]:
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

    def household_row(self, household_id: int, scope: Scope = Scope()) -> Row | None:
        where, args = scope.sql("h")
        return self.db.execute(f"SELECT * FROM households h WHERE id = ? AND {where}", [household_id, *args]).fetchone()

    # ------------------------------------------------------------------ members
    def members_rows(self, household_id: int) -> list[Row]:
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

    def first_payment_month(self) -> str | None:
        """The earliest month any disbursement sheet on file covers ("YYYY-MM"), None when there are none."""
        row = self.db.execute("SELECT MIN(period_start) FROM payments").fetchone()
        return str(row[0])[:7] if row and row[0] else None

    def add_income(self, household_id: int, income: Income, source_file_id: int | None = None,
                   row: int | None = None, user: str | None = None) -> bool:
        """Record an income statement; the same statement from the same source twice is one row."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO incomes(household_id, date, monthly_total, per_capita, persons, source, source_file_id, "
            "source_row, user, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (household_id, income.date, income.monthly_total, income.per_capita, income.persons, income.source,
             source_file_id, row, user, now()))
        return bool(cur.rowcount)

    def set_basis_facts(self, household_id: int, tier: str | None = None, aid_categories: str | None = None) -> None:
        """The 分档 tier and 分类施保 categories a roster states (only what it states: None leaves a value alone)."""
        if tier:
            self.db.execute("UPDATE households SET benefit_tier = ? WHERE id = ?", (tier, household_id))
        if aid_categories:
            self.db.execute("UPDATE households SET aid_categories = ? WHERE id = ?", (aid_categories, household_id))

    def set_status(self, household_id: int, status: str, persons: int | None, amount: float | None) -> None:
        self.db.execute("UPDATE households SET status = ?, persons = coalesce(?, persons), "
                        "monthly_amount = coalesce(?, monthly_amount) WHERE id = ?",
                        (status, persons, amount, household_id))

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

    # ------------------------------------------------------------------ browsing (households page)
    def browse_households(self, where: str, args: Sequence[Any], offset: int, limit: int) -> tuple[int, list[Row]]:
        """One page of households matching a filter the caller built from its own columns, and the true total."""
        total = int(self.db.execute(f"SELECT count(*) FROM households h WHERE {where}", list(args)).fetchone()[0])
        rows = self.db.execute(f"SELECT h.* FROM households h WHERE {where} ORDER BY h.township, h.village, "
                               "coalesce(h.household_no, ''), h.id LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        return total, rows


def _member_fields(m: Member) -> dict[str, Any]:
    return {"name": m.name, "id_number": m.id_number or None, "relation": m.relation, "sex": m.sex,
            "birth_date": m.birth_date, "disability": m.disability, "health": m.health, "identity": m.identity,
            "cadre_relative": int(m.cadre_relative), "added_on": m.added_on, "removed_on": m.removed_on,
            "id_original": m.id_original, "no_id_reason": m.no_id_reason,
            "covered": int(m.covered), "covered_reason": m.covered_reason or None}


def _member(r: Row) -> Member:
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


def _household(r: Row) -> Household:
    return Household(
        id=int(r["id"]), household_no=r["household_no"], township=r["township"] or "", village=r["village"] or "",
        area_type=r["area_type"] or "", category=r["category"], status=r["status"],
        monthly_amount=r["monthly_amount"], persons=r["persons"], approved_on=r["approved_on"],
        address=r["address"] or "", phone=r["phone"] or "", head_name=r["head_name"] or "",
        head_id_number=r["head_id_number"] or "", bank_account=r["bank_account"] or "", note=r["note"] or "",
        benefit_tier=r["benefit_tier"], aid_categories=r["aid_categories"] or "")

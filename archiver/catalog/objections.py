"""The objections aggregate (异议、信访、举报登记): rows in `objections`, written with their audit entry in one
transaction. The complainant's name is kept for the register itself; `masked` is what every other reader
(documents, logs, exports, the audit) gets."""

from __future__ import annotations

from dataclasses import dataclass

from .models import now, provisional_key
from .scope import Scope
from .users import UsersMixin

KINDS = ("公示异议", "信访", "举报", "来电")
RESULTS = ("属实", "部分属实", "不属实")
ANONYMOUS = "匿名"


@dataclass
class Objection:
    id: int
    household_id: int
    household_key: str
    head: str
    township: str
    village: str
    kind: str
    raised_on: str
    raised_by: str
    allegation: str
    about: str
    checker: str
    finding: str
    result: str
    closed_on: str | None

    @property
    def open(self) -> bool:
        return not self.closed_on

    def open_on(self, day: str) -> bool:
        """Raised on or before `day` and not closed by then."""
        return self.raised_on <= day and (self.closed_on is None or self.closed_on > day)

    @property
    def masked_by(self) -> str:
        return mask_name(self.raised_by)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧***: the register's name as any other page or paper may show it."""
    name = (name or "").strip()
    if not name or name == ANONYMOUS:
        return ANONYMOUS
    return name[0] + "*" * max(len(name) - 1, 1)


class ObjectionsMixin(UsersMixin):
    """Builds on the users: every write is audited in its transaction."""

    def add_objection(self, household_id: int, kind: str, raised_on: str, raised_by: str, allegation: str, user: str,
                      about: str = "", checker: str = "") -> int:
        with self.transaction():
            oid = self._insert("objections", {
                "household_id": household_id, "kind": kind, "raised_on": raised_on,
                "raised_by": raised_by.strip() or ANONYMOUS, "allegation": allegation, "about": about,
                "checker": checker, "user": user, "at": now()})
            assert oid is not None
            self.audit(user, "objection.add", str(household_id), f"#{oid} {kind} {raised_on}")
        return oid

    def close_objection(self, oid: int, closed_on: str, result: str, finding: str, user: str,
                        checker: str = "") -> None:
        with self.transaction():
            before = self.db.execute("SELECT result, closed_on, checker FROM objections WHERE id = ?", (oid,)).fetchone()
            self.db.execute("UPDATE objections SET closed_on = ?, result = ?, finding = ?, checker = coalesce(nullif(?, ''), "
                            "checker) WHERE id = ?", (closed_on, result, finding, checker, oid))
            self.audit(user, "objection.close", f"#{oid}",
                       f"{before['closed_on'] or '未办结'}/{before['result'] or '-'} → {closed_on}/{result}")

    def objection(self, oid: int) -> Objection | None:
        rows = self._objections_where("o.id = ?", [oid])
        return rows[0] if rows else None

    def objections(self, scope: Scope, open_only: bool = False, since: str | None = None,
                   until: str | None = None) -> list[Objection]:
        where, args = scope.sql("h")
        clauses = [where]
        if open_only:
            clauses.append("o.closed_on IS NULL")
        if since:
            clauses.append("o.raised_on >= ?")
            args = [*args, since]
        if until:
            clauses.append("o.raised_on <= ?")
            args = [*args, until]
        return self._objections_where(" AND ".join(clauses), args)

    def objection_count(self, household_id: int) -> int:
        return int(self.db.execute("SELECT count(*) FROM objections WHERE household_id = ?",
                                   (household_id,)).fetchone()[0])

    def objections_of(self, household_id: int) -> list[Objection]:
        return self._objections_where("o.household_id = ?", [household_id])

    def _objections_where(self, where: str, args: list) -> list[Objection]:
        rows = self.db.execute(
            "SELECT o.*, h.household_no AS hkey, coalesce(h.head_name, '') AS head, coalesce(h.township, '') AS township, "
            "coalesce(h.village, '') AS village FROM objections o JOIN households h ON h.id = o.household_id "
            f"WHERE {where} ORDER BY o.raised_on, o.id", args)
        return [Objection(int(r["id"]), int(r["household_id"]), r["hkey"] or provisional_key(int(r["household_id"])),
                          r["head"], r["township"], r["village"], r["kind"], r["raised_on"], r["raised_by"],
                          r["allegation"], r["about"], r["checker"], r["finding"], r["result"], r["closed_on"])
                for r in rows]

"""The reporting aggregate: reads the year-end documents need beyond the household records. A mixin of
Catalog, so the SQL stays in the catalog."""

from __future__ import annotations

from .core import CatalogCore
from .scope import Scope


class ReportingMixin(CatalogCore):
    def payment_totals_by_type(self, scope: Scope) -> list[tuple[str, str, str, float]]:
        """(城市|农村 of the household, first month, last month, total) per period. Scoped by the township and
        village written on the payment rows, as `payment_totals` is, so the types add up to its total."""
        where, args = scope.sql("p")
        rows = self.db.execute(
            f"SELECT coalesce(h.area_type, ''), p.period_start, p.period_end, sum(p.amount) FROM payments p "
            f"JOIN households h ON h.id = p.household_id WHERE {where} GROUP BY 1, 2, 3", args)
        return [(str(r[0]), str(r[1]), str(r[2]), float(r[3])) for r in rows]

    def documents_of_type_between(self, scope: Scope, types: tuple[str, ...], since: str, until: str) -> int:
        """How many filed documents of these types are dated in [since, until] — e.g. 信访 records for a year."""
        if not types:
            return 0
        where, args = scope.sql("h")
        marks = ",".join("?" * len(types))
        row = self.db.execute(
            f"SELECT count(*) FROM documents d JOIN households h ON h.id = d.household_id "
            f"WHERE d.type IN ({marks}) AND d.date BETWEEN ? AND ? AND {where}", [*types, since, until, *args]).fetchone()
        return int(row[0] or 0)

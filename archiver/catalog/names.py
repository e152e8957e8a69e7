"""Catalog SQL for finding households by a person's name (issue 25): a quarantined page that names a person
unique within the user's area is offered that household, and a household box accepts a name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .core import CatalogCore
from .rows import Row


class NamesMixin(CatalogCore):
    def households_with_member_name(self, name: str, where: str = "1=1", args: Sequence[Any] = (),
                                    limit: int = 10) -> list[Row]:
        """Households (inside `where`, a Scope's SQL over alias h) with a current member of exactly this name."""
        return self.db.execute(
            f"SELECT DISTINCT h.id, h.household_no, h.head_name, h.township, h.village FROM members m "
            f"JOIN households h ON h.id = m.household_id WHERE m.name = ? AND m.removed_on IS NULL AND {where} "
            f"ORDER BY h.id LIMIT ?", (name, *args, limit)).fetchall()

    def suggest_households(self, typed: str, where: str = "1=1", args: Sequence[Any] = (),
                           limit: int = 10) -> list[Row]:
        """Households for an autocomplete box: a member's name starting with `typed`, or a 户编号 starting with it."""
        like = typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.db.execute(
            f"SELECT DISTINCT h.id, h.household_no, h.head_name, h.township, h.village, m.name AS member FROM households h "
            f"JOIN members m ON m.household_id = h.id WHERE (m.name LIKE ? ESCAPE '\\' OR h.household_no LIKE ? ESCAPE '\\') "
            f"AND m.removed_on IS NULL AND {where} ORDER BY h.household_no LIMIT ?",
            (like, like, *args, limit)).fetchall()

"""The area filter every read query takes (属地管理): a parameter of the query, so every caller gets it."""

from __future__ import annotations

from dataclasses import dataclass


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


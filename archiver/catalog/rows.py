"""What a catalog query returns when it returns rows: callers name `Row`, never the database driver.

`Row` is SQLite's row today. A second dialect's rows must support the same three reads that callers use:
`r["name"]`, `r[0]` and `r.keys()` (so `dict(r)` works) — nothing else of sqlite3.Row is relied on.
"""

from __future__ import annotations

import sqlite3
from typing import TypeAlias

Row: TypeAlias = sqlite3.Row

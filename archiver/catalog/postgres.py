"""The catalog on PostgreSQL: a connection that speaks the catalog's SQL, for a city on a cluster.

Why an adapter and not SQLAlchemy Core: the catalog's statements are plain SQL in one package, nearly all in
a subset both databases read. What differs is small and mechanical — `?` marks, `INSERT OR IGNORE`,
`IS ?`, `BEGIN IMMEDIATE`, `lastrowid`, `user` as a column name, SQLite's column types in the migrations —
so it is translated here, once per statement text (cached), and every statement keeps one text that both
databases run. Callers never learn which database they have (docs/design.md, "The catalog's dialects").

One writer at a time, as on SQLite: `BEGIN IMMEDIATE` takes a transaction-scoped advisory lock, so two
`serve` processes and a watcher on one catalog serialise their write transactions exactly as SQLite's write
lock did (a read-check-write in one transaction never races another); readers are never blocked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Loader

WRITE_LOCK = 4_851_007  # the advisory lock key every write transaction takes ("dibao" on a phone keypad)
VERSION_TABLE = "dibao_schema"
ANALYZE_FROM = 1024  # rows this connection inserted into a table before it first refreshes the planner's statistics

# SQLite's scalar functions the catalog's statements use, defined once in each PostgreSQL catalog
FUNCTIONS = """
CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT strpos($1, $2) $$;
"""


class Row:
    """A result row read like sqlite3.Row: by position, by column name, `keys()`, iteration."""

    __slots__ = ("_values", "_names")

    def __init__(self, values: Sequence[Any], names: dict[str, int]) -> None:
        self._values = tuple(values)
        self._names = names

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and self._values == other._values and self._names == other._names

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row{self._values!r}"


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


class _Number(Loader):
    """numeric (what sum() of integers gives) as int when whole, else float — as SQLite returns them."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        return int(text) if text.lstrip("-").isdigit() else float(text)


class Cursor:
    """The part of sqlite3.Cursor the catalog uses."""

    def __init__(self, cur: psycopg.Cursor[Any], returning: bool) -> None:
        self._cur = cur
        self.lastrowid: int | None = None
        self.rowcount = cur.rowcount
        if returning:
            row = cur.fetchone()
            self.lastrowid = int(row[0]) if row else None

    def fetchone(self) -> Any:
        return self._cur.fetchone() if self._cur.description else None

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall() if self._cur.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class Connection:
    """A PostgreSQL connection with sqlite3.Connection's interface, in autocommit mode (the catalog issues
    BEGIN/COMMIT itself, as it does on SQLite with isolation_level=None)."""

    kind = "postgresql"

    def __init__(self, url: str, password: str | None = None) -> None:
        self.url = url
        extra: dict[str, Any] = {"password": password} if password else {}
        self._conn = psycopg.connect(url, autocommit=True, row_factory=_row_factory, **extra)
        self._conn.adapters.register_loader("numeric", _Number)
        # a statement is planned with its values each time: a plan cached while a table was small (the first rows
        # of a 100,000-household roster, in one transaction) would scan it whole for every later row
        self._conn.execute("SET plan_cache_mode = force_custom_plan")
        with self._conn.transaction():  # two processes opening a new catalog at once create these once
            self._write_lock()
            self._conn.execute(FUNCTIONS)
            self._conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE}(version INTEGER NOT NULL)")
        self._with_id: frozenset[str] = frozenset()
        self._inserted: dict[str, int] = {}
        self.learn_tables()

    def _write_lock(self) -> None:
        """The catalog's one writer at a time, held until the transaction ends (BEGIN IMMEDIATE's lock)."""
        self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))

    def learn_tables(self) -> None:
        """Tables with an `id` column: an INSERT into one returns the new id (sqlite3's lastrowid)."""
        rows = self._conn.execute("SELECT table_name FROM information_schema.columns "
                                  "WHERE table_schema = current_schema() AND column_name = 'id'").fetchall()
        self._with_id = frozenset(r[0] for r in rows)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        text, table = translate(sql)
        if text == "BEGIN":
            self._conn.execute("BEGIN")
            self._write_lock()
            return Cursor(self._conn.cursor(), False)
        returning = table in self._with_id
        if returning:
            text += " RETURNING id"
        cur = self._conn.cursor()
        cur.execute(text, list(params) if not isinstance(params, dict) else params)  # type: ignore[arg-type]
        if table is not None:
            self._grown(table)
        return Cursor(cur, returning)

    def _grown(self, table: str) -> None:
        """ANALYZE a table each time it has doubled since its last statistics (1,000 rows, 2,000, 4,000 …).
        Why: a roster of 100,000 households is filed in one transaction, which autovacuum never sees; with no
        statistics the planner takes `head_id_number IN (…200 IDs…)` for the whole table and scans it for
        every row — quadratic. ANALYZE inside the transaction counts its own new rows, and doubling keeps the
        cost to a few samples per table."""
        n = self._inserted.get(table, 0) + 1
        self._inserted[table] = n
        if n >= ANALYZE_FROM and n & (n - 1) == 0:  # a power of two
            self._conn.execute(f"ANALYZE {table}")

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> Cursor:
        text, _ = translate(sql)
        cur = self._conn.cursor()
        cur.executemany(text, [list(p) for p in seq])
        return Cursor(cur, False)

    def cursor(self) -> Connection:
        """Rows here are read by position and by name alike, so the catalog's tuple cursor is the connection."""
        return self

    row_factory: object = None

    def run_ddl(self, sql: str) -> None:
        """One migration statement, written for SQLite, in PostgreSQL's types."""
        self._conn.execute(ddl(sql))
        self.learn_tables()

    @contextmanager
    def transaction_block(self) -> Iterator[None]:
        """One transaction holding the write lock (a bulk copy)."""
        with self._conn.transaction():
            self._write_lock()
            yield

    def copy_rows(self, table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
        """Rows into `table` by COPY: the bulk path, some 10× faster than INSERTs."""
        cols = ", ".join(f'"{c}"' for c in columns)
        with self._conn.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def reset_identity(self, table: str) -> None:
        """After ids were copied in, the next id a table hands out follows the largest."""
        self._conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")

    def close(self) -> None:
        self._conn.close()


def empty_database(url: str, password: str | None = None) -> bool:
    """True when the database holds no table at all (a restore's target); left untouched either way."""
    extra: dict[str, Any] = {"password": password} if password else {}
    with psycopg.connect(url, autocommit=True, **extra) as conn:
        row = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                           ).fetchone()
        return not (row and row[0])


_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+(\w+)", re.I)
_USER = re.compile(r"(?<![\w.\"])user\b(?!\s*\()")  # a column named user: a reserved word in PostgreSQL
_QUOTED = re.compile(r"('(?:[^']|'')*'|\"[^\"]*\")")


@lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, str | None]:
    """SQLite's statement → PostgreSQL's, and the table an INSERT that wants its new id writes (else None)."""
    stripped = sql.strip()
    if stripped.upper() == "BEGIN IMMEDIATE":
        return "BEGIN", None
    parts = _QUOTED.split(stripped)
    for i in range(0, len(parts), 2):  # outside quotes only
        p = parts[i]
        p = re.sub(r"\bIS\s+NOT\s+\?", "IS DISTINCT FROM ?", p, flags=re.I)
        p = re.sub(r"\bIS\s+\?", "IS NOT DISTINCT FROM ?", p, flags=re.I)
        p = _USER.sub('"user"', p)
        p = re.sub(r"\browid\b", "ctid", p)  # insertion order of an append-only table (file_names)
        parts[i] = p.replace("%", "%%").replace("?", "%s")
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].replace("%", "%%")
    text = "".join(parts)
    m = _INSERT.match(text)
    if not m:
        return text, None
    verb, table = m.group(1), m.group(2)
    if verb:
        text = _INSERT.sub(f"INSERT INTO {table}", text, count=1)
        if verb.upper() == "REPLACE":
            raise ValueError(f"INSERT OR REPLACE has no portable form; write ON CONFLICT(...) DO UPDATE: {sql}")
        text += " ON CONFLICT DO NOTHING"
    wants_id = "RETURNING" not in text.upper() and " SELECT " not in f" {text.upper()} "
    return text, (table if wants_id else None)


def ddl(sql: str) -> str:
    """A migration statement in PostgreSQL's types: an `id INTEGER PRIMARY KEY` is an identity column,
    INTEGER is BIGINT (file sizes, amounts in fen), REAL is DOUBLE PRECISION."""
    parts = _QUOTED.split(sql)
    for i in range(0, len(parts), 2):
        p = parts[i]
        p = re.sub(r"\bid\s+INTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?", "id BIGINT GENERATED BY DEFAULT AS IDENTITY "
                   "PRIMARY KEY", p, flags=re.I)
        p = re.sub(r"\bINTEGER\b", "BIGINT", p, flags=re.I)
        p = re.sub(r"\bREAL\b", "DOUBLE PRECISION", p, flags=re.I)
        parts[i] = _USER.sub('"user"', p)
    return "".join(parts)

"""A snapshot folder, `DEST/dibao-YYYYmmddTHHMMSSZ/`: which files of a home it holds (walk), its manifest,
how a complete one is told from an interrupted `.partial` one and found, and which ones rotation drops."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import UserError

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "dibao-"
PARTIAL = ".partial"
CATALOG = "catalog.sqlite"
SKIP_TOP = {"tmp", "inbox", "backups"}
DB_SUFFIXES = (".sqlite", ".sqlite3", ".db")
DB_SIDES = ("-wal", "-shm", "-journal")

Say = Callable[[str], None]
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class BackupError(Exception):
    """A backup or restore that cannot be trusted; the message says what and where (Chinese first)."""


class BackupRefused(UserError):
    """Nothing was done: the request itself is wrong (target not empty, no complete backup, nesting …). Not a
    BackupError: the user's mistake (exit 2), where a BackupError is a backup that cannot be trusted (exit 1)."""


@dataclass
class Entry:
    size: int
    sha256: str
    mtime_ns: int

    def as_json(self) -> dict[str, object]:
        return {"size": self.size, "sha256": self.sha256, "mtime_ns": self.mtime_ns}


def quiet(_: str) -> None:
    pass


# ---------------------------------------------------------------------- helpers
def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("dibao")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def copy_hashing(src: Path, dst: Path) -> tuple[int, str]:
    """Copy and hash in one read; fsync so a snapshot renamed into place is really on the disk."""
    h = hashlib.sha256()
    n = 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    with src.open("rb") as f, dst.open("wb") as g:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            g.write(chunk)
            n += len(chunk)
        g.flush()
        os.fsync(g.fileno())
    return n, h.hexdigest()


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def is_db(name: str) -> bool:
    return name.endswith(DB_SUFFIXES)


def is_db_side(name: str) -> bool:
    return any(name.endswith(s) and is_db(name[: -len(s)]) for s in DB_SIDES)


def walk(root: Path) -> Iterator[tuple[str, Path, os.stat_result]]:
    """Every regular file of the home worth keeping, as (posix path relative to the home, path, stat)."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in SKIP_TOP]
        elif rel_dir == "index":  # a rebuild in progress, or the old index it is about to drop
            dirnames[:] = [d for d in dirnames if ".new-" not in d and ".old-" not in d]
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".tmp") or is_db_side(name):
                continue
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except FileNotFoundError:  # moved or removed while we walked
                continue
            if stat.S_ISREG(st.st_mode):
                yield Path(os.path.relpath(p, root)).as_posix(), p, st


def refuse_nesting(home: Path, other: Path, what: str) -> None:
    h, o = home.resolve(), other.resolve()
    if o == h or h in o.parents or o in h.parents:
        raise BackupRefused(f"{what}不能在档案库目录之内，也不能包含它：{other} / {what} must lie outside the home")


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a complete snapshot, else None (a .partial folder, no or a broken manifest)."""
    if folder.name.endswith(PARTIAL):
        return None
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("complete") is True and data.get("format") == FORMAT else None


def snapshots(dest: Path) -> list[Path]:
    """Complete snapshots in `dest`, oldest first."""
    if not dest.is_dir():
        return []
    return sorted(p for p in dest.iterdir() if p.is_dir() and p.name.startswith(PREFIX) and read_manifest(p))


def find_snapshot(src: Path) -> Path:
    """`src` itself when it is a snapshot, else the newest complete snapshot inside it."""
    if src.name.endswith(PARTIAL) or (src / MANIFEST).exists():
        if read_manifest(src) is None:
            raise BackupRefused(f"备份不完整（中断的备份，没有完整的清单）：{src} / incomplete backup, refusing it")
        return src
    found = snapshots(src)
    if not found:
        partial = [p.name for p in src.glob(PREFIX + "*" + PARTIAL)] if src.is_dir() else []
        hint = f"（只有中断的备份：{', '.join(partial)}）" if partial else ""
        raise BackupRefused(f"找不到完整的备份：{src}{hint} / no complete backup in {src}")
    return found[-1]


def rotate(found: list[Path], keep: int, keep_monthly: int = 0) -> list[Path]:
    """Which snapshots (oldest first in `found`) to delete: all but the newest `keep`, and besides them the
    first snapshot of each of the newest `keep_monthly` months (a year of month-ends for an audit)."""
    kept = set(found[-keep:])
    firsts: dict[str, Path] = {}
    for p in found:  # names sort by time: dibao-YYYYmmddT…
        firsts.setdefault(p.name[len(PREFIX):len(PREFIX) + 6], p)
    kept |= set(sorted(firsts.values())[-keep_monthly:]) if keep_monthly else set()
    return [p for p in found if p not in kept]

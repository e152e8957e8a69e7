"""Atomic, content-addressed writes: bytes are on disk (temp → fsync → rename) before any row names them."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_part(text: str, limit: int = 40) -> str:
    """A folder or file-name part that every file system accepts."""
    cleaned = _UNSAFE.sub("_", text).strip(" .") or "未知"
    return cleaned[:limit]


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(dest: Path, data: bytes | None = None, source: Path | None = None, tmp_dir: Path | None = None) -> Path:
    """Write bytes (or copy `source`) to `dest` so that `dest` is either absent or complete."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp_parent = tmp_dir or dest.parent
    tmp_parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_parent / f".{dest.name}.{os.getpid()}.tmp"
    with open(tmp, "wb") as out:
        if source is not None:
            with open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        else:
            out.write(data or b"")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, dest)
    _fsync_dir(dest.parent)
    return dest


def store_source(sources_dir: Path, sha256: str, suffix: str, source: Path) -> Path:
    """Keep an original input under its checksum; writing the same content twice is a no-op."""
    dest = sources_dir / sha256[:2] / f"{sha256}{suffix.lower()}"
    if not dest.exists():
        write_atomic(dest, source=source)
    return dest


def quarantine_copy(quarantine_dir: Path, sha256: str, name: str, source: Path, tmp_dir: Path | None = None) -> Path:
    """The one copy of an input kept under quarantine/ (a whole file or the file some pages came from):
    named by checksum and original name, written once, atomically."""
    dest = quarantine_dir / f"{sha256[:12]}_{safe_part(Path(name).name, 80)}"
    if not dest.exists():
        write_atomic(dest, source=source, tmp_dir=tmp_dir)
    return dest

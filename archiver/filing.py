"""Atomic, content-addressed writes: bytes are on disk (temp → fsync → rename) before any row names them."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
from pathlib import Path

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_PART_BYTES = 150  # file systems allow 255 bytes a name; leave room for prefixes and suffixes
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


class StorageError(OSError):
    """The home cannot be written to (disk full, read-only, no permission): nothing about the file being
    filed is wrong, so the batch stops cleanly and the file is tried again later."""

    def __init__(self, exc: OSError, where: Path) -> None:
        super().__init__(exc.errno, exc.strerror)
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        self.full = full
        self.message = (f"磁盘空间已满，无法写入档案库（{where}）；请清理空间后重试，未写入的文件留在原处 / disk full"
                        if full else
                        f"档案库目录不可写（{where}，{exc.strerror}）；请检查权限或磁盘后重试，文件留在原处 / home not writable")

    def __str__(self) -> str:
        return self.message


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_part(text: str, limit: int = 40) -> str:
    """A folder or file-name part that every file system accepts."""
    cleaned = _UNSAFE.sub("_", text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")).strip(" .")
    cleaned = (cleaned or "未知")[:limit]
    while len(cleaned.encode("utf-8")) > MAX_PART_BYTES:  # long Chinese names: 3 bytes a character
        cleaned = cleaned[:-1]
    return cleaned


_SUFFIX = re.compile(r"\.[0-9A-Za-z]{1,8}$")
_DOTS = re.compile(r"\.{2,}")  # `..` inside a name is harmless to the file system, but reads like a way out


class OutsideFolder(ValueError):
    """A path built from data would leave its folder: a fault of ours or an attack, never filed."""


def inside(folder: Path, *parts: str, limit: int = 120) -> Path:
    """The one way a path is built from data (household keys, names, document types, file names): each part
    becomes one safe name (safe_part, its short suffix such as `.pdf` kept), and the result is checked to lie
    inside `folder` — a head named `王/../../../x` or a key `..` can never write outside it."""
    out = folder
    for part in parts:
        m = _SUFFIX.search(part)
        stem, suffix = (part[:m.start()], m.group()) if m and m.start() else (part, "")
        out = out / (safe_part(_DOTS.sub("_", stem), limit) + suffix)
    base = folder.resolve()
    where = out.resolve()
    if where != base and base not in where.parents:
        raise OutsideFolder(f"路径越出目录：{where} / path outside {base}")
    return out


def fsync_dir(path: Path, best_effort: bool = False) -> None:
    """Make a rename in `path` durable. `best_effort`: a folder some network file systems (SMB) cannot fsync
    is skipped instead of failing (backups to a share)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        if not best_effort:
            raise
    finally:
        os.close(fd)


def write_atomic(dest: Path, data: bytes | None = None, source: Path | None = None, tmp_dir: Path | None = None) -> Path:
    """Write bytes (or copy `source`) to `dest` so that `dest` is either absent or complete. The temp
    name is short whatever `dest` is called; a failed write leaves no temp file behind. A home that
    cannot be written raises StorageError; an unreadable `source` its own OSError."""
    src = open(source, "rb") if source is not None else None  # noqa: SIM115 - closed below
    tmp: Path | None = None
    try:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp_parent = tmp_dir or dest.parent
            tmp_parent.mkdir(parents=True, exist_ok=True)
            tmp = tmp_parent / f".{secrets.token_hex(6)}.{os.getpid()}.tmp"
            with open(tmp, "wb") as out:
                if src is not None:
                    shutil.copyfileobj(src, out, 1 << 20)
                else:
                    out.write(data or b"")
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, dest)
            tmp = None
        except OSError as exc:
            if exc.errno in STORAGE_ERRNOS and not isinstance(exc, StorageError):
                raise StorageError(exc, dest.parent) from exc
            raise
    finally:
        if src is not None:
            src.close()
        if tmp is not None:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
    fsync_dir(dest.parent)
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
    dest = inside(quarantine_dir, f"{sha256[:12]}_{safe_part(Path(name).name, 80)}", limit=200)
    if not dest.exists():
        write_atomic(dest, source=source, tmp_dir=tmp_dir)
    return dest

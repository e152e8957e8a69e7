"""What counts as an input to ingest: the files under the paths given, less editor lock files, temp files,
system clutter and the archive home itself; and which of them must not be opened at all.

Its own module so that the pipeline, the zip stage and the import review's `--dry-run` read one rule.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from archiver.filenames import shown
from archiver.privacy import scrub

JUNK = (".DS_Store", "Thumbs.db", "desktop.ini")
LOCK_FILE_REASON = ("Office/WPS临时锁文件（表格打开时自动生成，不是报表）；请将对应表格保存关闭后导入，此项可不予归档"
                    " / editor lock file, not a spreadsheet")


def ignored_reason(name: str) -> str | None:
    """Why a file is not an input at all — editor lock files, partial downloads, our own temp files, system
    clutter and hidden files — or None. A name that merely starts with `..` (a clerk's "..报告.pdf") is a file."""
    if is_lock_file(name):
        return "Office/WPS临时锁文件（表格正被打开时生成），不是数据，已忽略 / editor lock file, ignored"
    if name.lower() in {j.lower() for j in JUNK} or name.startswith("._"):
        return "系统生成的文件夹设置或缩略图文件，已忽略 / system folder file, ignored"
    if name.endswith((".tmp", ".part", ".crdownload")):
        return "临时文件或未下载完的文件，已忽略 / temporary or partial file, ignored"
    if name.startswith(".") and not name.startswith(".."):
        return "隐藏文件，已忽略 / hidden file, ignored"
    return None


def is_lock_file(name: str) -> bool:
    return name.startswith(("~$", ".~lock"))


def ignored(name: str) -> bool:
    return ignored_reason(name) is not None


def collect(paths: Iterable[Path], exclude: Path | None = None,
            skipped: list[tuple[str, str]] | None = None, lock_files: bool = False) -> list[tuple[Path, str]]:
    """Every file under the given paths, skipping editor lock files, our own temp files and anything
    inside the archive home itself (ingesting a folder that holds the home must not eat it). Links and
    other non-regular entries are listed too: `Ingestor` refuses them with a message, never opens them.
    The files skipped as lock, temp or desktop.ini-like go to `skipped` as (name, why): never dropped silently.
    `lock_files`: a folder imported by hand keeps its lock files as inputs (quarantined with their reason, so
    the clerk sees what was copied along); the watcher leaves them alone while the workbook may be open."""
    out: list[tuple[Path, str]] = []
    skip = exclude.resolve() if exclude else None
    for p in paths:
        if p.is_dir():
            for root, dirs, files in os.walk(p):  # never follows a linked folder
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and (skip is None or (Path(root) / d).resolve() != skip))
                for f in sorted(files):
                    why = None if lock_files and is_lock_file(f) else ignored_reason(f)
                    if why:
                        if skipped is not None:
                            skipped.append((scrub(shown(os.path.relpath(Path(root) / f, p))), why))
                        continue
                    full = Path(root) / f
                    out.append((full, os.path.relpath(full, p)))
        elif p.exists() or p.is_symlink():
            out.append((p, p.name))
        else:
            raise FileNotFoundError(f"路径不存在：{p} / no such file or folder")
    return out


def not_to_open(path: Path, explicit: bool) -> str:
    """Why `path` must not be opened, or "": a link found in a folder (never followed out of it), a FIFO,
    a device or a socket (opening one may block forever)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if not explicit:
                return "符号链接，未跟随（请直接放入文件本身）/ symbolic link not followed"
            st = os.stat(path)
    except OSError as exc:
        return f"文件无法读取 / unreadable: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        kind = "命名管道" if stat.S_ISFIFO(st.st_mode) else "设备或套接字" if not stat.S_ISDIR(st.st_mode) else "文件夹"
        return f"不是普通文件（{kind}），已跳过 / not a regular file, skipped"
    return ""

"""Zip archives of scans (how a township often sends a batch): each member is ingested as an input of its
own, named `批次.zip/成员.jpg`, and the zip itself is kept as the source it came in.

Guards against what a zip can hide: members with absolute or `..` paths are never written anywhere (listed
as ignored with the reason, like hidden and system files); each member goes to a flat temporary name. What
zips may unpack is bounded for the whole batch, nested zips included (`Budget`): at most MAX_MEMBERS members
and MAX_BYTES in all, and no more than RATIO times the size of the file that was uploaded (at least FLOOR)
— a 5 MB zip of zips must not become gigabytes on disk.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from archiver.errors import UserError
from archiver.filing import inside, safe_part
from archiver.inputs import ignored_reason

log = logging.getLogger("dibao.ingest")
MAX_MEMBERS = 5000  # per batch or upload, members of nested zips included
MAX_BYTES = 4 * 1024**3  # unpacked, per batch or upload
RATIO = 100  # unpacked bytes per byte of the zip that was uploaded (nested zips count against their top zip)
FLOOR = 64 * 1024**2  # what any zip may unpack to, whatever its ratio: a small zip of a few plain files


class ZipRefused(UserError):
    """The archive cannot be unpacked safely or at all; the reason is for the clerk."""


@dataclass
class Budget:
    """What the zips of one batch may still unpack. A member unpacked from a zip keeps its top zip (`top`),
    so that zips inside zips draw on the allowance of the file that was uploaded."""

    members: int = MAX_MEMBERS
    bytes: int = MAX_BYTES
    top: dict[Path, Path] = field(default_factory=dict)  # unpacked member → the uploaded zip it came from
    allowance: dict[Path, int] = field(default_factory=dict)  # uploaded zip → bytes it may still unpack

    def take(self, path: Path, members: int, size: int) -> Path:
        """Charge one zip's unpacking, or raise ZipRefused with the clerk's reason; its top zip."""
        top = self.top.get(path, path)
        if top not in self.allowance:
            self.allowance[top] = max(FLOOR, RATIO * top.stat().st_size)
        nested = "（含其中嵌套的压缩包）" if top != path else ""
        if members > self.members:
            raise ZipRefused(f"压缩包{nested}内文件过多：本批最多解压{MAX_MEMBERS}个文件，请分批导入 / "
                             f"zip too large: more than {MAX_MEMBERS} files in this batch, nested zips included")
        if size > self.bytes or size > self.allowance[top]:
            raise ZipRefused(f"压缩包{nested}解压后过大（本批上限{MAX_BYTES // 1024**3}GB，且不超过上传文件大小的{RATIO}倍），"
                             "疑似压缩炸弹，请分批或直接放入文件 / zip expands too far (zip bomb?), nested zips included")
        self.members -= members
        self.bytes -= size
        self.allowance[top] -= size
        return top


def unpack(path: Path, name: str, sha256: str, tmp: Path, budget: Budget | None = None,
           ignored: list[tuple[str, str]] | None = None) -> list[tuple[Path, str]]:
    """The regular files inside, extracted under tmp/zip-<sha>/, as (path, name shown to people) pairs.
    Members not unpacked (hidden, system, or with a path out of the zip) go to `ignored` as (name, why)."""
    budget = budget if budget is not None else Budget()
    try:
        with zipfile.ZipFile(path) as z:
            members, skipped = [], []
            for m in z.infolist():
                if m.is_dir():
                    continue
                inner = _member_name(m)
                why = _ignored_member(inner)
                if why:
                    skipped.append((f"{name}/{inner}", why))
                else:
                    members.append((m, inner))
            top = budget.take(path, len(members), sum(m.file_size for m, _ in members))
            folder = tmp / f"zip-{sha256[:16]}"
            folder.mkdir(parents=True, exist_ok=True)
            out = []
            for i, (m, inner) in enumerate(members):
                dest = inside(folder, f"{i:05d}_{safe_part(inner.rsplit('/', 1)[-1], 80)}")
                with z.open(m) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                budget.top[dest] = top
                out.append((dest, f"{name}/{inner}"))
            if ignored is not None:
                ignored += skipped
            return out
    except zipfile.BadZipFile as exc:
        raise ZipRefused(f"压缩包损坏或不完整 / corrupt zip: {exc}") from exc
    except RuntimeError as exc:  # zipfile: "File … is encrypted, password required"
        raise ZipRefused("压缩包有密码保护，无法解压 / password-protected zip") from exc


def _ignored_member(inner: str) -> str | None:
    """Why a zip member is not unpacked, or None. Windows tools write `\\` as the separator."""
    parts = inner.replace("\\", "/").split("/")
    if inner.startswith(("/", "\\")) or (len(parts[0]) == 2 and parts[0][1] == ":") or ".." in parts:
        return "压缩包内文件的路径指向压缩包以外（含“..”或绝对路径），未解压，已忽略 / member path leaves the zip, ignored"
    if "__MACOSX" in parts:
        return "苹果电脑生成的附带文件（__MACOSX），不是数据，已忽略 / macOS resource file, ignored"
    return ignored_reason(parts[-1]) or (None if parts[-1] else "压缩包内文件没有名称，已忽略 / member without a name, ignored")


def _member_name(m: zipfile.ZipInfo) -> str:
    """Names from Chinese Windows zip tools are GBK without the UTF-8 flag; zipfile decodes them as cp437."""
    if m.flag_bits & 0x800:
        return m.filename
    try:
        return m.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return m.filename


def cleanup(tmp: Path, sha256s: list[str]) -> None:
    for sha in sha256s:
        shutil.rmtree(tmp / f"zip-{sha[:16]}", ignore_errors=True)

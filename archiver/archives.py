"""Zip archives of scans (how a township often sends a batch): each member is ingested as an input of its
own, named `批次.zip/成员.jpg`, and the zip itself is kept as the source it came in.

Guards against what a zip can hide: members with absolute or `..` paths are never written where they say
(each goes to a flat temporary name), and more than MAX_MEMBERS members or MAX_BYTES unpacked is refused.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from pathlib import Path

from archiver.filing import inside, safe_part

log = logging.getLogger("dibao.ingest")
MAX_MEMBERS = 5000
MAX_BYTES = 4 * 1024**3


class ZipRefused(Exception):
    """The archive cannot be unpacked safely or at all; the reason is for the clerk."""


def unpack(path: Path, name: str, sha256: str, tmp: Path) -> list[tuple[Path, str]]:
    """The regular files inside, extracted under tmp/zip-<sha>/, as (path, name shown to people) pairs."""
    try:
        with zipfile.ZipFile(path) as z:
            members = [m for m in z.infolist() if not m.is_dir()]
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_BYTES:
                raise ZipRefused(f"压缩包过大（超过{MAX_MEMBERS}个文件或{MAX_BYTES // 1024**3}GB），请分批 / zip too large")
            folder = tmp / f"zip-{sha256[:16]}"
            folder.mkdir(parents=True, exist_ok=True)
            out = []
            for i, m in enumerate(members):
                inner = _member_name(m)
                base = inner.rsplit("/", 1)[-1]
                if base.startswith((".", "~$", "__MACOSX")) or "__MACOSX/" in inner:
                    continue
                dest = inside(folder, f"{i:05d}_{safe_part(base, 80)}")
                with z.open(m) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                out.append((dest, f"{name}/{inner}"))
            return out
    except zipfile.BadZipFile as exc:
        raise ZipRefused(f"压缩包损坏或不完整 / corrupt zip: {exc}") from exc
    except RuntimeError as exc:  # zipfile: "File … is encrypted, password required"
        raise ZipRefused("压缩包有密码保护，无法解压 / password-protected zip") from exc


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

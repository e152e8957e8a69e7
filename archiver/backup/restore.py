"""`dibao restore SRC`: copies into a staging folder beside the target, checking each file against the
manifest, renames it into place, rebuilds the search index unless the copied one agrees with the catalog,
and proves the result: `check` clean, the same counts and digests, and each probe name found again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from archiver.catalog import snapshot
from archiver.filing import fsync_dir
from archiver.home import Home

from .signature import check_signature
from .snapshots import (
    BackupError,
    BackupRefused,
    Say,
    copy_hashing,
    find_snapshot,
    quiet,
    read_manifest,
    refuse_nesting,
)


@dataclass
class RestoreResult:
    snapshot: Path
    home: Path
    files: int = 0
    index: str = ""
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def restore(src: Path, home: Home, say: Say = quiet, user: str = "cli", key_home: Path | None = None,
            accept_unsigned: bool = False) -> RestoreResult:
    """Rebuild `home` (absent or empty) from the snapshot `src` names, and prove it is the same archive. The
    manifest's signature is checked first (check_signature): a changed backup restores nothing."""
    snap = find_snapshot(src.absolute())
    manifest = read_manifest(snap) or {}
    root = home.root
    refuse_nesting(root, snap, "备份")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise BackupRefused(f"恢复目标不是空目录：{root}（请指定新的或空的 --home）/ restore target must be empty or absent")
    from archiver.catalog import LATEST

    if int(manifest.get("schema_version") or 0) > LATEST:
        raise BackupRefused(f"这份备份来自较新的 dibao（数据结构 v{manifest['schema_version']}，本程序 v{LATEST}），"
                            f"请先升级 dibao / the backup is newer than this dibao; upgrade first")
    check_signature(snap, manifest, key_home, accept_unsigned)
    files: dict[str, dict] = manifest.get("files", {})
    result = RestoreResult(snap, root, files=len(files))
    staging = root.parent / f".{root.name}.restoring"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    say(f"从 {snap} 恢复 {len(files)} 个文件 / restoring {len(files)} files")
    for rel, e in files.items():
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise BackupError(f"备份清单中的路径不合法：{rel} / unsafe path in the manifest")
        source = snap / rel
        if not source.exists():
            raise BackupError(f"备份文件缺失：{source} / file missing from the backup")
        size, sha = copy_hashing(source, staging / rel)
        if sha != e["sha256"] or size != e["size"]:
            raise BackupError(f"备份文件已损坏（校验和不符）：{source} / corrupt file in the backup")
    if root.exists():
        root.rmdir()
    staging.rename(root)
    fsync_dir(root.parent, best_effort=True)
    home.create()  # the transient folders a backup leaves out (inbox, tmp, index when absent)
    _prove_restore(home, manifest, result, say, user)
    return result


def _prove_restore(home: Home, manifest: dict, result: RestoreResult, say: Say, user: str) -> None:
    from archiver import check
    from archiver.catalog import Catalog
    from archiver.index import drift, open_index, rebuild, sync

    digest = manifest.get("catalog") or {}
    cat = Catalog(home.catalog_path)  # refuses a catalog newer than this program; migrates an older one
    try:
        try:
            usable = open_index(home).usable() and not [f for f in drift(home, cat) if f.severity == check.ERROR]
        except Exception:  # a copy caught mid-write that opens but cannot be read
            usable = False
        if usable:
            sync(home, cat)  # updates still queued when the snapshot was taken
            result.index = "copied"
        else:
            say("重建检索索引 / rebuilding the search index")
            rebuild(home, cat)
            result.index = "rebuilt"
        findings = check.run(home, cat) + drift(home, cat)
        result.problems += [f"[{f.code}] {f.message} {f.path}".rstrip() for f in findings if f.severity == check.ERROR]
        result.warnings += [f"[{f.code}] {f.message} {f.path}".rstrip() for f in findings if f.severity != check.ERROR]
        now = snapshot.content_digest(home.catalog_path)
        if digest and manifest.get("schema_version") == cat.schema_version():
            for k in ("households_sha256", "documents_sha256"):
                if now[k] != digest.get(k):
                    result.problems.append(f"恢复后的{'户' if k.startswith('h') else '档案'}与备份时不同 / {k} differs")
        if digest:
            counts, was = now["counts"], digest.get("counts", {})
            assert isinstance(counts, dict)
            for k, v in was.items():
                if counts.get(k) != v:
                    result.problems.append(f"恢复后 {k} 数量 {counts.get(k)} ≠ 备份时 {v} / count differs")
        idx = open_index(home)
        for probe in manifest.get("probes", []):
            found = [h.household.id for h in idx.search(cat, str(probe["query"]), limit=20).results]
            if probe["household"] not in found:
                result.problems.append(f"检索“{probe['query']}”找不到原来的户 / search probe lost its household")
        with cat.transaction():
            cat.audit(user, "restore", str(result.snapshot), f"{result.files} files, index {result.index}")
    finally:
        cat.close()

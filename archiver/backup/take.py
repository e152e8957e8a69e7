"""`dibao backup DEST`: taking a snapshot while serve/watch run.

Order matters for consistency while files are being filed: walk and copy the files first, then snapshot
the catalog, then copy whatever that snapshot references and the walk had not seen yet (filed in between).
A document moved between the two (a correction) is caught by verifying every reference against the copy,
and the round is repeated with a fresh snapshot.

A snapshot is built as `NAME.partial/` and renamed only after its manifest (every file's size and sha256,
the catalog's counts and digests, search probes) is written and everything copied has been read back and
checked: a run killed at any moment leaves only a `.partial` folder, which restore refuses and the next
backup removes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archiver.catalog import snapshot
from archiver.filing import fsync_dir
from archiver.home import Home

from .signature import sign_manifest
from .snapshots import (
    CATALOG,
    FORMAT,
    MANIFEST,
    PARTIAL,
    PREFIX,
    BackupError,
    BackupRefused,
    Clock,
    Entry,
    Say,
    copy_hashing,
    is_db,
    quiet,
    read_manifest,
    refuse_nesting,
    rotate,
    sha256,
    snapshots,
    utc_now,
    version,
    walk,
)

ROUNDS = 5


@dataclass
class BackupResult:
    path: Path
    files: int = 0
    copied: int = 0
    linked: int = 0
    bytes_copied: int = 0
    rounds: int = 0
    removed: list[str] = field(default_factory=list)
    source_problems: list[str] = field(default_factory=list)


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    with (dest / ".lock").open("w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BackupRefused(f"另一个备份正在写入 {dest} / another backup is running into this folder") from exc
        except OSError:  # a share without locks: go on; the timer never starts two backups at once
            pass
        yield


def backup(home: Home, dest: Path, keep: int | None = None, verify_all: bool = False,
           say: Say = quiet, keep_monthly: int = 0, clock: Clock = utc_now) -> BackupResult:
    """A new verified snapshot of `home` in `dest`; `keep` rotates away all but the newest `keep` snapshots
    (and, with `keep_monthly`, the first of each of that many months). `clock` (UTC) names the snapshot and
    dates its manifest: a test takes snapshots days apart without waiting for the second to turn."""
    home.require()
    dest = dest.absolute()
    refuse_nesting(home.root, dest, "备份目录")
    if keep is not None and keep < 1:
        raise BackupRefused("--keep 至少为 1 / --keep must be at least 1")
    dest.mkdir(parents=True, exist_ok=True)
    from archiver import codekeys

    codekeys.load(home.root)  # the key that signs the manifest exists before the walk, so the copy carries it
    with _locked(dest):
        for stale in dest.glob(PREFIX + "*" + PARTIAL):
            say(f"删除中断的备份 {stale.name} / removing an interrupted backup")
            shutil.rmtree(stale)
        prev = snapshots(dest)
        before = prev[-1] if prev else None
        before_files = {k: Entry(int(v["size"]), str(v["sha256"]), int(v["mtime_ns"]))
                        for k, v in (read_manifest(before) or {}).get("files", {}).items()} if before else {}
        name = PREFIX + clock().strftime("%Y%m%dT%H%M%SZ")
        n = 1
        while (dest / name).exists() or (dest / (name + PARTIAL)).exists():
            n += 1
            name = f"{name.split('.')[0]}.{n}"
        work = dest / (name + PARTIAL)
        work.mkdir()
        result = BackupResult(dest / name)
        entries, fresh = _fill(home, work, before, before_files, result, say)
        manifest = _prove(home, work, entries, fresh, verify_all, result, before, clock)
        manifest["signature"] = sign_manifest(home.root, manifest)
        tmp = work / (MANIFEST + ".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        tmp.rename(work / MANIFEST)
        fsync_dir(work, best_effort=True)
        work.rename(result.path)  # the one step that makes it complete
        fsync_dir(dest, best_effort=True)
        if keep:
            for old in rotate(snapshots(dest), keep, keep_monthly):
                shutil.rmtree(old)
                result.removed.append(old.name)
        return result


def _fill(home: Home, work: Path, before: Path | None, before_files: dict[str, Entry], result: BackupResult,
          say: Say) -> tuple[dict[str, Entry], set[str]]:
    entries: dict[str, Entry] = {}
    fresh: set[str] = set()

    def take(rel: str, src: Path, st: os.stat_result) -> None:
        have = entries.get(rel)
        if have and have.size == st.st_size and have.mtime_ns == st.st_mtime_ns:
            return
        target = work / rel
        old = before_files.get(rel)
        if before and old and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            try:
                os.link(before / rel, target)
                entries[rel] = old
                fresh.discard(rel)
                result.linked += 1
                return
            except OSError:  # another file system, or the old copy is gone: copy instead
                pass
        size, sha = copy_hashing(src, target)
        entries[rel] = Entry(size, sha, st.st_mtime_ns)
        fresh.add(rel)
        result.copied += 1
        result.bytes_copied += size

    last: set[str] | None = None
    for rnd in range(1, ROUNDS + 1):
        result.rounds = rnd
        seen: set[str] = set()
        dbs: list[str] = []
        for rel, src, st in walk(home.root):
            seen.add(rel)
            if is_db(rel) and snapshot.is_sqlite(src):
                dbs.append(rel)
            else:
                try:
                    take(rel, src, st)
                except FileNotFoundError:
                    seen.discard(rel)
        for rel in [r for r in entries if r not in seen]:  # gone from the home since an earlier round
            (work / rel).unlink(missing_ok=True)
            entries.pop(rel)
            fresh.discard(rel)
        for rel in dbs:  # after the files: every file the catalog snapshot names was written before it
            snapshot.copy_database(home.root / rel, work / rel)
        trouble: list[str] = []
        if (work / CATALOG).exists():
            for rel, sha in snapshot.referenced_files(work / CATALOG):
                if rel not in entries:
                    src = home.root / rel
                    try:
                        take(rel, src, src.stat())
                    except FileNotFoundError:
                        trouble.append(f"目录登记的文件不存在：{rel} / referenced file missing")
                        continue
                if sha and entries[rel].sha256 != sha:
                    trouble.append(f"文件内容与目录记录的校验和不符：{rel} / checksum differs from the catalog")
        for rel in dbs:
            p = work / rel
            entries[rel] = Entry(p.stat().st_size, sha256(p), (home.root / rel).stat().st_mtime_ns)
            fresh.add(rel)
        if not trouble or set(trouble) == last:
            result.source_problems = trouble
            return entries, fresh
        say(f"第 {rnd} 轮：{len(trouble)} 个文件在备份期间被移动，重新核对 / files moved during backup, another round")
        last = set(trouble)
    result.source_problems = sorted(last or [])
    return entries, fresh


def _prove(home: Home, work: Path, entries: dict[str, Entry], fresh: set[str], verify_all: bool,
           result: BackupResult, before: Path | None, clock: Clock) -> dict:
    """Read back what was written and build the manifest; any doubt raises and the snapshot stays .partial."""
    from archiver.catalog import LATEST

    bad = []
    for rel, e in entries.items():
        p = work / rel
        try:
            st = p.stat()
        except FileNotFoundError:
            bad.append(f"备份中缺少 {rel} / missing in the backup")
            continue
        if st.st_size != e.size:
            bad.append(f"备份文件大小不符 {rel} / size differs")
        elif (rel in fresh or verify_all) and sha256(p) != e.sha256:
            bad.append(f"备份文件读回校验失败 {rel} / read-back checksum differs")
    on_disk = {rel for rel, _, _ in walk(work)}
    stray = on_disk - set(entries) - {MANIFEST}
    bad += [f"备份中多出未登记的文件 {rel} / unlisted file in the backup" for rel in sorted(stray)]
    catalog: dict[str, object] = {}
    probes: list[dict[str, object]] = []
    schema = 0
    if (work / CATALOG).exists():
        verdict = snapshot.integrity(work / CATALOG)
        if verdict != "ok":
            bad.append(f"目录数据库副本完整性检查失败：{verdict} / catalog copy fails integrity_check")
        schema = snapshot.schema_version(work / CATALOG)
        catalog = snapshot.content_digest(work / CATALOG)
        probes = [{"query": q, "household": hid} for q, hid in snapshot.probe_names(work / CATALOG)]
    else:
        bad.append("档案库中没有目录数据库 catalog.sqlite / the home has no catalog")
    if bad:
        raise BackupError("备份校验失败，未标记为完成 / backup failed verification:\n  " + "\n  ".join(bad[:50]))
    result.files = len(entries)
    return {
        "format": FORMAT, "complete": True, "dibao_version": version(), "schema_version": schema,
        "code_schema_version": LATEST, "created_at": clock().isoformat(timespec="seconds"),
        "home": str(home.root), "previous": before.name if before else None, "rounds": result.rounds,
        "copied": result.copied, "linked": result.linked, "bytes_copied": result.bytes_copied,
        "source_problems": result.source_problems, "catalog": catalog, "probes": probes,
        "files": {rel: entries[rel].as_json() for rel in sorted(entries)},
    }

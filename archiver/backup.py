"""`dibao backup DEST` and `dibao restore SRC`: a home that survives a dead disk, taken while serve/watch run.

DEST holds dated snapshots, `DEST/dibao-YYYYmmddTHHMMSSZ/`, each a whole home: every file of the home (found
generically, so what later features add is backed up too) except what is transient or rebuilt — `tmp/`,
`inbox/` (not yet filed), `backups/` (pre-upgrade copies), temp files, SQLite's -wal/-shm — with every
SQLite database taken by the online backup API. A file unchanged since the previous snapshot (same path,
size and mtime) is hard-linked from it, not copied: incremental runs copy only what is new, yet every
snapshot is complete on its own and rotation may delete any of them.

Order matters for consistency while files are being filed: walk and copy the files first, then snapshot
the catalog, then copy whatever that snapshot references and the walk had not seen yet (filed in between).
A document moved between the two (a correction) is caught by verifying every reference against the copy,
and the round is repeated with a fresh snapshot.

A snapshot is built as `NAME.partial/` and renamed only after its manifest (every file's size and sha256,
the catalog's counts and digests, search probes) is written and everything copied has been read back and
checked: a run killed at any moment leaves only a `.partial` folder, which restore refuses and the next
backup removes. Restore copies into a staging folder beside the target, checking each file against the
manifest, renames it into place, rebuilds the search index unless the copied one agrees with the catalog,
and proves the result: `check` clean, the same counts and digests, and each probe name found again.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archiver.catalog import snapshot
from archiver.errors import UserError
from archiver.filing import fsync_dir
from archiver.home import Home

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "dibao-"
PARTIAL = ".partial"
CATALOG = "catalog.sqlite"
SKIP_TOP = {"tmp", "inbox", "backups"}
DB_SUFFIXES = (".sqlite", ".sqlite3", ".db")
DB_SIDES = ("-wal", "-shm", "-journal")
ROUNDS = 5

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


@dataclass
class RestoreResult:
    snapshot: Path
    home: Path
    files: int = 0
    index: str = ""
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _quiet(_: str) -> None:
    pass


# ---------------------------------------------------------------------- helpers
def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("dibao")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _copy_hashing(src: Path, dst: Path) -> tuple[int, str]:
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


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _is_db(name: str) -> bool:
    return name.endswith(DB_SUFFIXES)


def _is_db_side(name: str) -> bool:
    return any(name.endswith(s) and _is_db(name[: -len(s)]) for s in DB_SIDES)


def _walk(root: Path) -> Iterator[tuple[str, Path, os.stat_result]]:
    """Every regular file of the home worth keeping, as (posix path relative to the home, path, stat)."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in SKIP_TOP]
        elif rel_dir == "index":  # a rebuild in progress, or the old index it is about to drop
            dirnames[:] = [d for d in dirnames if ".new-" not in d and ".old-" not in d]
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".tmp") or _is_db_side(name):
                continue
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except FileNotFoundError:  # moved or removed while we walked
                continue
            if stat.S_ISREG(st.st_mode):
                yield Path(os.path.relpath(p, root)).as_posix(), p, st


def _refuse_nesting(home: Path, other: Path, what: str) -> None:
    h, o = home.resolve(), other.resolve()
    if o == h or h in o.parents or o in h.parents:
        raise BackupRefused(f"{what}不能在档案库目录之内，也不能包含它：{other} / {what} must lie outside the home")


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


# ---------------------------------------------------------------------- backup
def rotate(found: list[Path], keep: int, keep_monthly: int = 0) -> list[Path]:
    """Which snapshots (oldest first in `found`) to delete: all but the newest `keep`, and besides them the
    first snapshot of each of the newest `keep_monthly` months (a year of month-ends for an audit)."""
    kept = set(found[-keep:])
    firsts: dict[str, Path] = {}
    for p in found:  # names sort by time: dibao-YYYYmmddT…
        firsts.setdefault(p.name[len(PREFIX):len(PREFIX) + 6], p)
    kept |= set(sorted(firsts.values())[-keep_monthly:]) if keep_monthly else set()
    return [p for p in found if p not in kept]


def backup(home: Home, dest: Path, keep: int | None = None, verify_all: bool = False,
           say: Say = _quiet, keep_monthly: int = 0, clock: Clock = utc_now) -> BackupResult:
    """A new verified snapshot of `home` in `dest`; `keep` rotates away all but the newest `keep` snapshots
    (and, with `keep_monthly`, the first of each of that many months). `clock` (UTC) names the snapshot and
    dates its manifest: a test takes snapshots days apart without waiting for the second to turn."""
    home.require()
    dest = dest.absolute()
    _refuse_nesting(home.root, dest, "备份目录")
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
        size, sha = _copy_hashing(src, target)
        entries[rel] = Entry(size, sha, st.st_mtime_ns)
        fresh.add(rel)
        result.copied += 1
        result.bytes_copied += size

    last: set[str] | None = None
    for rnd in range(1, ROUNDS + 1):
        result.rounds = rnd
        seen: set[str] = set()
        dbs: list[str] = []
        for rel, src, st in _walk(home.root):
            seen.add(rel)
            if _is_db(rel) and snapshot.is_sqlite(src):
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
            entries[rel] = Entry(p.stat().st_size, _sha256(p), (home.root / rel).stat().st_mtime_ns)
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
        elif (rel in fresh or verify_all) and _sha256(p) != e.sha256:
            bad.append(f"备份文件读回校验失败 {rel} / read-back checksum differs")
    on_disk = {rel for rel, _, _ in _walk(work)}
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


# ---------------------------------------------------------------------- signature
def _signed_bytes(manifest: dict) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_manifest(root: Path, manifest: dict) -> dict[str, str]:
    """An HMAC of the whole manifest (every file's checksum, the catalog's digests) with the home's key
    (archiver/codekeys.py): a backup whose catalog and manifest were changed together no longer verifies."""
    from archiver import codekeys

    keys = codekeys.load(root)
    assert keys is not None
    return {"key": keys.current_id, "hmac": keys.sign_bytes(_signed_bytes(manifest))}


def check_signature(snap: Path, manifest: dict, key_home: Path | None, accept_unsigned: bool) -> None:
    """Refuse a snapshot whose manifest is not signed by the home's key: the key of `key_home` when given (a
    copy of the home's keys/ kept apart from the backups), else the key the snapshot carries."""
    from archiver import codekeys

    sig = manifest.get("signature")
    if not isinstance(sig, dict) or not sig.get("hmac"):
        if accept_unsigned:
            return
        raise BackupRefused(f"备份没有签名（旧版本所做或已被改动）：{snap}；确认来源可靠后可加 --accept-unsigned 恢复 / "
                            "the backup is not signed")
    try:
        keys = codekeys.load(key_home if key_home is not None else snap, create=False)
    except codekeys.KeyProblem as exc:
        raise BackupRefused(f"无法读取验证备份用的密钥：{exc} / cannot read the key") from exc
    if keys is None or not keys.verifies_bytes(_signed_bytes(manifest), str(sig["hmac"])):
        raise BackupRefused(f"备份签名不符：备份在写成之后被改动过（或不是用本档案库的密钥签名），拒绝恢复：{snap} / "
                            "the backup's signature does not match: it was changed after it was written")


# ---------------------------------------------------------------------- restore
def restore(src: Path, home: Home, say: Say = _quiet, user: str = "cli", key_home: Path | None = None,
            accept_unsigned: bool = False) -> RestoreResult:
    """Rebuild `home` (absent or empty) from the snapshot `src` names, and prove it is the same archive. The
    manifest's signature is checked first (check_signature): a changed backup restores nothing."""
    snap = find_snapshot(src.absolute())
    manifest = read_manifest(snap) or {}
    root = home.root
    _refuse_nesting(root, snap, "备份")
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
        size, sha = _copy_hashing(source, staging / rel)
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
    cat = Catalog.of(home)  # refuses a catalog newer than this program; migrates an older one
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

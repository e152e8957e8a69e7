"""`dibao check`: prove that catalog, files on disk and search index agree.

Findings are collected, never raised on the first: a clerk gets the whole list at once. Errors mean
something is wrong or lost; warnings are leftovers that lose nothing (e.g. a copy written by an
ingest that was killed before its commit) and `--repair` clears them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.catalog import Catalog
from archiver.filing import sha256_of
from archiver.home import Home

ERROR, WARNING = "error", "warning"


@dataclass
class Finding:
    severity: str
    code: str
    message: str
    path: str = ""


def run(home: Home, catalog: Catalog, verify_checksums: bool = True) -> list[Finding]:
    out: list[Finding] = _policy(home)
    for problem in catalog.integrity_problems():
        out.append(Finding(ERROR, "database", problem))
    referenced: set[Path] = set()
    for f in catalog.files():
        if f["stored_path"]:
            p = home.root / f["stored_path"]
            referenced.add(p.resolve())
            out += _check_file(p, f["sha256"], verify_checksums, f"输入文件 {f['source_name']}")
    for d in catalog.documents_rows():
        p = home.root / d["path"]
        referenced.add(p.resolve())
        out += _check_file(p, d["sha256"], verify_checksums, f"档案文件 {d['source_name']}")
    for q in catalog.quarantine_items(include_resolved=True):
        if q["path"]:
            p = home.root / q["path"]
            referenced.add(p.resolve())
            if not p.exists():
                out.append(Finding(ERROR, "missing_file", f"隔离文件丢失：{q['source_name']} / quarantined file missing", str(p)))
    for folder in (home.files, home.quarantine):
        if not folder.exists():
            continue
        for p in folder.rglob("*"):
            if p.is_file() and p.resolve() not in referenced:
                code = "temp_file" if p.name.endswith(".tmp") else "orphan_file"
                out.append(Finding(WARNING, code, "未登记的文件（可能是中断的导入留下的，可用 --repair 清理）/ unreferenced file",
                                   home.relative(p)))
    return out


def _check_file(p: Path, sha: str | None, verify: bool, what: str) -> list[Finding]:
    if not p.exists():
        return [Finding(ERROR, "missing_file", f"{what} 在磁盘上缺失 / file missing on disk", str(p))]
    if verify and sha and sha256_of(p) != sha:
        return [Finding(ERROR, "checksum", f"{what} 校验和不符（文件被改动或损坏）/ checksum mismatch", str(p))]
    return []


def _policy(home: Home) -> list[Finding]:
    """policy.toml as every command reads it: a wrong value is an error here too, named by table, key and line;
    a deprecated key (read as its successor) is a warning."""
    from archiver.policy import PolicyError, load

    try:
        policy = load(home.root)
    except PolicyError as exc:
        return [Finding(ERROR, "policy_invalid", str(exc), "policy.toml")]
    return [Finding(WARNING, "policy_deprecated", note, "policy.toml") for note in policy.notes]


def repair(home: Home, findings: list[Finding]) -> list[str]:
    """Remove leftovers that nothing references; what is missing cannot be conjured and stays reported."""
    done = []
    for f in findings:
        if f.code in ("orphan_file", "temp_file"):
            p = home.root / f.path
            if p.exists():
                p.unlink()
                done.append(f"已删除未登记文件 {f.path} / removed unreferenced file")
    return done

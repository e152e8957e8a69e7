"""`dibao backup` and `dibao restore` (docs/deploy.md): a refused request exits 2, a backup that fails its
verification 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError
from .context import Subcommands, cli_user, command, print_json, setup_logging


def build(sub: Subcommands) -> None:
    sp = command(sub, "backup", cmd_backup, "备份整个档案库（运行中也可备份，增量，带校验清单）/ back up the whole home, safely while serve/watch run")
    sp.add_argument("dest", help="备份目录，每次在其中新建一个带日期的完整备份 / folder that receives dated snapshots")
    sp.add_argument("--keep", type=int, help="只保留最新的 N 份备份（轮换）/ keep only the newest N snapshots")
    sp.add_argument("--keep-monthly", type=int, default=0,
                    help="另外保留最近 M 个月每月的第一份（需同时给 --keep）/ also keep the first snapshot of each of M months")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp.add_argument("--verify-all", action="store_true",
                    help="读回校验所有文件，而不只是本次新复制的 / re-read every file, not only the newly copied ones")
    sp.add_argument("--quiet", action="store_true", help="只输出结果 / only the result")
    sp = command(sub, "restore", cmd_restore, "从备份恢复到 --home 指定的新目录（须为空或不存在）并校验 / restore a backup into an empty --home")
    sp.add_argument("src", help="备份目录（取其中最新的完整备份）或某一份备份 / backup folder (newest snapshot) or one snapshot")
    sp.add_argument("--key-home", help="用另存的密钥验证备份签名：含 keys/codes.json 的目录（默认用备份中的密钥）/ "
                                       "verify the signature with the keys/ kept in this folder")
    sp.add_argument("--accept-unsigned", action="store_true",
                    help="接受没有签名的备份（旧版本所做，确认来源可靠时）/ accept a backup made before backups were signed")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp.add_argument("--quiet", action="store_true", help="只输出结果 / only the result")


def _say(quiet: bool):  # type: ignore[no-untyped-def]
    return (lambda _: None) if quiet else (lambda text: print(text, flush=True))


def cmd_backup(args: argparse.Namespace) -> int:
    from archiver.backup.snapshots import BackupError
    from archiver.backup.take import backup
    from archiver.home import resolve

    home = resolve(args.home)
    home.require()
    setup_logging(home)
    try:
        if args.keep_monthly and not args.keep:
            raise UsageError("--keep-monthly 需与 --keep 一起使用 / --keep-monthly needs --keep")
        r = backup(home, Path(args.dest), keep=args.keep, verify_all=args.verify_all,
                   say=_say(args.quiet or args.json), keep_monthly=args.keep_monthly)
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        print_json({"backup": str(r.path), "verified": True, "files": r.files, "copied": r.copied,
                     "linked": r.linked, "bytes_copied": r.bytes_copied, "rotated": r.removed,
                     "source_problems": r.source_problems})
        return 1 if r.source_problems else 0
    mb = r.bytes_copied / 1e6
    print(f"备份完成并已校验：{r.path}（{r.files} 个文件，新复制 {r.copied} 个 {mb:.1f} MB，沿用上次 {r.linked} 个）"
          f" / backup verified: {r.files} files, {r.copied} copied, {r.linked} unchanged")
    for name in r.removed:
        print(f"  已轮换删除旧备份 {name} / rotated away")
    if r.source_problems:
        print("档案库本身有问题（已如实备份；请运行 dibao check）/ the home itself has problems:", file=sys.stderr)
        for line in r.source_problems[:50]:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from archiver.backup.restore import restore
    from archiver.backup.snapshots import BackupError
    from archiver.home import resolve

    home = resolve(args.home)
    try:
        r = restore(Path(args.src), home, say=_say(args.quiet or args.json), user=cli_user(),
                    key_home=Path(args.key_home) if args.key_home else None, accept_unsigned=args.accept_unsigned)
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        print_json({"snapshot": str(r.snapshot), "home": str(r.home), "files": r.files, "index": r.index,
                     "verified": not r.problems, "problems": r.problems, "warnings": r.warnings})
        return 1 if r.problems else 0
    index = "沿用备份中的索引" if r.index == "copied" else "已重建"
    for w in r.warnings:
        print(f"提示 {w}")
    for p in r.problems:
        print(f"错误 {p}", file=sys.stderr)
    if r.problems:
        print(f"恢复后校验未通过：{len(r.problems)} 个问题 / restore verification failed", file=sys.stderr)
        return 1
    print(f"已从 {r.snapshot} 恢复到 {r.home}：{r.files} 个文件，检索索引{index}，检查通过 / restored and verified")
    return 0

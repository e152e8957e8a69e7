"""`dibao keys rotate`: a new key for the codes dibao prints and the backups it signs (archiver/codekeys.py)."""

from __future__ import annotations

import argparse
from typing import Any


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    from . import commands

    kp = add("keys", lambda a: commands._missing_sub("keys"), "签名密钥：二维码与备份的防伪签名 / the home's signing key")
    ksub = kp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("rotate", cmd_keys_rotate, "换用新密钥：此后打印的封面、表单和备份用新密钥签名 / start signing with a new key",
             ksub)
    sp.add_argument("--revoke", action="store_true",
                    help="同时作废旧密钥（密钥泄露时用）：旧密钥打印的封面和表单不再据二维码归档，须重新打印 / "
                         "also stop accepting codes signed with the earlier keys")


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    from archiver import codekeys
    from archiver.home import resolve

    from . import _setup_logging, _user

    home = resolve(args.home)
    home.require()
    _setup_logging(home)
    new_id, revoked = codekeys.rotate(home.root, revoke=args.revoke)
    from archiver.catalog import Catalog

    cat = Catalog(home.catalog_path)
    try:
        with cat.transaction():
            cat.audit(_user(), "keys.rotate", new_id, f"revoked={revoked}")
    finally:
        cat.close()
    if revoked:
        print(f"已换用新密钥 {new_id}，旧密钥 {revoked} 个已作废：此前打印的封面和表单须重新打印 / new key; earlier keys revoked")
    else:
        print(f"已换用新密钥 {new_id}；此前打印的封面和表单仍可识别 / new key; earlier codes still verify")
    return 0

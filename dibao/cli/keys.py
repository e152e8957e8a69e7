"""`dibao keys rotate`: a new key for the codes dibao prints and the backups it signs (archiver/codekeys.py)."""

from __future__ import annotations

import argparse

from .context import Subcommands, cli_user, command, group, setup_logging


def build(sub: Subcommands) -> None:
    ksub = group(sub, "keys", "签名密钥：二维码与备份的防伪签名 / the home's signing key")
    sp = command(ksub, "rotate", cmd_keys_rotate, "换用新密钥：此后打印的封面、表单和备份用新密钥签名 / start signing with a new key")
    sp.add_argument("--revoke", action="store_true",
                    help="同时作废旧密钥（密钥泄露时用）：旧密钥打印的封面和表单不再据二维码归档，须重新打印 / "
                         "also stop accepting codes signed with the earlier keys")


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    from archiver import codekeys
    from archiver.home import resolve

    home = resolve(args.home)
    home.require()
    setup_logging(home)
    new_id, revoked = codekeys.rotate(home.root, revoke=args.revoke)
    from archiver.catalog import Catalog

    cat = Catalog.of(home)
    try:
        with cat.transaction():
            cat.audit(cli_user(), "keys.rotate", new_id, f"revoked={revoked}")
    finally:
        cat.close()
    if revoked:
        print(f"已换用新密钥 {new_id}，旧密钥 {revoked} 个已作废：此前打印的封面和表单须重新打印 / new key; earlier keys revoked")
    else:
        print(f"已换用新密钥 {new_id}；此前打印的封面和表单仍可识别 / new key; earlier codes still verify")
    return 0

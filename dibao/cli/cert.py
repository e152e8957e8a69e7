"""`dibao cert`: the office's internal certificate authority for HTTPS on the LAN (dibao/tls.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from .context import Subcommands, command, group


def build(sub: Subcommands) -> None:
    csub = group(sub, "cert", "局域网HTTPS证书：内部证书颁发机构 / HTTPS certificates for the LAN")
    sp = command(csub, "ca", cmd_cert_ca, "创建本单位的内部根证书（只做一次；ca.crt 装到各电脑）/ create the internal CA once")
    sp.add_argument("dir", help="存放 ca.crt 与 ca.key 的目录（如 /etc/dibao/ca）/ folder for ca.crt and ca.key")
    sp.add_argument("--org", default="某某县民政局", help="单位名称 / organisation name")
    sp.add_argument("--permit", action="append", default=[],
                    help="只允许为这些域名/IP/网段签发（可多次，如 lan、192.168.1.0/24）/ names the CA may sign for")
    sp = command(csub, "issue", cmd_cert_issue, "为服务器签发HTTPS证书（到期前重新运行即可）/ issue the server certificate")
    sp.add_argument("--ca", required=True, help="内部根证书目录 / CA folder")
    sp.add_argument("--name", action="append", required=True,
                    help="服务器的主机名或IP地址（可多次，如 dibao.lan、192.168.1.10）/ server host name or address")
    sp.add_argument("-o", "--output", required=True, help="输出目录：server.crt、server.key / output folder")
    sp.add_argument("--days", type=int, default=825, help="有效天数（默认825）/ validity in days")


def cmd_cert_ca(args: argparse.Namespace) -> int:
    from .. import tls

    crt = tls.make_ca(Path(args.dir), args.org, args.permit)
    scope = "、".join(args.permit) if args.permit else "不限（建议用 --permit 限定）"
    print(f"已创建内部根证书：{crt}（可签发范围：{scope}）。请把 ca.crt 安装到各工作人员电脑的“受信任的根证书颁发机构”"
          f"（docs/deploy.md）；ca.key 须妥善保管 / internal CA created")
    return 0


def cmd_cert_issue(args: argparse.Namespace) -> int:
    from .. import tls

    if not (Path(args.ca) / "ca.key").exists():
        raise UsageError(f"找不到内部根证书：{args.ca}（先运行 dibao cert ca）/ no CA there; run `dibao cert ca` first")
    if args.days < 1 or args.days > 825:
        raise UsageError("有效天数应在 1 到 825 之间 / --days must be 1..825")
    out = tls.issue(Path(args.ca), args.name, Path(args.output), args.days)
    print(f"已签发服务器证书：{out.cert}（{', '.join(args.name)}，有效期至 {out.not_after:%Y-%m-%d}）；"
          f"dibao serve --certfile {out.cert} --keyfile {out.key} / server certificate issued")
    return 0

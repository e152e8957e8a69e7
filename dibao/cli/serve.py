"""`dibao serve`: the web interface (dibao/web), HTTPS required beyond this computer, optionally watching the
inbox in the same process."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import UsageError
from . import ocr_options
from .context import Subcommands, command, open_home


def build(sub: Subcommands) -> None:
    sp = command(sub, "serve", cmd_serve, "启动网页界面（需登录，按属地管理）/ start the web interface")
    sp.add_argument("--host", default="127.0.0.1", help="监听地址 / address to listen on")
    sp.add_argument("--port", type=int, default=8000, help="端口 / port")
    sp.add_argument("--no-watch", action="store_true", help="不在本服务中自动归档收件箱（另行运行 dibao watch 时）/ do not watch the inbox")
    sp.add_argument("--certfile", help="HTTPS证书（局域网访问时必须，登录Cookie仅经HTTPS发送）/ TLS certificate")
    sp.add_argument("--keyfile", help="HTTPS私钥 / TLS private key")
    ocr_options.add_arguments(sp)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..web.app import create_app

    home, cat = open_home(args)
    if bool(args.certfile) != bool(args.keyfile):
        raise UsageError("--certfile 与 --keyfile 须同时给出 / give both --certfile and --keyfile")
    local = args.host in ("127.0.0.1", "localhost", "::1")
    if not local and not args.certfile:
        raise UsageError("在局域网上提供服务须使用HTTPS（--certfile/--keyfile）：个人信息不得明文传输 / "
                         "serving beyond this computer needs TLS")
    ocr = ocr_options.config(args, home)  # a broker that does not answer stops here, before serving
    scheme = "https" if args.certfile else "http"
    print(f"网页界面：{scheme}://{args.host}:{args.port}/（Ctrl-C 结束）/ serving", flush=True)
    sys.stderr = _Scrubbed(sys.stderr)  # tracebacks and server logs of months of unattended running: no full IDs
    uvicorn.run(create_app(home, watch=not args.no_watch, tls=bool(args.certfile), ocr=ocr),
                host=args.host, port=args.port, log_level="warning",
                ssl_certfile=args.certfile, ssl_keyfile=args.keyfile)
    return 0


class _Scrubbed:
    """A text stream that masks ID numbers and accounts in everything written to it (see privacy.scrub)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from archiver.privacy import scrub

        return int(self._stream.write(scrub(text)) or 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

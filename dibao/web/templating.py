"""The page templates (Jinja2, autoescaped) and the one helper that renders them for a user."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from archiver import placeholders, settings
from archiver.policy import PolicyError
from archiver.privacy import mask_id, scrub

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["mask_id"] = mask_id
TEMPLATES.env.filters["scrub"] = scrub  # free text from files and sheets may hold an ID number


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def page(request: Request, name: str, user: dict | None, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """`watch` (the inbox watcher's state, when serve runs one) goes to every logged-in page, so that a
    stopped or held-up watcher is seen at once rather than discovered weeks later."""
    supervisor = getattr(request.app.state, "watcher", None) if user else None
    watch = supervisor.state() if supervisor is not None else None
    unset = _unset(request) if user else []
    return TEMPLATES.TemplateResponse(request, name, {"user": user, "watch": watch, "unset": unset, **ctx},
                                      status_code=status_code)


def _unset(request: Request) -> list[placeholders.Placeholder]:
    """The settings still at their defaults: a banner on every page until the office sets them."""
    try:
        return placeholders.unset(settings.current(request.app.state.home))
    except (PolicyError, ValueError):
        return []


def localtime(value: str | None) -> str:
    """A stored timestamp (local time, ISO) as staff write it: 2025-06-03 14:05, never with a `T`."""
    if not value:
        return ""
    return str(value).replace("T", " ")[:16]


def prose_date(value: str | None) -> str:
    """A date as a sentence says it: 2025年5月6日."""
    if not value:
        return ""
    text = str(value)
    try:
        y, m, d = int(text[:4]), int(text[5:7]), int(text[8:10])
    except ValueError:
        return text
    return f"{y}年{m}月{d}日"


def prose_time(value: str | None) -> str:
    """A stored timestamp as a sentence says it: 2026年12月7日 09:25."""
    if not value:
        return ""
    text = localtime(value)
    return f"{prose_date(text[:10])} {text[11:16]}".strip()


def hide_phone(value: str, what: str) -> str:
    """Phone numbers in the change history stay masked on pages (the CLI history keeps them for the record)."""
    from archiver.privacy import mask_phone

    return mask_phone(value) if "电话" in (what or "") else value


# audit actions as staff read them (the log itself keeps the stable English codes)
ACTIONS = {
    "login": "登录", "login.failed": "登录失败", "login.disabled": "登录被拒（账户已停用）", "login.locked": "登录被锁定", "logout": "退出", "denied": "拒绝访问", "not_found": "查找的户不存在",
    "household.view": "查看户档案", "households.browse": "浏览户列表", "member.reveal": "查看完整身份证号",
    "bank.reveal": "查看完整银行账号", "search": "检索", "document.view": "查看材料", "document.download": "下载材料",
    "document.page": "查看材料页面", "document.thumb": "查看缩略图", "document.set": "更正材料",
    "document.trash": "移入回收站", "document.restore": "从回收站恢复", "trash.view": "查看回收站",
    "household.set": "更正户信息", "member.set": "更正成员保障状态", "quarantine.view": "查看隔离件",
    "quarantine.page": "查看隔离件页面", "quarantine.assign": "隔离件归档", "quarantine.reject": "不予归档",
    "upload": "上传文件", "user.add": "新增用户", "user.password": "重置密码", "user.disable": "停用用户",
    "user.enable": "启用用户", "user.set": "修改用户角色或辖区", "users.view": "查看用户列表",
    "password.change": "修改本人密码", "password.failed": "修改密码失败", "audit.view": "查看审计日志",
    "api.households": "读取户列表", "export.coversheet": "生成扫描封面", "export.dossier": "生成一户一档",
    "export.summary": "生成工作总结", "export.notice": "生成公示", "export.inspection": "生成检查通报",
    "export.reviews": "生成复核计划", "job.start": "开始后台任务", "export.dossiers": "生成整村一户一档",
    "export.coversheets": "生成整村扫描封面", "household.add": "登记申请户", "case.record": "登记办理步骤",
}


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


def operator(user: str | None) -> str:
    """Who made a change, as staff read it: a web user by name; the command line (`cli:login`) said so."""
    name = str(user or "")
    if name == "cli" or name.startswith("cli:"):
        login = name.partition(":")[2]
        return f"命令行（{login}）" if login else "命令行"
    return name


TEMPLATES.env.filters["localtime"] = localtime
TEMPLATES.env.filters["prose_date"] = prose_date
TEMPLATES.env.filters["prose_time"] = prose_time
TEMPLATES.env.filters["hide_phone"] = hide_phone
TEMPLATES.env.filters["action"] = action_label
TEMPLATES.env.filters["operator"] = operator


def chinese(text: str | None) -> str:
    """The Chinese half of a bilingual message ("中文 / English"): pages are for staff, logs keep both."""
    return re.split(r"\s?/ (?=[A-Za-z])", str(text or ""), maxsplit=1)[0]


TEMPLATES.env.filters["zh"] = chinese

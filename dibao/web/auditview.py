"""The audit page as staff read it (issue 25): one page at a time, filtered by user, action and dates,
exported to Excel, each entry said in Chinese — 查看了 孟玉珍户 的 入户调查表 — instead of the log's codes.
The log itself keeps its stable codes (`dibao audit`); only what the page shows is translated."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from archiver.catalog import Catalog, Row
from archiver.catalog.models import provisional_key
from archiver.privacy import scrub

from .session import Reader, Refused, Viewer
from .templating import ACTIONS, action_label, chinese, localtime, operator, page

router = APIRouter()
PAGE = 100
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_REFUSAL = {"login": "未登录", "csrf": "页面已过期或表单不完整", "scope": "不在其辖区或无权限", "missing": "不存在"}


def _household(cat: Catalog, key: str) -> str:
    hid = cat.resolve_key(key) if key else None
    row = cat.household_row(hid) if hid is not None else None
    return f"{row['head_name']}户（{row['household_no'] or provisional_key(int(row['id']))}）" if row else key


def _document(cat: Catalog, target: str) -> str:
    row = cat.document_row(int(target)) if target.isdigit() else None
    if row is None:
        return f"材料 {target}"
    h = cat.household_row(int(row["household_id"]))
    return f"{h['head_name'] if h else ''}户 的 {row['type']}"


def describe(cat: Catalog, r: Row) -> str:
    """One entry as a sentence: 查看了 孟玉珍户 的 入户调查表; 检索“陶”，找到 3 户; 被拒绝：…"""
    action, target, detail = r["action"], str(r["target"] or ""), chinese(str(r["detail"] or ""))
    if action.startswith("document."):
        verb = {"document.view": "查看了", "document.download": "下载了", "document.page": "查看了",
                "document.thumb": "浏览了", "document.set": "更正了", "document.trash": "把",
                "document.restore": "恢复了"}.get(action, action_label(action))
        tail = {"document.page": " 的页面", "document.thumb": " 的缩略图", "document.trash": " 移入回收站"}.get(action, "")
        return f"{verb} {_document(cat, target)}{tail}"
    if action in ("household.view", "household.set", "member.reveal", "bank.reveal", "member.set", "export.dossier",
                  "export.coversheet", "household.add"):
        what = {"household.view": "查看了 {h}", "household.set": "更正了 {h} 的信息", "member.reveal": "查看了 {h} 成员的完整身份证号",
                "bank.reveal": "查看了 {h} 的完整银行账号", "member.set": "更改了 {h} 成员的保障状态",
                "export.dossier": "生成了 {h} 的一户一档", "export.coversheet": "打印了 {h} 的扫描封面",
                "household.add": "登记了申请户 {h}"}[action]
        return what.format(h=_household(cat, target))
    if action == "search":
        found = re.search(r"(\d+)", detail)
        return f"检索“{target}”" + (f"，找到 {found.group(1)} 户" if found else "")
    if action in ("denied", "not_found"):
        why = detail.split(" ")[0] if detail else ""
        return f"被拒绝：{_REFUSAL.get(why, '无权限')}（{_target(target)}）" if action == "denied" else f"查找的户不存在：{target}"
    if action == "upload":
        return f"上传了 {target}"
    if action.startswith("login") or action == "logout":
        return "—"
    # the action has its own column: the content says what it was done to, and the detail when it is words
    detail = re.sub(r"sha256=\w+", "", detail).strip()
    detail = detail if re.search(r"[\u4e00-\u9fff]", detail) and not re.search(r"[A-Za-z]{3,}", detail) else ""
    return "：".join(x for x in (_target(target), detail) if x) or "—"


def _target(target: str) -> str:
    """A refused request's target (`household 520…`, `document 12`, `job x`) in words."""
    kind, _, rest = target.partition(" ")
    names = {"household": "户", "document": "材料", "quarantine": "隔离件", "job": "任务", "users": "用户管理",
             "settings": "设置", "setting": "设置项", "audit": "审计日志"}
    return f"{names.get(kind, '')} {rest}".strip() if kind in names else target


def _filtered(v: Viewer, user: str, action: str, since: str, until: str) -> list[Row]:
    rows = v.cat.audit_rows(user or None, since or None, [action] if action else ())
    if until:
        rows = [r for r in rows if r["at"][:10] <= until]
    return rows[::-1]  # the latest first


def _filters(user: str, action: str, since: str, until: str) -> tuple[str, str, str, str]:
    return (user.strip(), action if action in ACTIONS else "", since if _DAY.fullmatch(since) else "",
            until if _DAY.fullmatch(until) else "")


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, v: Reader, user: str = "", action: str = "", since: str = "", until: str = "",
          offset: int = 0) -> Response:
    """County users only: who viewed, revealed, uploaded or exported what — a page at a time."""
    if v.role != "county":
        raise Refused("scope", "audit log", v.name)
    user, action, since, until = _filters(user, action, since, until)
    rows = _filtered(v, user, action, since, until)
    offset = max(0, min(offset, max(len(rows) - 1, 0)))
    shown = [{"at": r["at"], "user": operator(r["user"]), "action": action_label(r["action"]),
              "what": describe(v.cat, r), "remote": r["remote"] or ""} for r in rows[offset: offset + PAGE]]
    v.audit("audit.view", user or "全部", " ".join(x for x in (action, since, until) if x))
    query = "&".join(f"{k}={quote(x)}" for k, x in (("user", user), ("action", action), ("since", since), ("until", until)) if x)
    return page(request, "audit.html", v.user, rows=shown, total=len(rows), offset=offset, size=PAGE, query=query,
                who=user, action=action, since=since, until=until, actions=ACTIONS,
                users=[u["name"] for u in v.cat.users_full()])


@router.get("/audit/export")
def export(v: Reader, user: str = "", action: str = "", since: str = "", until: str = "") -> Response:
    """The filtered log as an Excel file (every entry, not one page), itself an audited export."""
    import openpyxl

    if v.role != "county":
        raise Refused("scope", "audit export", v.name)
    user, action, since, until = _filters(user, action, since, until)
    rows = _filtered(v, user, action, since, until)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "审计日志"
    ws.append(["时间", "用户", "操作", "内容", "来源地址"])
    for r in rows:
        ws.append([localtime(r["at"]), operator(r["user"]), action_label(r["action"]), scrub(describe(v.cat, r)),
                   r["remote"] or ""])
    for col, width in zip("ABCDE", (18, 16, 18, 60, 16), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    v.audit("audit.export", user or "全部", f"{len(rows)} 条")
    name = f"审计日志_{dt.date.today().isoformat()}.xlsx"
    return Response(buf.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})



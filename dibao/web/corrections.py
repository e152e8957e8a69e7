"""Corrections in the browser: a document's household, type, date and note; 回收站 (trash, restore, the trash
page); a household's own facts; the audited reveal of a bank account; 不予归档 of a quarantined item.

Every route takes a Writer (session + CSRF) and goes through the scoped Viewer, so a document or household
outside the user's area is "not found"; the work itself is archiver/corrections.py, as on the command line.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver import corrections as c
from archiver import quarantine
from archiver.policy import load as load_policy
from archiver.privacy import mask_account

from .session import Reader, Refused, Writer
from .templating import page

router = APIRouter()
DONE = {"photo": "照片已归档到本户（见下方档案材料）。", "photo_duplicate": "这张照片以前已归档过，未重复保存。",
        "saved": "已保存更正（已留痕）。", "trashed": "已移入回收站，文件仍保留，可随时恢复。", "restored": "已从回收站恢复。",
        "household": "户信息已更正（已留痕）。", "rejected": "已不予归档，原因已记录。",
        "registered": "已登记申请户。", "stopped": "已登记停保决定和书面告知日期（已留痕）。",
        "stopped_untold": "已登记停保决定；书面告知日期未登记，告知后请在“停保决定”中补登。",
        "checked": "已登记家庭经济状况核对结果（已留痕）。", "registered_filed": "已登记申请户；隔离区中属于本户的材料已归入本户（见下方档案材料）。"}


def _back_to_document(doc_id: int, done: str) -> Response:
    return RedirectResponse(f"/documents/{doc_id}/view?done={done}", status_code=303)


@router.post("/documents/{doc_id}/edit", response_class=HTMLResponse)
def edit_document(request: Request, v: Writer, doc_id: int, household: str = Form(""), doc_type: str = Form(""),
                  date: str = Form(""), note: str = Form("")) -> Response:
    from .lookup import NotFound, find_household

    d, h = v.document(doc_id)
    try:
        target = None
        if household.strip() and household.strip() != h.key:
            target = find_household(v, household).id  # a name, 户编号 or ID number
        c.set_document(v.home, v.cat, doc_id, v.name, household_id=target,
                       doc_type=c.parse_type(doc_type, load_policy(v.home.root)) if doc_type else None,
                       date=c.parse_date(date) if date.strip() else (None if d["date"] else c.UNSET),
                       note=note, scope=v.scope, remote=v.remote)
    except (c.CorrectionRefused, NotFound) as exc:  # the form comes back as it was typed
        return _document_page(request, v, doc_id, error=_chinese(str(exc)), status_code=400,
                              typed={"household": household, "doc_type": doc_type, "date": date, "note": note})
    return _back_to_document(doc_id, "saved")


@router.post("/documents/{doc_id}/trash")
def trash(request: Request, v: Writer, doc_id: int, reason: str = Form("")) -> Response:
    d, h = v.document(doc_id)
    try:
        c.trash_document(v.home, v.cat, doc_id, v.name, reason, scope=v.scope, remote=v.remote)
    except c.CorrectionRefused as exc:
        return _document_page(request, v, doc_id, error=_chinese(str(exc)), status_code=400)
    return RedirectResponse(f"/households/{quote(h.key, safe='')}?done=trashed", status_code=303)


@router.post("/documents/{doc_id}/restore")
def restore(request: Request, v: Writer, doc_id: int) -> Response:
    v.document(doc_id)
    try:
        c.restore_document(v.home, v.cat, doc_id, v.name, scope=v.scope, remote=v.remote)
    except c.CorrectionRefused as exc:
        return _document_page(request, v, doc_id, error=_chinese(str(exc)), status_code=400)
    return _back_to_document(doc_id, "restored")


def _document_page(request: Request, v: Writer, doc_id: int, error: str = "", status_code: int = 200,
                   typed: dict | None = None) -> Response:
    from archiver.doctypes import names

    from . import preview

    d, h = v.document(doc_id)
    return page(request, "viewer.html", v.user, d=d, h=h, pages=preview.page_count(v.home.root / d["path"]),
                texts=v.cat.page_texts(doc_id), types=names(load_policy(v.home.root)), error=error, done="",
                history=c.history(v.cat, document_id=doc_id), status_code=status_code, typed=typed or {})


@router.get("/trash", response_class=HTMLResponse)
def trash_page(request: Request, v: Reader) -> Response:
    items = c.trash_items(v.cat, v.scope)
    v.audit("trash.view", v.area or "全县", f"{len(items)} 份")
    return page(request, "trash.html", v.user, items=items)


@router.post("/households/{key}/edit", response_class=HTMLResponse)
def edit_household(request: Request, v: Writer, key: str, category: str = Form(""), address: str = Form(""),
                   phone: str = Form(""), note: str = Form("")) -> Response:
    h = v.household(key)
    values = {"category": category or None, "address": address, "note": note}
    if phone.strip() and "*" not in phone:  # the form shows the number masked; only a new number replaces it
        values["phone"] = phone
    try:
        c.set_household(v.home, v.cat, h.id, v.name, scope=v.scope, remote=v.remote, **values)
    except c.CorrectionRefused as exc:
        return RedirectResponse(f"/households/{quote(h.key, safe='')}?error={_code(str(exc))}", status_code=303)
    return RedirectResponse(f"/households/{quote(h.key, safe='')}?done=household", status_code=303)


@router.post("/households/{key}/members/{n}/coverage")
def coverage(v: Writer, key: str, n: int, covered: str = Form(""), reason: str = Form("")) -> Response:
    """Whether member n is covered (纳入保障) and why not; the benefit basis reads it."""
    h = v.household(key)
    rows = v.cat.members_rows(h.id)
    if not 0 <= n < len(rows):
        raise Refused("scope", f"member {h.key}/{n}", v.name)
    try:
        c.set_member_row(v.cat, rows[n], v.name, covered != "no", reason if reason.strip() else None, v.remote)
    except c.CorrectionRefused:
        return RedirectResponse(f"/households/{quote(h.key, safe='')}?error=reason", status_code=303)
    return RedirectResponse(f"/households/{quote(h.key, safe='')}?done=household", status_code=303)


@router.post("/households/{key}/bank/reveal", response_class=HTMLResponse)
def reveal_bank(v: Writer, key: str) -> Response:
    """The full bank account on an explicit click; the reveal is audited like an ID number's."""
    h = v.household(key)
    account = h.bank_account or next((p.bank_account for p in reversed(h.payments) if p.bank_account), "")
    if not account:
        raise Refused("scope", f"bank account of {h.key}", v.name)
    v.audit("bank.reveal", h.key, f"银行账号 {mask_account(account)}")
    return HTMLResponse(f'<span class="id revealed">{account}</span>')


@router.post("/households/{key}/coversheet")
def coversheet(v: Writer, key: str) -> Response:
    """The household's QR cover sheet, to scan its paper forms behind (they file themselves to this household)."""
    import tempfile
    from pathlib import Path

    from fastapi.responses import FileResponse
    from starlette.background import BackgroundTask

    from archiver import codekeys
    from archiver.filing import inside
    from archiver.policy import load
    from generators import coversheet as sheets

    h = v.household(key)
    folder = Path(tempfile.mkdtemp(prefix="web-", dir=v.home.tmp))
    out = sheets.render([h], load(v.home.root).office.name, inside(folder, f"封面_{h.key}.pdf"),
                        codekeys.secret(v.home.root))
    v.audit("export.coversheet", h.key, "网页")
    import shutil

    return FileResponse(out, filename=out.name, media_type="application/pdf",
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


@router.post("/quarantine/{item_id}/reject")
def reject(request: Request, v: Writer, item_id: int, reason: str = Form("")) -> Response:
    from .quarantine import _item

    _item(v, item_id)
    try:
        quarantine.reject(v.cat, item_id, reason, v.name, v.remote)
    except quarantine.QuarantineRefused:
        return RedirectResponse(f"/quarantine/{item_id}?error=reason", status_code=303)
    return RedirectResponse("/quarantine?done=rejected", status_code=303)


ERRORS = {"photo": "没有收到照片，或照片太大（不超过40MB），请重拍。", "reason": "请写明原因。", "category": "分类应为 A、B 或 C。", "other": "未能保存，请检查输入。"}


def _code(message: str) -> str:
    return "category" if "分类" in message else "other"


def _chinese(message: str) -> str:
    """Staff pages show the Chinese half of a bilingual message."""
    return message.split(" / ", 1)[0]

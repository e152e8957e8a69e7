"""Quarantine review, the one place where people decide: the candidate households (structured keys, only
those in the reviewer's area), filing some or all pages of an item to one household, and 不予归档
(reject with a reason: the item is closed, kept on disk and still listed with `--all`)."""

from __future__ import annotations

from typing import Any

from archiver.catalog import Catalog, Row, Scope
from archiver.catalog.models import provisional_key
from archiver.errors import UserValueError
from archiver.home import Home
from archiver.privacy import scrub

EVERYWHERE = Scope()


class QuarantineRefused(UserValueError):
    """No such open item, no reason given, or a page it does not have (Chinese first)."""


def candidates(cat: Catalog, item_id: int, scope: Scope = EVERYWHERE) -> list[dict[str, Any]]:
    where, args = scope.sql("h")
    return [{"household_id": r["household_no"] or provisional_key(int(r["id"])), "village": r["village"] or "",
             "head_name": r["head_name"] or "", "township": r["township"] or "", "id": int(r["id"])}
            for r in cat.quarantine_candidates(item_id, where, args)]


def status(q: Row) -> str:
    if q["rejected_reason"]:
        return "不予归档"
    if q["resolved_at"]:
        return "已归档"
    return "待处理"


def item_json(cat: Catalog, q: Row, scope: Scope = EVERYWHERE) -> dict[str, Any]:
    return {"item_id": str(q["id"]), "file_id": str(q["id"]), "source_name": q["source_name"], "reason": q["reason"],
            "candidates": [{k: c[k] for k in ("household_id", "village", "head_name", "township")}
                           for c in candidates(cat, int(q["id"]), scope)],
            "pages": q["pages"], "path": q["path"], "created_at": q["created_at"], "status": status(q),
            "rejected_reason": q["rejected_reason"], "resolved_at": q["resolved_at"],
            "document_id": str(q["resolved_document_id"]) if q["resolved_document_id"] else None,
            "source_names": cat.file_names(int(q["file_id"])) or [q["source_name"]]}


def items(cat: Catalog, include_closed: bool = False) -> list[Row]:
    return cat.quarantine_all() if include_closed else cat.quarantine_items()


def open_item(cat: Catalog, item_id: int) -> Row:
    q = cat.quarantine_item(item_id)
    if q is None or q["resolved_at"]:
        raise QuarantineRefused(f"隔离区没有编号为 {item_id} 的待处理文件 / no open quarantine item {item_id}")
    return q


def reject(cat: Catalog, item_id: int, reason: str, user: str, remote: str = "") -> None:
    """不予归档: closed with its reason; the file stays in quarantine/ (evidence is never deleted)."""
    reason = (reason or "").strip()
    if not reason:
        raise QuarantineRefused("不予归档须写明原因（--reason）/ a reason is required")
    q = open_item(cat, item_id)
    with cat.transaction():
        cat.reject_quarantine(item_id, reason, user)
        cat.add_change(user, "不予归档", q["source_name"], reason)
        cat.audit(user, "quarantine.reject", str(item_id), scrub(reason), remote)


def parse_pages(text: str | None) -> list[int] | None:
    """`--pages 1,3` (a full-width comma too) as page numbers, or None when not given; checked against the
    item's pages by `assign`."""
    if not text:
        return None
    try:
        return [int(x) for x in text.replace("，", ",").split(",") if x.strip()]
    except ValueError:
        raise QuarantineRefused(f"页码应为逗号分隔的数字，如 1,3：{text[:40]} / bad --pages") from None


def page_numbers(q: Row) -> list[int]:
    if q["pages"]:
        out = []
        for part in str(q["pages"]).split(","):
            a, _, b = part.partition("-")
            out += list(range(int(a), int(b or a) + 1))
        return out
    texts = (q["text"] or "").split("\f")
    return list(range(1, max(len(texts), 1) + 1))


def page_texts(q: Row) -> dict[int, str]:
    """Each page's OCR text by its page number (pages stored with no text read as "")."""
    numbers = page_numbers(q)
    texts = (q["text"] or "").split("\f")
    return dict(zip(numbers, texts + [""] * (len(numbers) - len(texts)), strict=False))


def assign(home: Home, cat: Catalog, item_id: int, household_id: int, doc_type: str | None, user: str,
           pages: list[int] | None = None) -> int:
    """File an item (or only `pages` of it: the rest stays open for another household) to a household."""
    from archiver.documents import file_quarantined

    q = open_item(cat, item_id)
    numbers = page_numbers(q)
    if pages:
        wrong = [p for p in pages if p not in numbers]
        if wrong:
            raise QuarantineRefused(f"该隔离文件没有第 {'、'.join(map(str, wrong))} 页（共有 {numbers}）/ no such page")
        if sorted(set(pages)) != numbers:
            by_no = page_texts(q)
            rest = [n for n in numbers if n not in pages]
            take = sorted(set(pages))
            with cat.transaction():
                item_id = cat.split_quarantine(item_id, ",".join(map(str, take)), "\f".join(by_no[n] for n in take),
                                               ",".join(map(str, rest)), "\f".join(by_no[n] for n in rest))
    doc_id = file_quarantined(home, cat, item_id, household_id, doc_type, user)
    with cat.transaction():
        filed = cat.quarantine_item(item_id)
        h = cat.household_row(household_id)
        what = (filed["source_name"] + (f" 第{filed['pages']}页" if filed["pages"] else "")) if filed else ""
        cat.add_change(user, "隔离件归档", what,
                       h["household_no"] or provisional_key(household_id) if h else "", household_id=household_id,
                       document_id=doc_id)
    return doc_id

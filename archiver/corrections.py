"""Corrections: nothing filed is final. A document's household, type, date and note; 回收站 (trash and
restore); a household's own facts; a member's coverage. Each change is one transaction that writes the
history (who, when, before, after) and the audit log together; files never leave the disk.

Moving a document to another household copies its bytes under the new household's folder (temp → fsync
→ rename, like every filing) before the transaction that names the new path, and removes the old copy
only after the commit, so a kill at any moment leaves `dibao check` without errors.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from archiver import classify
from archiver.catalog import Catalog, Row, Scope
from archiver.catalog.models import Event, provisional_key
from archiver.errors import UserValueError
from archiver.filing import inside, sha256_of, write_atomic
from archiver.home import Home
from archiver.policy import Policy
from archiver.privacy import mask_phone, scrub

UNSET: Any = object()
EVERYWHERE = Scope()  # the CLI's scope: the whole archive
# what each field is called in the history staff read
LABELS = {"household": "所属户", "type": "档案类型", "date": "档案日期", "note": "备注", "trash": "移入回收站",
          "restore": "从回收站恢复", "category": "分类", "address": "住址", "phone": "联系电话",
          "covered": "纳入保障", "covered_reason": "未纳入原因"}


class CorrectionRefused(UserValueError):
    """A correction that cannot be made (unknown id, out of area, bad value); the message is for staff."""


def _key(row: Row) -> str:
    return str(row["household_no"] or provisional_key(int(row["id"])))


def document_state(cat: Catalog, doc_id: int, scope: Scope = EVERYWHERE) -> dict[str, Any]:
    """What `dibao document show --json` prints (trashed documents included)."""
    d = cat.document_row(doc_id, scope)
    if d is None:
        raise CorrectionRefused(f"找不到档案：{doc_id} / no such document")
    h = cat.household_row(int(d["household_id"]))
    assert h is not None
    return {"document_id": str(d["id"]), "household_id": _key(h), "type": d["type"], "date": d["date"],
            "note": d["note"] or "", "source_name": d["source_name"], "sha256": d["sha256"], "path": d["path"],
            "trashed": bool(d["trashed_at"]), "trashed_at": d["trashed_at"], "trash_reason": d["trash_reason"],
            "pages": d["page_count"], "township": h["township"], "village": h["village"]}


def parse_date(value: str | None) -> str | None:
    """YYYY-MM-DD, or none/空 to clear a wrong date."""
    if value is None or value.strip().lower() in ("none", "null", "", "空", "无"):
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError as exc:
        raise CorrectionRefused(f"日期格式应为 YYYY-MM-DD（或 none 表示清除）：{value} / bad date") from exc


def parse_type(value: str, policy: Policy | None = None) -> str:
    """A type as typed → the office's name for it (its settings' additions and renames included)."""
    from archiver import doctypes

    if policy is None:
        t = classify.normalise_type(value)
        offered = classify.ALL_TYPES
    else:
        t, offered = doctypes.normalise(policy, value), doctypes.names(policy)
    if t is None:
        raise CorrectionRefused(f"未知的档案类型：{value}；可用：{'、'.join(offered)} / unknown type")
    return t


def set_document(home: Home, cat: Catalog, doc_id: int, user: str, household_id: int | None = None,
                 doc_type: str | None = None, date: Any = UNSET, note: str | None = None,
                 scope: Scope = EVERYWHERE, remote: str = "") -> dict[str, Any]:
    """Correct a filed document; returns its new state. Both households are re-indexed."""
    d = cat.document_row(doc_id, scope)
    if d is None:
        raise CorrectionRefused(f"找不到档案：{doc_id} / no such document")
    if d["trashed_at"]:
        raise CorrectionRefused(f"档案 {doc_id} 在回收站中，请先恢复 / the document is in the trash; restore it first")
    old_hid = int(d["household_id"])
    changes: list[tuple[str, Any, Any]] = []
    fields: dict[str, Any] = {}
    new_path: str | None = None
    old_row = cat.household_row(old_hid)
    assert old_row is not None
    if household_id is not None and household_id != old_hid:
        target = cat.household_row(household_id, scope)
        if target is None:
            raise CorrectionRefused("找不到目标户，或不在您的管辖范围内 / no such household in your area")
        if cat.document_id_for(household_id, d["sha256"]) is not None:
            raise CorrectionRefused(f"户 {_key(target)} 已有内容相同的档案 / that household already holds this document")
        new_path = _copy_under(home, d, target)
        fields.update(household_id=household_id, path=new_path)
        changes.append(("household", _key(old_row), _key(target)))
    if doc_type is not None and doc_type != d["type"]:
        fields["type"] = doc_type
        changes.append(("type", d["type"], doc_type))
    if date is not UNSET and date != d["date"]:
        fields["date"] = date
        changes.append(("date", d["date"], date))
    if note is not None and note.strip() != (d["note"] or ""):
        fields["note"] = note.strip() or None
        changes.append(("note", d["note"] or "", note.strip()))
    if not changes:
        return document_state(cat, doc_id, scope)
    try:
        with cat.transaction():
            cat.set_document_fields(doc_id, **fields)
            if household_id is not None and household_id != old_hid:
                cat.move_document_facts(doc_id, household_id)
                if new_path is not None:
                    cat.repoint_file(d["path"], new_path)
            _sync_review_event(cat, doc_id)
            for what, before, after in changes:  # under the household it was in: both trails show a move
                cat.add_change(user, LABELS[what], before, after, household_id=old_hid, document_id=doc_id)
            cat.mark_dirty({old_hid, household_id or old_hid})
            cat.audit(user, "document.set", str(doc_id),
                      scrub("; ".join(f"{LABELS[w]}: {b or '空'} → {a or '空'}" for w, b, a in changes)), remote)
    except BaseException:
        if new_path is not None and new_path != d["path"]:
            _remove(home, new_path)  # nothing names the copy: it goes (check would call it an orphan)
        raise
    if new_path is not None and new_path != d["path"]:
        _remove(home, d["path"])
    return document_state(cat, doc_id, scope)


def _copy_under(home: Home, d: Row, target: Row) -> str:
    """The document's bytes under the target household's folder; verified before anything names them."""
    src = home.root / d["path"]
    if not src.exists():
        raise CorrectionRefused(f"档案文件在磁盘上缺失：{d['path']}（请先运行 dibao check）/ file missing on disk")
    folder = inside(home.files, target["township"] or "未知乡镇", target["village"] or "未知村", _key(target), limit=40)
    dest = inside(folder, src.name)
    if not dest.exists():
        write_atomic(dest, source=src, tmp_dir=home.tmp)
    if sha256_of(dest) != d["sha256"]:
        raise CorrectionRefused(f"复制后校验和不符：{home.relative(dest)} / checksum mismatch after copy")
    return home.relative(dest)


def _remove(home: Home, rel: str) -> None:
    p = home.root / rel
    try:
        p.unlink()
    except FileNotFoundError:
        return
    try:
        fd = os.open(p.parent, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    except OSError:
        pass


def _sync_review_event(cat: Catalog, doc_id: int) -> None:
    """A 复核记录 with a date is a 复核 event; retyping, redating or trashing it changes that fact too."""
    d = cat.document_row(doc_id)
    assert d is not None
    cat.drop_document_events(doc_id)
    if not d["trashed_at"] and d["type"] == "复核记录" and d["date"]:
        cat.add_event(int(d["household_id"]), Event(d["date"], "复核", reason="复核记录"), int(d["file_id"]), doc_id)


def trash_document(home: Home, cat: Catalog, doc_id: int, user: str, reason: str, scope: Scope = EVERYWHERE,
                   remote: str = "") -> dict[str, Any]:
    """To the 回收站: out of the household's file, search, completeness, dossiers and figures; never off the disk."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused("移入回收站须写明原因（--reason）/ a reason is required")
    d = cat.document_row(doc_id, scope)
    if d is None:
        raise CorrectionRefused(f"找不到档案：{doc_id} / no such document")
    if d["trashed_at"]:
        raise CorrectionRefused(f"档案 {doc_id} 已在回收站中 / already in the trash")
    from archiver.catalog.models import now

    with cat.transaction():
        cat.set_document_fields(doc_id, trashed_at=now(), trashed_by=user, trash_reason=reason)
        _sync_review_event(cat, doc_id)
        cat.add_change(user, LABELS["trash"], "", reason, household_id=int(d["household_id"]), document_id=doc_id)
        cat.mark_dirty({int(d["household_id"])})
        cat.audit(user, "document.trash", str(doc_id), scrub(reason), remote)
    return document_state(cat, doc_id, scope)


def restore_document(home: Home, cat: Catalog, doc_id: int, user: str, scope: Scope = EVERYWHERE,
                     remote: str = "") -> dict[str, Any]:
    d = cat.document_row(doc_id, scope)
    if d is None:
        raise CorrectionRefused(f"找不到档案：{doc_id} / no such document")
    if not d["trashed_at"]:
        raise CorrectionRefused(f"档案 {doc_id} 不在回收站中 / not in the trash")
    with cat.transaction():
        cat.set_document_fields(doc_id, trashed_at=None, trashed_by=None, trash_reason=None)
        _sync_review_event(cat, doc_id)
        cat.add_change(user, LABELS["restore"], d["trash_reason"] or "", "", household_id=int(d["household_id"]),
                       document_id=doc_id)
        cat.mark_dirty({int(d["household_id"])})
        cat.audit(user, "document.restore", str(doc_id), "", remote)
    return document_state(cat, doc_id, scope)


def trash_items(cat: Catalog, scope: Scope = EVERYWHERE) -> list[dict[str, Any]]:
    where, args = scope.sql("h")
    return [{"document_id": str(r["id"]), "household_id": r["household_no"] or provisional_key(int(r["household_id"])),
             "reason": r["trash_reason"], "trashed_at": r["trashed_at"], "user": r["trashed_by"],
             "type": r["type"], "date": r["date"], "source_name": r["source_name"], "village": r["village"],
             "head_name": r["head_name"]} for r in cat.trashed_documents(where, args)]


def set_household(home: Home, cat: Catalog, household_id: int, user: str, scope: Scope = EVERYWHERE,
                  remote: str = "", **values: str | None) -> list[tuple[str, Any, Any]]:
    """Correct a household's own facts (class, address, phone, note). Returns the changes made."""
    row = cat.household_row(household_id, scope)
    if row is None:
        raise CorrectionRefused("找不到该户，或不在您的管辖范围内 / no such household in your area")
    fields: dict[str, Any] = {}
    changes: list[tuple[str, Any, Any]] = []
    for k, v in values.items():
        if v is None:
            continue
        v = v.strip()
        if k == "category":
            v = v.upper()
            if v not in ("A", "B", "C"):
                raise CorrectionRefused(f"分类应为 A、B 或 C：{v} / class must be A, B or C")
        if v != (row[k] or ""):
            fields[k] = v or None
            changes.append((k, row[k] or "", v))
    if not changes:
        return []
    with cat.transaction():
        cat.set_household_fields(household_id, user, **fields)
        for k, before, after in changes:
            cat.add_change(user, LABELS[k], before, after, household_id=household_id)
        cat.mark_dirty({household_id})
        shown = [(k, mask_phone(b) if k == "phone" else b, mask_phone(a) if k == "phone" else a) for k, b, a in changes]
        cat.audit(user, "household.set", _key(row),
                  scrub("; ".join(f"{LABELS[k]}: {b or '空'} → {a or '空'}" for k, b, a in shown)), remote)
    return changes


def set_member(cat: Catalog, id_number: str, user: str, covered: bool | None, reason: str | None,
               scope: Scope = EVERYWHERE, remote: str = "") -> dict[str, Any]:
    """Whether a member is covered (纳入保障) and why; the benefit basis reads these columns."""
    rows = cat.member_by_id_number(id_number.strip().upper())
    rows = [r for r in rows if cat.household_row(int(r["household_id"]), scope) is not None]
    if not rows:
        raise CorrectionRefused(f"找不到该成员：{scrub(id_number)} / no such member in your area")
    current = [r for r in rows if not r["removed_on"]] or rows
    if len(current) > 1:
        keys = "、".join(_key(h) for r in current if (h := cat.household_row(int(r["household_id"]))) is not None)
        raise CorrectionRefused(f"该身份证号在多户中：{keys}，请先核实 / the ID number is in several households")
    return set_member_row(cat, current[0], user, covered, reason, remote)


def set_member_row(cat: Catalog, m: Row, user: str, covered: bool | None, reason: str | None,
                   remote: str = "") -> dict[str, Any]:
    """The same for one member row (the web page names members by position, some have no ID number)."""
    new_covered = bool(m["covered"]) if covered is None else covered
    new_reason = (reason.strip() if reason is not None else m["covered_reason"]) or None
    if not new_covered and not new_reason:
        raise CorrectionRefused("不纳入保障须写明原因（--reason）/ a reason is required when not covered")
    if new_covered and covered is True and reason is None:
        new_reason = None
    hid = int(m["household_id"])
    changes = []
    if new_covered != bool(m["covered"]):
        changes.append(("covered", "是" if m["covered"] else "否", "是" if new_covered else "否"))
    if (new_reason or "") != (m["covered_reason"] or ""):
        changes.append(("covered_reason", m["covered_reason"] or "", new_reason or ""))
    if changes:
        with cat.transaction():
            cat.set_member_coverage(int(m["id"]), new_covered, new_reason)
            cat.mark_dirty({hid})
            for k, before, after in changes:
                cat.add_change(user, f"{LABELS[k]}（{m['name']}）", before, after, household_id=hid,
                               member_id=int(m["id"]))
            cat.audit(user, "member.set", scrub(m["id_number"] or m["name"]),
                      "; ".join(f"{LABELS[k]}: {b or '空'} → {a or '空'}" for k, b, a in changes), remote)
    h = cat.household_row(hid)
    assert h is not None
    return {"household_id": _key(h), "name": m["name"], "covered": new_covered, "covered_reason": new_reason,
            "changed": len(changes)}


def history(cat: Catalog, household_id: int | None = None, document_id: int | None = None,
            account: str | None = None) -> list[dict[str, Any]]:
    """The trail of a household, a document or a user account (`account=""`: every account)."""
    rows = cat.changes_for(household_id=household_id, document_id=document_id, account=account)
    return [{"at": r["at"], "user": r["user"], "what": r["what"], "before": r["before"], "after": r["after"],
             "document_id": str(r["document_id"]) if r["document_id"] is not None else None,
             **({"account": r["account"]} if account is not None else {})} for r in rows]

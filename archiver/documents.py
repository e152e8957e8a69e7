"""The document steps of ingest: read pages → route each page → group → classify → file → commit.

Bytes are written (temp → fsync → rename) before the transaction that names them; the transaction
records the input file, its documents, their page texts, any 复核 events and any quarantined pages
together, so a kill at any moment leaves either all of it or none of it.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from archiver import applications, classify, doctypes, formfacts, pages
from archiver.catalog import Catalog
from archiver.catalog.models import Event
from archiver.errors import UserLookupError, UserValueError
from archiver.filing import STORAGE_ERRNOS, inside, quarantine_copy, safe_part, write_atomic
from archiver.home import Home
from archiver.outcomes import ARCHIVED, DUPLICATE, FilingContext, Input, Outcome
from archiver.policy import load as load_policy
from archiver.privacy import scrub
from archiver.route import Decision, Router
from archiver.trust import ADDRESS, OUTSIDE, UNSIGNED, Area, Trust, uploader_area

log = logging.getLogger("dibao.documents")
SUFFIX = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "heic": ".heic", "pdf": ".pdf", "docx": ".docx"}
FORM_TYPES = {"复核表": "复核记录", "减保告知书": "停保告知书"}  # a dibao form kind → the document type it files as (others: the same name)


@dataclass
class Part:
    household_id: int
    pages: list[pages.Page]
    method: str
    members_added: int = 0  # an applicant's family read from its 户口簿 (archiver/applications.py)


def handle(ingestor: FilingContext, item: Input) -> Outcome:
    """The document steps for one input, filed through the ingest's small context."""
    assert item.sniffed is not None
    kind = item.sniffed.kind
    try:
        read = ingestor.reader.read(item.path, kind)
    except pages.Unreadable as exc:
        return ingestor.quarantine(item, str(exc))
    if ingestor.router is None:
        ingestor.router = Router(ingestor.catalog)
    router = ingestor.router
    registered = len(router.registered)
    # codes are checked against the home's key, and a web upload files only inside its uploader's area
    trust = Trust.of(ingestor.home, ingestor.catalog).within(uploader_area(ingestor.catalog, item.sha256))
    decided = decide_pages(router, read, item.route_name or item.name, trust)
    if any(d.household_id is None and p.source == "ocr" for p, d in decided):
        # a page without a household gets a second reading at another scale before it is given up
        for page, d in decided:
            if d.household_id is None and page.source == "ocr":
                second = ingestor.reader.reread(item.path, kind, page.number)
                extra = [ln for ln in second.splitlines() if ln and ln not in page.text]
                page.text = "\n".join([page.text, *extra]).strip()
        decided = decide_pages(router, read, item.route_name or item.name, trust)
    parts, unplaced = group(decided)
    if not parts:
        d = unplaced[0][1] if unplaced else Decision(None, reason="文件中没有可归档的页面 / no pages to file")
        return ingestor.quarantine(item, _reason(ingestor.catalog, d), _keys(ingestor.catalog, d.candidates), kind,
                                   text="\n\f".join(p.text for p in read))
    whole = len(parts) == 1 and not unplaced and all(p.cover_key is None for p in read)
    filed = []
    for part in parts:
        data = item.path.read_bytes() if whole else subset(item.path, kind, [p.number for p in part.pages])
        filed.append((part, _write(ingestor.home, ingestor.catalog, part, data, kind, item.stored_name)))
    cat = ingestor.catalog
    new_docs = 0
    with cat.transaction():
        file_id = ingestor.file_row(item, "docx" if kind == "docx" else "scan", ARCHIVED, "",
                                     filed[0][1][0] if whole else None)
        first_doc: int | None = None
        for part, (rel, sha, doc_type, date) in filed:
            known = cat.document_id_for(part.household_id, sha)
            if known is not None:
                first_doc = first_doc or known
                continue  # the same bytes are already in this household's file
            doc_id = record_document(cat, part, file_id, doc_type, date, item.stored_name, sha, rel, _span(part.pages),
                                     part.method)
            first_doc = first_doc or doc_id
            new_docs += 1
        cat.mark_dirty({part.household_id for part, _ in filed})
        # this file was quarantined before (a re-ingest after the roster came): what was open is settled now,
        # and the pages still unplaced are listed afresh below — never a stale or a doubled item
        for q in cat.quarantine_items():
            if q["file_id"] == file_id:
                cat.resolve_quarantine(int(q["id"]), first_doc)
        for page, decision in unplaced:
            q_path = _quarantine_copy(ingestor.home, item)
            cat.add_quarantine(file_id, item.stored_name, f"第{page.number}页：{_reason(cat, decision)}", q_path,
                               _keys(cat, decision.candidates), pages=str(page.number), text=page.text)
    if not new_docs:
        return Outcome(item.name, DUPLICATE, "scan", "内容相同的档案已存在 / same document already filed", file_id)
    log.info("filed %s into %d document(s), %d page(s) quarantined", scrub(item.name), len(filed), len(unplaced))
    return Outcome(item.name, ARCHIVED, "scan", "", file_id,
                   {"documents": [{"household": part.household_id, "type": t, "date": d, "path": rel}
                                  for part, (rel, _, t, d) in filed],
                    "unplaced_pages": [p.number for p, _ in unplaced],
                    "applicants": router.registered[registered:] + [p.household_id for p, _ in filed if p.members_added]})


def record_document(cat: Catalog, part: Part, file_id: int, doc_type: str, date: str | None, source_name: str,
                    sha: str, path: str, pages_label: str | None, routed_by: str) -> int:
    """The one way a document enters a household's file: the document, the text of each of its pages, the
    facts printed on it (formfacts), and for a 复核记录 with a date the review event it proves. Inside the caller's transaction."""
    doc_id = cat.add_document(household_id=part.household_id, file_id=file_id, type=doc_type, date=date,
                              source_name=source_name, sha256=sha, path=path, pages=pages_label,
                              page_count=len(part.pages), routed_by=routed_by)
    for p in part.pages:
        cat.add_page(doc_id, p.number, p.text.strip())
    cat.add_document_facts(doc_id, _facts(part))
    if doc_type == "户口簿":
        part.members_added = applications.members_from_register(cat, part.household_id, "\n".join(p.text for p in part.pages))
    if doc_type == "复核记录" and date:
        cat.add_event(part.household_id, Event(date, "复核", reason="复核记录"), file_id, doc_id)
    return doc_id


def decide_pages(router: Router, read: list[pages.Page], filename: str,
                 trust: Trust) -> list[tuple[pages.Page, Decision]]:
    """Route each page; a cover sheet's QR code is a signal for the pages after it, up to the next one. A code
    counts only when `trust` accepts it (signed with the home's key); every page found a household is then
    held to the trust's area and to the address its own text names (archiver/trust.py)."""
    cover: str | None = None
    forged_cover = False  # the cover before these pages may not route: said in the reason of pages left unplaced
    use_name = len(read) == 1 or not any(x.cover_key for x in read)
    decided: list[tuple[pages.Page, Decision]] = []
    for p in read:
        if p.cover_key:
            cover = p.cover_key if trust.code_ok(p.cover) else None
            forged_cover = cover is None
            continue
        if p.form and trust.code_ok(p.form):  # a pre-filled form's own QR code: this page's household
            d = router.decide(p.text, p.form.key, "")
            d = Decision(d.household_id, "表单二维码" if d.method == "封面二维码" else d.method, d.candidates, d.reason)
        else:
            if p.form:  # a forged or unsigned form code: neither its household nor its form kind and step count
                p.form, p.untrusted_code = None, True
            d = router.decide(p.text, cover, filename if use_name else "")
            if d.household_id is None and not d.candidates and not trust.limits and not forged_cover \
                    and not p.untrusted_code and _applicant(router, p.text, filename):
                d = router.decide(p.text, cover, filename if use_name else "")
        decided.append((p, _held(router.catalog, trust, p, d, forged_cover or p.untrusted_code)))
    return decided


def _applicant(router: Router, text: str, filename: str) -> bool:
    """A first-time applicant's own 申请书 (county-wide filing only: inbox, command line, watcher) makes their
    household, so it and the papers that follow it are filed instead of waiting for staff to register it."""
    hid = applications.from_application(router.catalog, text, filename, applications.BY_APPLICATION)
    if hid is None:
        return False
    router.registered.append(hid)
    router.invalidate()
    log.info("registered first-time applicant household %s from its application", hid)
    return True


def _held(cat: Catalog, trust: Trust, page: pages.Page, d: Decision, untrusted: bool) -> Decision:
    """The decision, unless the household lies outside the trust's area or the page names another place."""
    if d.household_id is None:
        return replace(d, reason=f"{d.reason}；{UNSIGNED}") if untrusted and d.reason else d
    if not trust.allows(cat, d.household_id):
        return Decision(None, d.method, [], OUTSIDE)
    conflict = trust.address_conflict(cat, page.text, d.household_id)
    return Decision(None, d.method, [d.household_id], conflict) if conflict else d


def group(decided: list[tuple[pages.Page, Decision]]) -> tuple[list[Part], list[tuple[pages.Page, Decision]]]:
    """Consecutive pages of one household make one document. A page with no signal at all continues
    its neighbour only when it does not itself start a new form (its title names no document type)."""
    resolved: list[int | None] = [d.household_id for _, d in decided]
    kinds = [classify.doc_type(p.text) for p, _ in decided]
    # a page with no signal continues its neighbour when it starts no form of its own — or when it is the next
    # card of the same 户口簿 (a family register's pages are one family's, the head's card on one page only)
    continuation = [d.household_id is None and not d.candidates and not d.method and (
        kinds[i] == "其他" or (kinds[i] == "户口簿" and "户口簿" in kinds[max(0, i - 1): i + 2]))
        for i, (_, d) in enumerate(decided)]
    for i in range(1, len(decided)):
        if continuation[i] and resolved[i] is None and resolved[i - 1] is not None:
            resolved[i] = resolved[i - 1]
    for i in range(len(decided) - 2, -1, -1):
        if continuation[i] and resolved[i] is None and resolved[i + 1] is not None:
            resolved[i] = resolved[i + 1]
    parts: list[Part] = []
    unplaced: list[tuple[pages.Page, Decision]] = []
    last = -2
    for i, ((p, d), hid) in enumerate(zip(decided, resolved, strict=True)):
        if hid is None:
            unplaced.append((p, d))
            continue
        if parts and parts[-1].household_id == hid and last == i - 1 and p.form is None:
            parts[-1].pages.append(p)
        else:
            parts.append(Part(hid, [p], d.method or "续页"))
        last = i
    return parts, unplaced


def subset(path: Path, kind: str, numbers: list[int]) -> bytes:
    """A new PDF/TIFF holding only the given pages (1-based), for files that span several households."""
    if kind == "pdf":
        from archiver import pdf

        return pdf.subset(path, numbers)
    from PIL import Image, ImageSequence

    frames = [f.copy() for i, f in enumerate(ImageSequence.Iterator(Image.open(path))) if i + 1 in numbers]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    return buf.getvalue()


def _write(home: Home, cat: Catalog, part: Part, data: bytes, kind: str, source_name: str) -> tuple[str, str, str, str | None]:
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    text = "\n".join(p.text for p in part.pages)
    form = part.pages[0].form
    doc_type = FORM_TYPES.get(form.form, form.form) if form and form.form else doctypes.of_text(load_policy(home.root), text)
    date = classify.doc_date(text, source_name)
    period = formfacts.notice_period(text) if doc_type in ("公示记录", "其他") else None
    if period:  # a 公示's date is the first day it was posted
        date = period[0]
    h = cat.household_row(part.household_id)
    assert h is not None
    key = h["household_no"] or f"D{part.household_id:07d}"
    folder = inside(home.files, h["township"] or "未知乡镇", h["village"] or "未知村", key, limit=40)
    suffix = ".tif" if kind == "tiff" and len(part.pages) else SUFFIX[kind]
    dest = inside(folder, f"{safe_part(doc_type.replace('/', '-'))}_{date or '日期不详'}_{sha[:8]}{suffix}")
    if not dest.exists():
        write_atomic(dest, data, tmp_dir=home.tmp)
    return home.relative(dest), sha, doc_type, date


def _facts(part: Part) -> dict[str, str]:
    """Facts printed on the document (公示 period, investigators …) and, for a dibao form, its QR's case step."""
    facts = formfacts.read("\n".join(p.text for p in part.pages))
    form = part.pages[0].form
    if form and form.form:
        facts["form"] = form.form
        if form.step:
            facts["step"] = form.step
        if form.case:
            facts["case"] = form.case
    return facts


def _quarantine_copy(home: Home, item: Input) -> str:
    return home.relative(quarantine_copy(home.quarantine, item.sha256, item.name, item.path, home.tmp))


def _span(ps: list[pages.Page]) -> str:
    nums = [p.number for p in ps]
    return str(nums[0]) if len(nums) == 1 else f"{nums[0]}-{nums[-1]}"


def _keys(cat: Catalog, ids: list[int]) -> list[str]:
    out = []
    for hid in ids[:10]:
        row = cat.household_row(hid)
        if row is not None:
            out.append(f"{row['household_no'] or f'D{hid:07d}'}（{row['village'] or ''} {row['head_name'] or ''}）")
    return out


def _reason(cat: Catalog, d: Decision) -> str:
    return d.reason or "找不到所属家庭 / no household found"


def retry_quarantined(home: Home, cat: Catalog, user: str = "dibao:重试", area: Area | None = None) -> list[tuple[str, str]]:
    """Quarantined scans whose stored text now routes every page to one household — typically scans that
    arrived before the roster that lists their family, or before staff registered the applicant — are filed
    (by `user`, for the trail). A retry a township or village user triggers (`area`) takes only the items
    that user uploaded or whose candidates lie in that area, and files only inside it; an item uploaded
    through the web stays inside its uploader's area whoever retries. Returns (file name, household) pairs."""
    router = Router(cat)
    done = _retry_pass(home, cat, user, area, router)
    for _ in range(2):  # an applicant's 申请书 or 户口簿 just filed names people: papers listed before it may file now
        more = _retry_pass(home, cat, user, area, router) if done else []
        if not more:
            break
        done += more
    return done


def _retry_pass(home: Home, cat: Catalog, user: str, area: Area | None, router: Router) -> list[tuple[str, str]]:
    trust: Trust | None = None
    done = []
    for q in cat.quarantine_items():
        texts = [t.strip() for t in (q["text"] or "").split("\f")]
        if not any(texts):
            continue
        f = cat.file(int(q["file_id"]))
        sha = str(f["sha256"]) if f is not None else ""
        if area is not None and not (any(r["user"] == user for r in cat.uploaders(sha))
                                     or any(cat.quarantine_candidates(int(q["id"]), *s.sql("h")) for s in area)):
            continue  # neither theirs nor of their area: left for whoever it belongs to
        trust = trust or Trust.of(home, cat)
        numbers = [int(q["pages"])] if q["pages"] and q["pages"].isdigit() else list(range(1, len(texts) + 1))
        decided = decide_pages(router, [pages.Page(n, t) for n, t in zip(numbers, texts, strict=False)], q["source_name"],
                               trust.within(uploader_area(cat, sha)).within(area))
        parts, unplaced = group(decided)
        conflict = next((d for _, d in unplaced if d.reason.startswith(ADDRESS)), None)
        if conflict is not None and conflict.reason not in (q["reason"] or ""):  # it would file but for the address
            with cat.transaction():
                cat.update_quarantine(int(q["id"]), conflict.reason, _keys(cat, conflict.candidates))
        if unplaced or len(parts) != 1:
            continue
        try:
            file_quarantined(home, cat, int(q["id"]), parts[0].household_id, None, user, parts[0].method)
        except (LookupError, ValueError, OSError) as exc:  # one item that cannot be filed never stops the batch
            if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
                raise
            log.warning("retry of quarantine item %s failed: %s", q["id"], scrub(str(exc)))
            continue
        row = cat.household_row(parts[0].household_id)
        done.append((q["source_name"], row["household_no"] if row is not None and row["household_no"] else ""))
    return done


def file_quarantined(home: Home, cat: Catalog, item_id: int, household_id: int, doc_type: str | None, user: str,
                     method: str = "人工指定") -> int:
    """`dibao quarantine assign` (and the automatic retry): file a quarantined file or its quarantined pages."""
    q = cat.quarantine_item(item_id)
    if q is None or q["resolved_at"]:
        raise UserLookupError(f"隔离区没有编号为 {item_id} 的待处理文件 / no open quarantine item {item_id}")
    src = home.root / q["path"]
    from archiver.sniff import sniff

    kind = sniff(src).kind
    if kind not in SUFFIX:
        raise UserValueError(f"该文件不是可归档的文档（{q['reason']}）/ this file cannot be filed as a document")
    numbers = [int(x) for x in q["pages"].split(",")] if q["pages"] else None
    data = subset(src, kind, numbers) if numbers and kind in ("pdf", "tiff") else src.read_bytes()
    text = q["text"] or ""
    texts = text.split("\f") if text else [""]
    part = Part(household_id, [pages.Page(n, t) for n, t in zip(numbers or range(1, len(texts) + 1), texts, strict=False)],
                method)
    rel, sha, auto_type, date = _write(home, cat, part, data, kind, q["source_name"])
    final_type = doc_type or auto_type
    existing = cat.document_id_for(household_id, sha)
    if existing is not None:  # these bytes are already in the household's file (a re-ingest filed them): close
        with cat.transaction():
            cat.resolve_quarantine(item_id, existing)
            cat.audit(user, "quarantine.assign", str(item_id), f"household={household_id} already filed as {existing}")
        return existing
    with cat.transaction():
        doc_id = record_document(cat, part, q["file_id"], final_type, date, q["source_name"], sha, rel, q["pages"],
                                 f"{method}:{user}")
        cat.resolve_quarantine(item_id, doc_id)
        cat.mark_dirty({household_id})
        f = cat.file(q["file_id"])
        if f is not None and f["outcome"] == "quarantined":
            cat.update_file(int(f["id"]), outcome="archived", reason=f"{method}归档 / filed from quarantine")
        cat.audit(user, "quarantine.assign", str(item_id), f"household={household_id} type={final_type}")
    return doc_id

"""Full-text search over households, people and every OCR'd page, on tantivy.

One search document per household holds its names (with pinyin), ID numbers (and their trailing 4/6
digits), places, class, status, document types and the text of every filed page, so "all words must
match" works across a family's whole file and results come grouped by household.

Rules learnt from paperless-ngx's years of whoosh trouble: one writer at a time; never delete the
index when it fails to open — rebuild it from the catalog beside it and swap; a schema-version file
beside the index triggers that rebuild; a bigram field beside the jieba field for CJK recall.
The index is written only after the catalog commits, and `fingerprint` lets `check` see any drift.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from archiver.catalog import Catalog, Scope
from archiver.catalog.models import Household
from archiver.filing import STORAGE_ERRNOS
from archiver.home import Home

from . import analysis, position, query, writer

log = logging.getLogger("dibao.index")
SCHEMA_VERSION = "3"
BULK = 500  # above this many changed households one bulk load beats loading them one by one


def fingerprint(h: Household) -> str:
    parts = [h.key, h.township, h.village, h.area_type, h.category or "", h.status, h.head_name, h.address,
             *(f"{m.name}|{m.id_number}|{m.removed_on}" for m in h.members),
             *(f"{d.document_id}|{d.type}" for d in h.documents)]
    notes = _notes(h)
    if notes:  # only then, so households without notes keep the fingerprint older indexes hold
        parts.append(notes)
    old = [m.id_original for m in h.members if m.id_original]
    if old:  # likewise: an old 15-digit number as printed
        parts += old
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def _notes(h: Household) -> str:
    """备注 on the household and its documents: searchable like any page."""
    return " ".join(n for n in [h.note, *(d.note for d in h.documents)] if n)


def _fields(h: Household, texts: list[str]) -> dict:
    names, ids = [], [h.key]
    for m in h.members:
        full, initials = analysis.pinyin_forms(m.name)
        names += [analysis.normalise(m.name), full, initials]
        n = m.id_number
        ids += [n, n[-4:], n[-6:]]
        if m.id_original:  # the old 15-digit number still printed on papers and typed by staff
            ids += [m.id_original, m.id_original[-4:], m.id_original[-6:]]
    body = " ".join([h.key, h.township, h.village, h.address, *(m.name for m in h.members),
                     *(d.type for d in h.documents), _notes(h), *texts])
    return {
        "hid": str(h.id), "fp": fingerprint(h),
        "words": " ".join(analysis.words(body)), "grams": " ".join(analysis.bigrams(body)),
        "names": " ".join(dict.fromkeys(names)), "ids": " ".join(dict.fromkeys(ids)),
        "township": h.township, "village": h.village, "area_type": h.area_type or "",
        "category": h.category or "", "status": h.status,
        "doctypes": " ".join(sorted({d.type.replace("/", "") for d in h.documents})),
    }


TIE_MARGIN = 50  # hits read past the page, so that ties at its edge are ordered by household, not by segment


class SearchIndex:
    """The interface the CLI and the web use, on tantivy (Rust). whoosh, the engine before it, is gone: an index
    it left behind is reported (`legacy_whoosh`) and a rebuild puts tantivy in its place."""

    name = "tantivy"
    TEXT = ("words", "grams", "names", "ids", "doctypes")
    RAW = ("township", "village", "area_type", "category", "status")

    def __init__(self, home: Home, folder: Path | None = None) -> None:
        self.home = home
        self.dir = folder or home.index / self.name
        self.version_file = home.index / "SCHEMA_VERSION"
        analysis.set_cache_dir(home.index / "jieba-cache")

    @property
    def version(self) -> str:
        return f"{self.name}-{SCHEMA_VERSION}"

    def usable(self) -> bool:
        if not self.version_file.exists() or self.version_file.read_text().strip() != self.version:
            return False
        try:
            return self._opens()
        except Exception as exc:  # any failure to open means "rebuild from the catalog", but say why
            log.warning("search index %s cannot be opened (%s: %s); it will be rebuilt", self.dir, type(exc).__name__, exc)
            return False

    def _schema(self):  # type: ignore[no-untyped-def]
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("hid", stored=True, tokenizer_name="raw")
        sb.add_text_field("fp", stored=True, tokenizer_name="raw", index_option="basic")
        for f in self.TEXT:
            sb.add_text_field(f, stored=False, tokenizer_name="whitespace", index_option="position")
        for f in self.RAW:
            sb.add_text_field(f, stored=False, tokenizer_name="raw", index_option="basic")
        return sb.build()

    def open(self):  # type: ignore[no-untyped-def]
        import tantivy

        return tantivy.Index(self._schema(), path=str(self.dir), reuse=True)

    def _opens(self) -> bool:
        return (self.dir / "meta.json").exists() and self.open().searcher().num_docs >= 0

    def create_empty(self) -> None:
        import tantivy

        self.dir.mkdir(parents=True, exist_ok=True)
        tantivy.Index(self._schema(), path=str(self.dir), reuse=False)

    def stored_fingerprints(self) -> dict[str, str]:
        import tantivy

        ix = self.open()
        s = ix.searcher()
        n = s.num_docs
        if not n:
            return {}
        out = {}
        for _, addr in s.search(tantivy.Query.all_query(), n).hits:
            d = s.doc(addr)
            out[d["hid"][0]] = d["fp"][0]
        return out

    def update(self, cat: Catalog, households: list[Household], reporter=None) -> None:  # type: ignore[no-untyped-def]
        import tantivy

        if not households:
            return
        analysis.add_words(w for h in households for w in [h.village, h.township, *(m.name for m in h.members)])
        ix = self.open()
        writer = ix.writer(heap_size=256_000_000, num_threads=1)
        for h in households:
            fields = _fields(h, _texts(cat, h))
            writer.delete_documents_by_term("hid", fields["hid"])
            writer.add_document(tantivy.Document(**{k: v for k, v in fields.items() if v != ""}))
            if reporter:
                reporter.advance()
        writer.commit()
        writer.wait_merging_threads()

    def delete(self, hids: list[str]) -> None:
        if not hids:
            return
        writer = self.open().writer(heap_size=50_000_000, num_threads=1)
        for hid in hids:
            writer.delete_documents_by_term("hid", hid)
        writer.commit()
        writer.wait_merging_threads()

    def hits(self, q: query.Query, scope: Scope, limit: int) -> tuple[int, list[tuple[int, float]]]:
        """Best first; equal scores in household order. Why: tantivy orders ties by where a document sits in
        its segments, so the same archive re-indexed (a restore, `reindex`, another server's index) would list
        "收入证明"'s many equal hits in another order — staff and tests must see one answer."""
        ix = self.open()
        s = ix.searcher()
        found = s.search(query.to_tantivy(q, scope, ix.schema), limit + TIE_MARGIN)
        rows = sorted(((int(s.doc(addr)["hid"][0]), float(score)) for score, addr in found.hits),
                      key=lambda r: (-round(r[1], 4), r[0]))
        return found.count or 0, rows[:limit]

    def search(self, cat: Catalog, text: str, limit: int = 20, scope: Scope | None = None,
               offset: int = 0) -> SearchResult:
        """`limit` households from `offset` on; `total` counts every matching household, not those returned."""
        q = query.parse(text)
        if scope is not None and scope.nothing:
            return SearchResult(text, 0, [])
        offset = max(offset, 0)
        total, rows = self.hits(q, scope or Scope(), limit + offset)
        results = []
        for hid, score in rows[offset:]:
            h = cat.household(hid, scope or Scope())  # the index's area terms, checked again by the catalog
            if h is None:
                continue
            docs, snippet = query.matched_documents(cat, h, q)
            results.append(Hit(h, score, docs, snippet))
        return SearchResult(text, total, results)


def open_index(home: Home, folder: Path | None = None) -> SearchIndex:
    """The home's search index (tantivy: the one engine)."""
    return SearchIndex(home, folder)


LEGACY = "whoosh"  # the engine before tantivy: the name of its folder and its SCHEMA_VERSION prefix
LEGACY_MESSAGE = ("检索索引是旧版 whoosh 格式，本版本已不再支持，请运行 dibao reindex 重建检索索引 / "
                  "the search index is an old whoosh index: run `dibao reindex` to rebuild it")


def legacy_whoosh(home: Home) -> bool:
    """An index an older dibao built with whoosh: SCHEMA_VERSION says so, or index/whoosh still holds
    whoosh's table of contents (`_MAIN_*.toc`). `dibao reindex` builds tantivy in its place."""
    version = home.index / "SCHEMA_VERSION"
    if version.exists() and version.read_text().strip().startswith(f"{LEGACY}-"):
        return True
    folder = home.index / LEGACY
    return folder.is_dir() and any(folder.glob("_MAIN_*.toc"))


@dataclass
class Hit:
    household: Household
    score: float
    matched_documents: list[str] = field(default_factory=list)
    snippet: str = ""


@dataclass
class SearchResult:
    query: str
    total: int
    results: list[Hit]


def _texts(cat: Catalog, h: Household) -> list[str]:
    pages = [t for d in h.documents for t in cat.page_texts(d.document_id)]
    return pages + [u for t in pages if (u := analysis.unwrapped(t)) != t]


def sync(home: Home, cat: Catalog, reporter=None) -> int:  # type: ignore[no-untyped-def]
    """Apply the catalog's pending index updates (after every ingest or correction); rebuild when the index is
    unusable. One process at a time writes the index (archiver/index/writer.py): when another holds the
    writer lock this returns at once and the holder applies what this process queued. Returns how many
    households were applied, -1 after a rebuild."""
    done = 0
    for _ in range(_ROUNDS):
        # an unusable index must be rebuilt before anyone can search: wait for a drain in progress to end
        must_build = not open_index(home).usable()
        try:
            with writer.held(home.index, wait=must_build):
                n = _drain(home, cat, reporter)
        except writer.IndexBusy:
            log.info("search index being written by another process; its queue is drained there")
            return done
        except Exception as exc:
            if writer.storage_error(exc, home.index):  # the catalog holds the truth: the queue waits for room, the batch says why
                log.warning("search index not written, the disk is full or read-only (%s); updates stay queued", exc)
                return done
            if not writer.busy_error(exc):
                raise
            log.warning("search index held by another writer (%s); updates stay queued", exc)
            return done
        if n < 0:
            return n
        done += n
        if cat.log_head() <= position.read(home.index):  # logged meanwhile by one that found the lock held
            return done
    return done


_ROUNDS = 5  # drains in a row when others keep queueing; what is left waits for the next sync


def _drain(home: Home, cat: Catalog, reporter=None) -> int:  # type: ignore[no-untyped-def]
    """The log after this index's position into the index, under the writer lock."""
    idx = open_index(home)
    at = position.read(home.index)
    if not idx.usable() or not cat.pruned_below() <= at <= cat.log_head():  # rows pruned, or another catalog's
        _rebuild(home, cat, reporter)
        return -1
    rows = cat.log_after(at)
    dirty = sorted({hid for _, hid in rows})
    if not dirty:
        return 0
    if len(dirty) <= BULK:  # a watcher's one file: load those households, not the whole county
        households = {hid: h for hid in dirty if (h := cat.household(hid)) is not None}
    else:
        wanted = set(dirty)
        households = {h.id: h for h in cat.households(full=True) if h.id in wanted}
    if reporter:
        reporter.start(len(dirty), "更新检索索引 / indexing")
    idx.update(cat, list(households.values()), reporter)
    idx.delete([str(i) for i in dirty if i not in households])
    _applied(home, cat, rows[-1][0])
    return len(dirty)


def _applied(home: Home, cat: Catalog, top: int) -> None:
    """The index has committed everything up to `top`: store the position beside it, then in the catalog."""
    position.write(home.index, top)
    cat.report_position(position.name(home.index), top)


def sync_if_possible(home: Home, cat: Catalog, reporter=None) -> bool:  # type: ignore[no-untyped-def]
    """`sync` for a server that must answer anyway, and the after-commit hook's (archiver/index_hook.py): on a
    full or read-only disk the updates stay queued (the next sync applies them), the index stays as it is."""
    try:
        sync(home, cat, reporter)
    except OSError as exc:
        if exc.errno not in STORAGE_ERRNOS:
            raise
        logging.getLogger("dibao.index").warning("index not updated: %s", exc.strerror)
        return False
    return True


def rebuild(home: Home, cat: Catalog, reporter=None) -> None:  # type: ignore[no-untyped-def]
    """Build a fresh index beside the old one and swap, holding the writer lock (waiting for a drain in
    progress); the old one is only removed once the new one is whole."""
    with writer.held(home.index, wait=True):
        _rebuild(home, cat, reporter)


def _rebuild(home: Home, cat: Catalog, reporter=None) -> None:  # type: ignore[no-untyped-def]
    idx = open_index(home)
    top = cat.log_head()  # read first: a change committed after it is logged above it and applied again
    fresh = home.index / f"{idx.name}.new-{int(time.time())}"
    shutil.rmtree(fresh, ignore_errors=True)
    households = cat.households(full=True)
    try:
        building = type(idx)(home, fresh)
        building.create_empty()
        if reporter:
            reporter.start(len(households), "重建检索索引 / rebuilding index")
        building.update(cat, households, reporter)
        del building
    except BaseException:  # a full disk or an interruption leaves no half-built copy behind
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if idx.dir.exists():
        aside = home.index / f"{idx.name}.old-{int(time.time())}"
        idx.dir.rename(aside)
        shutil.rmtree(aside, ignore_errors=True)
    fresh.rename(idx.dir)
    idx.version_file.write_text(idx.version)
    (home.index / "meta.json").write_text(json.dumps({"backend": idx.name, "households": len(households)}))
    shutil.rmtree(home.index / LEGACY, ignore_errors=True)  # an older dibao's whoosh index: replaced now
    _applied(home, cat, top)


def drift(home: Home, cat: Catalog) -> list:  # type: ignore[no-untyped-def]
    """Index versus catalog. Updates still queued (an interrupted run) are a notice; any other
    difference, or an index that exists but cannot be opened, is an error."""
    from archiver.check import ERROR, WARNING, Finding

    idx = open_index(home)
    pending = set(cat.dirty_households(position.read(home.index)))
    if not idx.usable():
        if legacy_whoosh(home):  # nothing is lost (the catalog holds the truth): reindex builds tantivy in its place
            return [Finding(WARNING, "index_whoosh", LEGACY_MESSAGE)]
        if not idx.version_file.exists() and (pending or cat.counts()["households"] == 0):
            return [Finding(WARNING, "index_pending", "检索索引尚未建立，下次导入或检索时自动建立 / index not built yet")]
        return [Finding(ERROR, "index_missing", "检索索引缺失、损坏或版本过旧（dibao reindex 可重建）/ search index unusable")]
    stored = idx.stored_fingerprints()
    households = cat.households(full=True)
    stale = [h for h in households if stored.get(str(h.id)) != fingerprint(h)]
    behind = [h for h in stale if h.id in pending]
    wrong = [h for h in stale if h.id not in pending]
    extra = set(stored) - {str(h.id) for h in households} - {str(i) for i in pending}
    out = []
    if behind:
        out.append(Finding(WARNING, "index_pending", f"{len(behind)} 户的检索索引待更新（上次导入被中断），下次导入时自动完成 / "
                                                     "index updates pending"))
    if wrong:
        out.append(Finding(ERROR, "index_drift", f"检索索引与目录不一致：{len(wrong)} 户（如 {wrong[0].key}）/ index drift"))
    if extra:
        out.append(Finding(ERROR, "index_extra", f"检索索引中有 {len(extra)} 户目录中不存在 / index has unknown households"))
    if lag := lag_of(home, cat):
        out.append(Finding(WARNING, "index_lag", f"本服务器的检索索引落后目录 {lag} 条变更，稍后自动追上 / index lag {lag}"))
    return out


def lag_of(home: Home, cat: Catalog) -> int:
    """Change-log rows this server's index has yet to apply."""
    return cat.log_lag(position.read(home.index))

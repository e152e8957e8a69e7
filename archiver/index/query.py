"""The staff query language: plain words (all must match), "quoted phrases", filters such as
村:红旗村 类型:收入证明 状态:在保 分类:C 乡镇:城关镇 类别:城市, and bare digits → ID-number suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.catalog import Catalog, Scope
from archiver.catalog.models import Household
from archiver.privacy import scrub

from . import analysis

FILTERS = {"村": "village", "社区": "village", "乡镇": "township", "镇": "township", "乡": "township",
           "街道": "township", "类型": "doctypes", "状态": "status", "分类": "category", "类别": "area_type",
           "城乡": "area_type"}
_TOKEN = re.compile(r'"([^"]+)"|“([^”]+)”|(\S+)')


@dataclass
class Query:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    digits: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        return self.words + self.phrases + self.digits


_SURNAME = re.compile(r"[\u4e00-\u9fff]")
_CLASS = re.compile(r"[abcABC]类")


def parse(text: str) -> Query:
    q = Query()
    text = analysis.normalise(text)
    if re.fullmatch(r"[a-z]+(?: +[a-z]+)+", text.strip()):  # a name in pinyin as people type it: li jin zhong
        text = text.replace(" ", "")
    for m in _TOKEN.finditer(text):
        phrase = m.group(1) or m.group(2)
        if phrase:
            q.phrases.append(phrase.strip())
            continue
        tok = m.group(3)
        key, sep, value = tok.partition(":")
        if sep and key in FILTERS and value:
            field_name = FILTERS[key]
            if field_name == "doctypes":
                from archiver.classify import normalise_type

                value = (normalise_type(value) or value).replace("/", "")
            q.filters[field_name] = value.upper() if field_name == "category" else value
        elif _CLASS.fullmatch(tok):  # A类 / B类 / C类: the 分类管理 class, as staff say it
            q.filters["category"] = tok[0].upper()
        elif re.fullmatch(r"\d{3,17}[\dx]", tok):
            q.digits.append(tok.upper())
        else:
            q.words.append(tok)
    return q


def exact_terms(q: Query, scope: Scope) -> list[tuple[str, str]]:
    """The filters typed by staff plus the user's area (属地管理): exact terms both backends AND in."""
    out = list(q.filters.items())
    if scope.township:
        out.append(("township", scope.township))
    if scope.village:
        out.append(("village", scope.village))
    return out


def homophone(word: str) -> str:
    """The full pinyin of a name-like word (2–4 Chinese characters), matched against the names' pinyin."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", word):
        return ""
    return analysis.pinyin_forms(word)[0]


def to_tantivy(q: Query, scope: Scope, schema):  # type: ignore[no-untyped-def]
    """The parsed query as tantivy clauses (names boosted 4×, ID numbers 8×: who a household is outranks a word on one of its pages)."""
    from tantivy import Occur
    from tantivy import Query as T

    def term(f: str, v: str):  # type: ignore[no-untyped-def]
        return T.term_query(schema, f, v)

    def all_of(qs: list):  # type: ignore[no-untyped-def]
        return qs[0] if len(qs) == 1 else T.boolean_query([(Occur.Must, x) for x in qs])

    def seq(f: str, toks: list[str]):  # type: ignore[no-untyped-def]
        words: list[str | tuple[int, str]] = list(toks)
        return T.phrase_query(schema, f, words) if len(toks) > 1 else term(f, toks[0])

    clauses = []
    for w in q.words:
        options = [T.boost_query(term("names", w), 4.0)]
        toks = analysis.words(w)
        if toks:
            options.append(all_of([term("words", t) for t in toks]))
        grams = analysis.bigrams(w)
        if grams:
            options.append(seq("grams", grams))
        sound = homophone(w)
        if sound:
            options.append(T.boost_query(term("names", sound), 0.2))
        if _SURNAME.fullmatch(w):  # a surname alone (陶): every household with a member of that name
            options.append(T.regex_query(schema, "names", re.escape(w) + ".+"))
        clauses.append(T.boolean_query([(Occur.Should, o) for o in options]))
    for p in q.phrases:
        grams = analysis.bigrams(p)
        clauses.append(seq("grams", grams) if grams else all_of([term("words", t) for t in analysis.words(p)]))
    for d in q.digits:
        clauses.append(T.boost_query(term("ids", d), 8.0))
    clauses += [term(f, v) for f, v in exact_terms(q, scope)]
    return all_of(clauses) if clauses else T.all_query()


def matched_documents(cat: Catalog, h: Household, q: Query) -> tuple[list[str], str]:
    """Which of the household's documents contain the query's words, and a highlighted snippet."""
    needles = [analysis.normalise(t) for t in q.words + q.phrases if not re.fullmatch(r"[a-z]+", t)]
    docs: list[str] = []
    snippet = ""
    for d in h.documents:
        text = analysis.normalise(analysis.unwrapped("\n".join(cat.page_texts(d.document_id))))
        hits = [n for n in needles if n in text or n in analysis.normalise(d.type)]
        type_hit = q.filters.get("doctypes") and d.type.replace("/", "") == q.filters["doctypes"]
        if hits or type_hit or (q.digits and any(x in text for x in q.digits)):
            docs.append(str(d.document_id))
            if hits and not snippet:
                snippet = _snippet(text, hits[0])
    if not snippet and needles:
        names = " ".join(m.name for m in h.members)
        for n in needles:
            if n in analysis.normalise(names):
                snippet = _snippet(analysis.normalise(names), n)
                break
    return docs, snippet


def _snippet(text: str, needle: str, width: int = 24) -> str:
    """A window of text around the needle; ID and account numbers are masked before cutting, so no
    window can show one, whole or in part."""
    text = scrub(text)
    i = text.find(needle)
    if i < 0:
        return ""
    start, end = max(0, i - width), min(len(text), i + len(needle) + width)
    flat = lambda s: s.replace("\n", " ")  # noqa: E731
    return ("…" if start else "") + flat(text[start:i]) + "【" + needle + "】" + flat(text[i + len(needle):end]) + (
        "…" if end < len(text) else "")

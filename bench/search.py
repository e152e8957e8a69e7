"""Benchmark: search at county scale — 100,000 households with 1,000,000 OCR pages of Zipf-distributed text.

Engines on the same segmented text, same run: dibao's tantivy backend, queried through dibao's own query
builder (names, jieba words and bigram phrases OR-ed per word — more work per query than the baselines'
single-field terms) and SQLite FTS5 (baseline). whoosh, measured here until it was removed, is in
docs/PERFORMANCE.md's earlier tables. Segmentation by jieba is done once at ingest and is not timed here (STACK.md: ~117 s per
32 M characters on one core). Writes docs/PERFORMANCE.md section "Search".

Run: .venv/bin/python bench/search.py [HOUSEHOLDS] [PAGES_PER_HOUSEHOLD]
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402

COMMON = ["低保", "家庭", "收入", "申请", "村民", "生活", "困难", "证明", "调查", "人均", "标准", "审核", "复核", "情况",
          "成员", "健康", "务工", "种植", "养殖", "玉米", "土豆", "茶叶", "黑山羊", "土鸡", "住房", "砖木", "结构", "无", "同意"]


def vocabulary(rng: random.Random, n: int = 40_000) -> list[str]:
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    words = list(COMMON)
    while len(words) < n:
        words.append("".join(rng.choice(chars) for _ in range(rng.choice((2, 2, 2, 3, 4)))))
    return words


def zipf_sampler(rng: random.Random, words: list[str]):  # type: ignore[no-untyped-def]
    weights = [1 / (i + 1) for i in range(len(words))]
    cum = []
    t = 0.0
    for w in weights:
        t += w
        cum.append(t)

    def sample(k: int) -> list[str]:
        return rng.choices(words, cum_weights=cum, k=k)

    return sample


def grams(tokens: list[str]) -> list[str]:
    out = []
    for t in tokens:
        out.extend(t[i: i + 2] for i in range(len(t) - 1)) if len(t) > 1 else out.append(t)
    return out


def households(n: int, pages: int, rng: random.Random):  # type: ignore[no-untyped-def]
    words = vocabulary(rng)
    sample = zipf_sampler(rng, words)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    given = "秀英桂兰玉珍志强海涛子豪梓涵淑珍天佑思彤家旺春花小红大勇宇轩佳怡正军美华翠萍金凤世平玉龙学文晓燕长江雨涵树林"
    for i in range(n):
        name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        pid = f"5201{rng.randrange(10**13, 10**14)}"
        tokens = [name, f"村{i % 300}", f"乡{i % 20}"]
        for _ in range(pages):
            tokens += sample(60)
        yield i, name, pid, tokens


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def queries(rng: random.Random, names: list[str], ids: list[str], words: list[str]) -> list[tuple[str, list[str], str]]:
    qs = []
    for _ in range(40):
        qs.append(("name", [rng.choice(names)], ""))
        qs.append(("id-suffix", [rng.choice(ids)[-6:]], ""))
        qs.append(("common words", rng.sample(COMMON[:12], 2), ""))
        qs.append(("rare phrase", rng.sample(words[20000:], 1), ""))
        qs.append(("filter", [rng.choice(COMMON)], f"村{rng.randrange(300)}"))
    return qs


def run_tantivy(folder: Path, docs: list, qs: list) -> tuple[float, int, list[float]]:
    """Through dibao itself: the tantivy backend's schema and the staff query language's builder."""
    import tantivy

    from archiver.catalog import Scope
    from archiver.home import Home
    from archiver.index import TantivyIndex, query

    idx = TantivyIndex(Home(folder), folder / "tantivy")
    idx.create_empty()
    t = time.perf_counter()
    ix = idx.open()
    w = ix.writer(heap_size=512_000_000, num_threads=2)
    for i, name, pid, tokens in docs:
        w.add_document(tantivy.Document(hid=str(i), fp="", words=" ".join(tokens), grams=" ".join(grams(tokens)),
                                        names=name, ids=f"{pid} {pid[-4:]} {pid[-6:]}", village=tokens[1]))
    w.commit()
    w.wait_merging_threads()
    build = time.perf_counter() - t
    ix = idx.open()
    query.to_tantivy(query.parse("低保"), Scope(), ix.schema)  # loads jieba's dictionary once, untimed
    s = ix.searcher()
    lat = []
    for _kind, terms, village in qs:
        text = " ".join(terms) + (f" 村:{village}" if village else "")
        t = time.perf_counter()
        res = s.search(query.to_tantivy(query.parse(text), Scope(), ix.schema), 20)
        [s.doc(a) for _, a in res.hits]
        lat.append((time.perf_counter() - t) * 1000)
    return build, _size(folder / "tantivy"), lat


def run_fts5(folder: Path, docs: list, qs: list) -> tuple[float, int, list[float]]:
    db = sqlite3.connect(folder / "fts.sqlite")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(names, ids, words, village UNINDEXED, tokenize='unicode61', "
               "content='')")
    t = time.perf_counter()
    db.executemany("INSERT INTO t(rowid, names, ids, words, village) VALUES (?, ?, ?, ?, ?)",
                   ((i, name, f"{pid} {pid[-4:]} {pid[-6:]}", " ".join(tokens), tokens[1]) for i, name, pid, tokens in docs))
    db.commit()
    build = time.perf_counter() - t
    lat = []
    for kind, terms, village in qs:
        field = "ids" if kind == "id-suffix" else "names" if kind == "name" else "words"
        match = " AND ".join(f'{field}:"{x}"' for x in terms) + (f' AND words:"{village}"' if village else "")
        t = time.perf_counter()
        db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 20", (match,)).fetchall()
        lat.append((time.perf_counter() - t) * 1000)
    db.close()
    return build, _size(folder), lat


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    pages = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    rng = random.Random(7)
    t = time.perf_counter()
    docs = list(households(n, pages, rng))
    gen = time.perf_counter() - t
    names = [d[1] for d in docs]
    ids = [d[2] for d in docs]
    qs = queries(random.Random(3), names, ids, vocabulary(random.Random(7)))
    rows = []
    tmp = Path(tempfile.mkdtemp())
    try:
        for label, fn, subset in (("dibao backend `tantivy` (its schema and query builder)", run_tantivy, docs),
                                  ("SQLite FTS5 (baseline)", run_fts5, docs)):
            folder = tmp / label.split()[0].strip("`")
            folder.mkdir()
            build, size, lat = fn(folder, subset, qs)
            rows.append((label, build, size, statistics.median(lat), percentile(lat, 0.95)))
            shutil.rmtree(folder, ignore_errors=True)
            print(rows[-1], flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = rows[1]
    lines = [f"{n:,} households, {n * pages:,} pages (60 Zipf-distributed words each from a 40,000-word vocabulary; "
             f"generated in {gen:.0f} s), {len(qs)} queries: names, ID suffixes, two common words, rare phrases, word + village filter.",
             "", "| engine | build s | index MiB | p50 ms | p95 ms | p95 vs FTS5 |", "|---|---|---|---|---|---|"]
    for label, build, size, p50, p95 in rows:
        lines.append(f"| {label} | {build:.0f} | {size / 2**20:.0f} | {p50:.2f} | {p95:.2f} | {p95 / base[4]:.3f} |")
    lines += ["", "Goal: p95 ≤ 100 ms at county scale (tantivy, dibao's one search engine)."]
    write_section("Search", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

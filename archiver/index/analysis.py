"""One Chinese analysis chain, used at index time and at query time alike:
full-width → half-width (NFKC), traditional → simplified (OpenCC), lower case, then jieba words
(with a user dictionary of place and member names) and, beside them, character bigrams so that an
out-of-vocabulary name still matches (the lesson of paperless-ngx's CJK search).
"""

from __future__ import annotations

import functools
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba
import opencc
from pypinyin import Style, lazy_pinyin

_t2s = opencc.OpenCC("t2s")
_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
jieba.setLogLevel(60)
_dictionary_words: set[str] = set()


def set_cache_dir(folder: Path) -> None:
    """jieba caches its dictionary in a shared temp file by default; keep ours in our own folder."""
    folder.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(folder)


set_cache_dir(Path(tempfile.gettempdir()) / "dibao-jieba")


def normalise(text: str) -> str:
    return _t2s.convert(unicodedata.normalize("NFKC", text)).lower()


_WRAP = re.compile(r"(?<=[\u4e00-\u9fff\d，、])[ \t]*\n[ \t]*(?=[\u4e00-\u9fff\d])")


def unwrapped(text: str) -> str:
    """A scanned page's sentences as written: OCR ends a line where the paper did (承\n包耕地, 月租金38\n0元), so a
    phrase staff type across the break would never match; indexed beside the text as read."""
    return _WRAP.sub("", text)


def add_words(words: Iterable[str]) -> None:
    """Teach jieba the archive's names and places so 张秀英 stays one word."""
    for w in words:
        w = normalise(w.strip())
        if len(w) >= 2 and w not in _dictionary_words:
            jieba.add_word(w, freq=2000)
            _dictionary_words.add(w)


def words(text: str) -> list[str]:
    t = normalise(text)
    out: list[str] = []
    for chunk in _TOKEN.findall(t):
        if _CJK.fullmatch(chunk):
            out.extend(w for w in jieba.cut_for_search(chunk) if w.strip())
        else:
            out.append(chunk)
    return out


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each Chinese run, with digit/latin runs kept whole in sequence,
    so a phrase such as 养土鸡11只 only matches where the number is the same too."""
    out: list[str] = []
    for run in _TOKEN.findall(normalise(text)):
        if not _CJK.fullmatch(run) or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i: i + 2] for i in range(len(run) - 1))
    return out


@functools.lru_cache(maxsize=65536)
def pinyin_forms(name: str) -> tuple[str, str]:
    """(full, initials): 张秀英 → ('zhangxiuying', 'zxy')."""
    full = lazy_pinyin(name)
    return "".join(full), "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p)

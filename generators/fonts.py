"""The CJK fonts documents use: office fonts named in .docx (so Word on the office PC uses them), and an
installed free font (Noto CJK) for what we render ourselves (PDF, charts)."""

from __future__ import annotations

import functools
import glob

# GB/T 9704-2012 names as office PCs have them
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
KAITI_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"

_GLOBS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
          "/usr/share/fonts/**/NotoSerifCJK*.ttc", "/usr/share/fonts/**/NotoSansCJK*.ttc", "/usr/share/fonts/**/*wqy*.tt?",
          "/usr/share/fonts/**/*CJK*"]


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> str:
    for pattern in _GLOBS:
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    raise RuntimeError("没有找到中文字体，请运行 scripts/install-debian.sh（fonts-noto-cjk）/ no CJK font installed")

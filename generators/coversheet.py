"""Cover sheets (扫描封面): one A4 page per household with a QR code, for batch scanning.

Staff put a cover sheet in front of a household's papers; ingest routes every page after it to that
household until the next cover sheet. The summary shows masked ID numbers only.
"""

from __future__ import annotations

import base64
from pathlib import Path

from archiver import qr
from archiver.catalog.models import Household
from archiver.privacy import mask_id

from .render import CJK_FONTS, esc, html_to_pdf


def _page(h: Household, office: str, secret: bytes | None) -> str:
    img = base64.b64encode(qr.png(h.key, scale=10, secret=secret)).decode()
    members = "".join(f"<tr><td>{esc(m.name)}</td><td>{esc(m.relation)}</td><td>{esc(mask_id(m.id_number))}</td></tr>"
                      for m in h.members if m.removed_on is None)
    return f"""<section class="sheet">
<h1>低保档案扫描封面</h1>
<p class="office">{esc(office)}</p>
<img class="qr" src="data:image/png;base64,{img}" alt="QR">
<p class="key">户编号 {esc(h.key)}</p>
<table class="info">
<tr><th>乡镇</th><td>{esc(h.township)}</td><th>村(社区)</th><td>{esc(h.village)}</td></tr>
<tr><th>户主</th><td>{esc(h.head_name)}</td><th>身份证号</th><td>{esc(mask_id(h.head_id_number))}</td></tr>
<tr><th>类别</th><td>{esc(h.area_type)}</td><th>分类</th><td>{esc(h.category or '')}</td></tr>
</table>
<table class="members"><tr><th>成员</th><th>关系</th><th>身份证号</th></tr>{members}</table>
<p class="hint">请将本页放在该户材料的最前面一并扫描；下一张封面之前的所有页面都将归入此户。</p>
<p class="payload">{esc(qr.payload(h.key, secret=secret))}</p>
</section>"""


def render(households: list[Household], office: str, out: Path, secret: bytes | None) -> Path:
    """The sheets, their codes signed with `secret` (archiver/codekeys.py: the home's current key)."""
    css = f"""@page {{ size: A4; margin: 20mm; }}
body {{ font-family: {CJK_FONTS}; }}
.sheet {{ page-break-after: always; text-align: center; }}
h1 {{ font-size: 26pt; margin: 10mm 0 4mm; }}
.office {{ font-size: 14pt; }}
.qr {{ width: 70mm; height: 70mm; margin: 8mm auto; display: block; }}
.key {{ font-size: 20pt; font-weight: bold; }}
table {{ margin: 6mm auto; border-collapse: collapse; font-size: 13pt; }}
td, th {{ border: 1px solid #333; padding: 2mm 4mm; }}
.hint {{ font-size: 11pt; margin-top: 10mm; }}
.payload {{ font-size: 6pt; color: #999; }}"""
    body = "".join(_page(h, office, secret) for h in households)
    markup = f'<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head><body>{body}</body></html>'
    return html_to_pdf(markup, out)

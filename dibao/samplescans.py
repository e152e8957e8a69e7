"""Scanned forms for the synthetic county: printed A4 forms rendered with a CJK font, then made to look
scanned (slight rotation, noise, JPEG artefacts), saved as JPG or image-only PDF with scanner names."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from generators.fonts import cjk_font_path as font_path

if TYPE_CHECKING:
    from .samplecounty import SimHousehold

def render_form(lines: list[str], dpi: int = 150, rotate: float = 0.0, noise: float = 0.0, seed: int = 0) -> Image.Image:
    """An A4 page with a title and lines of text, optionally rotated and speckled like a scan."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    title = ImageFont.truetype(font_path(), int(dpi * 0.19))
    body = ImageFont.truetype(font_path(), int(dpi * 0.12))
    y = int(dpi * 0.6)
    tw = draw.textlength(lines[0], font=title)
    draw.text(((w - tw) / 2, y), lines[0], font=title, fill=0)
    y += int(dpi * 0.45)
    for line in lines[1:]:
        draw.text((int(dpi * 0.5), y), line, font=body, fill=0)
        y += int(dpi * 0.25)
    if noise:
        rng = random.Random(seed)
        px = img.load()
        assert px is not None
        for _ in range(int(w * h * noise)):
            px[rng.randrange(w), rng.randrange(h)] = rng.randrange(0, 200)
        img = img.filter(ImageFilter.GaussianBlur(0.4))
    if rotate:
        img = img.rotate(rotate, expand=False, fillcolor=255, resample=Image.Resampling.BICUBIC)
    return img


def to_jpeg(img: Image.Image, quality: int = 70) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def to_pdf(images: list[Image.Image]) -> bytes:
    """An image-only PDF (no text layer), as a scanner's PDF mode writes."""
    buf = io.BytesIO()
    images[0].convert("RGB").save(buf, format="PDF", save_all=True, append_images=[i.convert("RGB") for i in images[1:]],
                                  resolution=150)
    return buf.getvalue()


def form_lines(kind: str, h: SimHousehold, day: dt.date) -> list[str]:
    head = h.members[0]
    date = f"{day.year}年{day.month}月{day.day}日"
    if kind == "申请书":
        return ["最低生活保障申请书", f"申请人：{head.name}  身份证号：{head.id_number}", f"家庭住址：{h.township}{h.village}",
                f"家庭人口：{len(h.members)}人", "本人家庭生活困难，特申请最低生活保障。", f"申请人签字：{head.name}", date]
    if kind == "入户调查表":
        return ["最低生活保障家庭经济状况入户调查表", f"乡镇：{h.township}  村（社区）：{h.village}",
                f"户主：{head.name}  身份证号：{head.id_number}",
                *[f"成员：{m.name} {m.relation}" for m in h.members[1:]], f"调查日期：{date}"]
    if kind == "复核记录":
        return ["低保对象定期复核记录", f"户主：{head.name}  身份证号：{head.id_number}",
                f"分类：{h.category}类  复核日期：{date}", "复核结论：家庭情况无明显变化，继续享受。"]
    if kind == "民主评议记录":
        return ["低保民主评议记录", f"评议时间：{date}  地点：{h.village}村委会", f"评议对象：{head.name}（{h.village}）",
                "评议结论：符合低保条件，同意上报。"]
    return ["最低生活保障审核确认表", f"户主：{head.name}  身份证号：{head.id_number}", f"保障类别：{h.type}  分类：{h.category}类",
            f"审批日期：{date}"]


def write_scans(inbox: Path, hh: list[SimHousehold], rng: random.Random, limit: int = 12) -> list[dict]:
    """A handful of scans per run: enough to show filing, a PDF, a review and a name-only form."""
    out = []
    chosen = [h for h in hh if h.end is None][:limit]
    for i, h in enumerate(chosen):
        kind = ["申请书", "入户调查表", "复核记录", "民主评议记录", "审批表"][i % 5]
        day = dt.date(2025, 1 + i % 12, 1 + i % 27)
        img = render_form(form_lines(kind, h, day), rotate=rng.uniform(-1.5, 1.5), noise=0.002, seed=i)
        name = f"SCAN_{day:%Y%m%d}_{i:04d}"
        if i % 4 == 3:
            (inbox / f"{name}.pdf").write_bytes(to_pdf([img]))
            name += ".pdf"
        else:
            (inbox / f"{name}.jpg").write_bytes(to_jpeg(img))
            name += ".jpg"
        out.append({"file": name, "household": h.no, "type": kind, "date": day.isoformat()})
    return out

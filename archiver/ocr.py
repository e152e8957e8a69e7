"""Offline Chinese OCR: rapidocr 3.x on onnxruntime, with the PP-OCR models its wheel ships.

The model files are named explicitly (MODELS): rapidocr 3.x downloads any model that is not bundled,
so naming the bundled files makes a missing one an error instead of a silent download.
One engine per process, loaded on first use, with `threads` onnxruntime threads (0: onnxruntime's own
choice, all cores); the OCR pool (archiver/ocr_pool.py) runs several 1–2-thread engines instead. Pages turned by 90°/180° are tried in the other
orientations when the first reading looks wrong (tall boxes or low confidence).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

log = logging.getLogger("dibao.ocr")
_engine = None
_lock = threading.Lock()
_threads = 0
MODELS = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx", "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}
MAX_SIDE = 1600  # larger scans are shrunk first: measured 0.7 s vs 1.2 s a page with the same text on 150–200 dpi forms


@dataclass
class Reading:
    text: str
    confidence: float
    rotation: int


def set_threads(threads: int) -> None:
    """onnxruntime threads for this process's engine (0: its default); only before the first page."""
    global _threads
    _threads = max(int(threads), 0)


def model_paths() -> dict[str, Path]:
    import rapidocr

    folder = Path(rapidocr.__file__).parent / "models"
    return {k: folder / name for k, name in MODELS.items()}


def engine():  # type: ignore[no-untyped-def]
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR

            paths = model_paths()
            missing = [str(p) for p in paths.values() if not p.is_file()]
            if missing:
                raise RuntimeError(f"OCR model files missing from the rapidocr package: {missing}")
            params: dict[str, object] = {"Global.log_level": "error"}
            params.update({f"{k}.model_path": str(p) for k, p in paths.items()})
            if _threads:
                params["EngineConfig.onnxruntime.intra_op_num_threads"] = _threads
                params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            _engine = RapidOCR(params=params)
        return _engine


def _run(img: Image.Image) -> tuple[list[tuple[list, str, float]], float, float]:
    arr = np.asarray(img.convert("RGB"))
    out = engine()(arr)
    lines = [] if out.boxes is None else [(b.tolist(), str(t), float(sc))
                                          for b, t, sc in zip(out.boxes, out.txts, out.scores, strict=True)]
    if not lines:
        return [], 0.0, 0.0
    conf = sum(float(s) * len(t) for _, t, s in lines) / max(sum(len(t) for _, t, _ in lines), 1)
    tall = sum(1 for box, t, _ in lines if len(t) > 2 and _box_h(box) > 1.5 * _box_w(box))
    return lines, conf, tall / len(lines)


def _box_w(box: list) -> float:
    return float(np.hypot(box[1][0] - box[0][0], box[1][1] - box[0][1]))


def _box_h(box: list) -> float:
    return float(np.hypot(box[3][0] - box[0][0], box[3][1] - box[0][1]))


def _ordered_text(lines: list[tuple[list, str, float]]) -> str:
    """Lines top to bottom, then left to right; boxes on one baseline join with a space."""
    items = sorted(((min(p[1] for p in b), min(p[0] for p in b), _box_h(b), t) for b, t, _ in lines))
    out: list[list[tuple[float, str]]] = []
    last_y, last_h = -1e9, 0.0
    for y, x, h, t in items:
        if out and abs(y - last_y) < 0.5 * max(h, last_h):
            out[-1].append((x, t))
        else:
            out.append([(x, t)])
            last_y, last_h = y, h
    return "\n".join(" ".join(t for _, t in sorted(row)) for row in out)


def read_image(img: Image.Image, max_side: int | None = None) -> Reading:
    """OCR one page. `max_side` lets a second reading use another scale: the text detector
    occasionally drops a whole line at one scale and finds it at another."""
    img = img.convert("L") if img.mode not in ("L", "RGB") else img
    limit = max_side or MAX_SIDE
    if max(img.size) > limit:
        scale = limit / max(img.size)
        img = img.resize((int(img.width * scale), int(img.height * scale)))
    lines, conf, tall = _run(img)
    best = Reading(_ordered_text(lines), conf, 0)
    if tall > 0.5 or conf < 0.75 or len(best.text) < 8:
        for angle in (90, 270, 180):
            lines2, conf2, tall2 = _run(img.rotate(angle, expand=True, fillcolor="white"))
            text2 = _ordered_text(lines2)
            if conf2 * len(text2) > best.confidence * len(best.text) * 1.2 and tall2 < 0.5:
                best = Reading(text2, conf2, angle)
    return best

"""Upload into the inbox from the browser: the same door as the scanner share, so the same pipeline
(read, route, file or quarantine) takes it. Each file is written under a temporary name and renamed
when complete, so the watcher never reads half a file; the upload is audited and recorded in the uploads table with its
checksum, which is how the page later shows what became of it."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from archiver.filing import inside
from archiver.pipeline import ignored
from archiver.privacy import scrub

from .session import Reader, Viewer, Writer
from .templating import page

router = APIRouter()
MAX_BYTES = 200 * 1024 * 1024
MAX_REQUEST_BYTES = 5 * MAX_BYTES  # one request (several files) is refused before spooling beyond this
MAX_NAME_BYTES = 150
OUTCOMES = {"archived": "已归档", "updated": "已导入", "duplicate": "重复（已有相同文件）", "quarantined": "已隔离，待人工处理",
            "rejected": "已隔离，待人工处理"}


def safe_name(name: str) -> str:
    """The file's own name only (browsers may send a path), without characters a share cannot hold,
    at most MAX_NAME_BYTES bytes (long Chinese names: 3 bytes a character) with its suffix kept."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "_", base).strip(" .")
    stem, suffix = os.path.splitext(base)
    if len(suffix.encode()) > 16:
        stem, suffix = base, ""
    while len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem + suffix) if stem else f"upload{suffix}"


def _target(folder: Path, name: str) -> Path:
    stem, suffix = os.path.splitext(name)
    path, n = inside(folder, name, limit=MAX_NAME_BYTES), 1
    while path.exists() or path.with_name(path.name + ".part").exists():
        n += 1
        path = inside(folder, f"{stem}_{n}{suffix}", limit=MAX_NAME_BYTES)
    return path


@router.get("/upload", response_class=HTMLResponse)
def form(request: Request, v: Reader) -> Response:
    return page(request, "upload.html", v.user, watching=request.app.state.watcher is not None and request.app.state.watcher.running(),
                uploads=_uploads(v), limit_mb=MAX_BYTES // 1024 // 1024)


@router.get("/upload/status", response_class=HTMLResponse)
def status(request: Request, v: Reader) -> Response:
    return page(request, "upload_status.html", v.user, uploads=_uploads(v))


@router.post("/upload")
async def receive(request: Request, v: Writer) -> Response:
    form_data = await request.form()
    files = [f for f in form_data.getlist("files") if isinstance(f, UploadFile) and f.filename]
    folder = inside(v.home.inbox / "网页上传", v.name)
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[dict] = []
    refused: list[dict] = []
    notes: list[dict] = []
    for f in files:
        name = safe_name(f.filename or "")
        shown = scrub(name)  # what the answer says of it: an ID number in the name masked
        if ignored(name):  # a temp or lock file's name: the watcher would never take it
            refused.append({"name": shown, "reason": "文件名像临时文件或锁定文件（如 ~$、.tmp、.part），不会被归档；"
                                                    "请改名后再上传 / a temp-file name"})
            continue
        if name != (f.filename or "").split("/")[-1].split("\\")[-1]:
            notes.append({"name": shown, "reason": f"文件名已调整为“{shown}” / name shortened or cleaned"})
        path = _target(folder, name)
        part = path.with_name(path.name + ".part")
        digest, size = hashlib.sha256(), 0
        try:
            with open(part, "wb") as out:
                while chunk := await f.read(1 << 20):
                    size += len(chunk)
                    if size > MAX_BYTES:
                        break
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:  # a full or read-only disk: say so, leave nothing half-written
            part.unlink(missing_ok=True)
            refused.append({"name": shown, "reason": f"服务器磁盘已满或不可写，未能保存，请联系管理员 / not saved: {exc.strerror}"})
            continue
        if size > MAX_BYTES or size == 0:
            part.unlink()
            refused.append({"name": shown, "reason": f"文件为空或超过 {MAX_BYTES // 1024 // 1024} MB / empty or too large"})
            continue
        os.replace(part, path)
        v.audit("upload", shown, f"sha256={digest.hexdigest()}")
        v.cat.add_upload(v.name, shown, digest.hexdigest(), size)  # the name as shown: any ID number masked
        saved.append({"name": shown, "size": size})
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse({"saved": saved, "refused": refused, "notes": notes},
                            status_code=200 if saved or not refused else 400)
    return RedirectResponse("/upload", status_code=303)


def _uploads(v: Viewer, limit: int = 30) -> list[dict]:
    """This user's recent uploads with what the pipeline made of each: the household and type each page was
    filed as (a link), or the quarantine item waiting for a person (a link, with the reason)."""
    out = []
    for r in v.cat.uploads(v.name, limit):
        done = r["outcome"] is not None
        filed, held = _destinations(v, r["sha256"]) if done else ([], [])
        out.append({"name": scrub(r["name"]), "at": dt.datetime.fromisoformat(r["at"]).strftime("%Y-%m-%d %H:%M"),
                    "state": OUTCOMES.get(r["outcome"], r["outcome"]) if done else "等待处理",
                    "reason": (r["reason"] or "") if done else "", "done": done, "filed": filed, "held": held})
    return out


def _destinations(v: Viewer, sha256: str) -> tuple[list[dict], list[dict]]:
    from urllib.parse import quote

    from archiver.catalog.models import provisional_key

    from .templating import prose_date

    docs, items = v.cat.upload_destinations(sha256)
    filed = []
    for d in docs:
        key = d["household_no"] or provisional_key(int(d["household_id"]))
        if v.cat.household(int(d["household_id"]), v.scope) is None:  # filed outside the uploader's area
            filed.append({"text": "已归档（所属户不在您的辖区）", "url": ""})
            continue
        parts = [f"{d['head_name']}户（{key}）", d["type"], prose_date(d["date"]) if d["date"] else "日期不详"]
        filed.append({"text": "已归档到 " + " · ".join(parts) + ("（已移入回收站）" if d["trashed_at"] else ""),
                      "url": f"/households/{quote(key, safe='')}"})
    held = [{"text": f"待人工处理（{str(q['reason'] or '').split(' / ')[0]}）", "url": f"/quarantine/{q['id']}"} for q in items]
    return filed, held

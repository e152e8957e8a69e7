"""拍照上传到本户 (issue 25): on a home visit the phone's camera photographs a paper and files it straight to
the household whose page is open, as the type staff chose. The photo goes through the same pipeline as
every scan (stored, read, indexed); where the pipeline would have put it elsewhere or held it in quarantine,
staff's choice on this page decides, recorded as a correction with who and when."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from archiver import doctypes
from archiver.catalog.models import Household
from archiver.filing import inside
from archiver.policy import load as load_policy

from .session import Refused, Viewer, Writer

router = APIRouter()
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".tif", ".tiff"}
MAX_PHOTO_BYTES = 40 * 1024 * 1024


def _back(h: Household, what: str) -> Response:
    return RedirectResponse(f"/households/{quote(h.key, safe='')}?{what}", status_code=303)


@router.post("/households/{key}/photo")
async def photo(request: Request, v: Writer, key: str) -> Response:
    h = v.household(key)
    form = await request.form()
    f = form.get("photo")
    chosen = doctypes.normalise(load_policy(v.home.root), str(form.get("doc_type", "")))
    if chosen is None:
        raise Refused("scope", f"photo type {form.get('doc_type')}", v.name)
    if not isinstance(f, UploadFile) or not f.filename:
        return _back(h, "error=photo")
    suffix = Path(f.filename).suffix.lower() if Path(f.filename).suffix.lower() in IMAGE_SUFFIXES else ".jpg"
    v.home.tmp.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="web-photo-", dir=v.home.tmp))
    try:
        path = inside(folder, f"拍照_{h.key}_{dt.datetime.now().strftime('%Y%m%d%H%M%S')}{suffix}")
        size = 0
        with open(path, "wb") as out:
            while chunk := await f.read(1 << 20):
                size += len(chunk)
                if size > MAX_PHOTO_BYTES:
                    return _back(h, "error=photo")
                out.write(chunk)
        done = file_photo(v, h, path, chosen)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _back(h, f"done={done}")


def file_photo(v: Viewer, h: Household, path: Path, doc_type: str) -> str:
    """Ingest the photo, then make sure it is filed to `h` as `doc_type`; returns the page's done-code."""
    from archiver import corrections, quarantine
    from archiver.filing import sha256_of
    from archiver.pipeline import Ingestor

    digest = sha256_of(path)
    Ingestor(v.home, v.cat).run([path], source="web-photo")
    docs, held = v.cat.upload_destinations(digest)
    if held:
        quarantine.assign(v.home, v.cat, int(held[0]["id"]), h.id, doc_type, v.name)
    for d in docs:
        if int(d["household_id"]) != h.id or d["type"] != doc_type:
            corrections.set_document(v.home, v.cat, int(d["document_id"]), v.name,
                                     household_id=h.id if int(d["household_id"]) != h.id else None,
                                     doc_type=doc_type if d["type"] != doc_type else None, remote=v.remote)
    v.audit("upload", path.name, f"拍照上传到本户 {doc_type}")
    return "photo" if docs or held else "photo_duplicate"

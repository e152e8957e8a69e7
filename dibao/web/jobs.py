"""Long work from the browser as a job with progress: a village's dossiers (one PDF per household and an
index, as a zip) and a village's cover sheets. The page shows how far it has got and then the result link.

A job runs in a thread on its own catalog connection; it belongs to the user who started it (anyone else is
told "not found"), and the same request from the same user while one is running returns that job, so a
double click starts nothing twice. Results live in HOME/tmp/web-* and go when the server restarts."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from archiver.catalog import Catalog, Scope
from archiver.home import Home
from archiver.policy import load as load_policy

from .session import Reader, Refused, Viewer, Writer
from .templating import is_htmx, page

router = APIRouter()
KINDS = {"dossiers": "整村一户一档", "coversheets": "整村扫描封面"}


@dataclass
class Job:
    id: str
    user: str
    kind: str
    target: str
    total: int = 0
    done: int = 0
    state: str = "排队中"
    result: Path | None = None
    error: str = ""
    started: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.result is not None or bool(self.error)

    @property
    def percent(self) -> int:
        return 100 if self.result is not None else int(100 * self.done / self.total) if self.total else 0


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def _start(v: Viewer, kind: str, village: str) -> Job:
    with _lock:
        for j in _jobs.values():
            if (j.user, j.kind, j.target) == (v.name, kind, village.rsplit("/", 1)[-1]) and not j.finished:
                return j  # the second click of a double click
        township, sep, name = village.partition("/")
        job = Job(uuid.uuid4().hex, v.name, kind, name if sep else village)
        _jobs[job.id] = job
    scope = Scope(township=township, village=name) if sep else Scope(township=v.scope.township, village=village)
    threading.Thread(target=_run, args=(v.home, job, scope), name=f"dibao-job-{kind}", daemon=True).start()
    return job


def _run(home: Home, job: Job, scope: Scope) -> None:
    cat = Catalog(home.catalog_path)
    try:
        home.tmp.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="web-job-", dir=home.tmp))
        households = cat.households(scope, full=job.kind == "dossiers")
        job.total, job.state = len(households), "进行中"
        if not households:
            raise ValueError(f"{job.target}没有户")
        policy = load_policy(home.root)
        if job.kind == "coversheets":
            from generators import coversheet

            out = coversheet.render(households, policy.office_name, folder / f"{job.target}_扫描封面.pdf")
            job.done = len(households)
        else:
            from generators import dossier

            rows = []
            parts = folder / job.target
            parts.mkdir()
            for h in households:
                rows.append((h, dossier.build(home, h, policy, parts / f"{h.key}_{h.head_name}.pdf")))
                job.done += 1
            dossier.write_index(rows, policy, parts, job.target)
            out = folder / f"{job.target}_一户一档.zip"
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for f in sorted(parts.rglob("*")):
                    if f.is_file():
                        z.write(f, f.relative_to(folder))
            shutil.rmtree(parts, ignore_errors=True)
        with cat.transaction():
            cat.audit(job.user, f"export.{job.kind}", job.target, out.name)
        job.result, job.state = out, "已完成"
    except Exception as exc:  # the page says what went wrong; the server goes on
        job.error, job.state = str(exc).split(" / ")[0] or "生成失败", "失败"
    finally:
        cat.close()


def _job(v: Viewer, job_id: str) -> Job:
    job = _jobs.get(job_id)
    if job is None or job.user != v.name:
        raise Refused("scope", f"job {job_id}", v.name)
    return job


@router.post("/jobs")
def start(v: Writer, kind: str = Form(...), village: str = Form(...)) -> Response:
    if kind not in KINDS:
        raise Refused("scope", f"job kind {kind}", v.name)
    if village not in v.villages():
        raise Refused("scope", f"job village {village}", v.name)
    job = _start(v, kind, village)  # a village as the reports form names it: a name, or a path 乡镇/村
    v.audit("job.start", village, KINDS[kind])
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def show(request: Request, v: Reader, job_id: str) -> Response:
    job = _job(v, job_id)
    name = "job_status.html" if is_htmx(request) else "job.html"
    return page(request, name, v.user, job=job, title=KINDS[job.kind])


@router.get("/jobs/{job_id}/result")
def result(v: Reader, job_id: str) -> Response:
    job = _job(v, job_id)
    if job.result is None or not job.result.exists():
        raise Refused("scope", f"job {job_id} result", v.name)
    v.audit(f"export.{job.kind}", job.target, f"下载 {job.result.name}")
    return FileResponse(job.result, filename=job.result.name)

"""Long work from the browser as a job with progress: a village's dossiers (one PDF per household and an
index, as a zip), a village's cover sheets, and the large reports (工作总结, 检查通报) that read a whole
county. The page shows how far it has got and then the result link.

A job runs in a thread on its own catalog connection; it belongs to the user who started it (anyone else is
told "not found"), and the same request from the same user while one is running returns that job, so a
double click starts nothing twice. Results live in HOME/tmp/web-job-* for a day, and go when the server
restarts."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from archiver import codekeys
from archiver.catalog import Catalog, Scope
from archiver.errors import UserError
from archiver.filing import inside
from archiver.home import Home
from archiver.policy import load as load_policy
from archiver.privacy import plain, scrub

from .session import Reader, Refused, Viewer, Writer
from .templating import is_htmx, page

router = APIRouter()
log = logging.getLogger("dibao.web")
KINDS = {"dossiers": "整村一户一档", "coversheets": "整村扫描封面", "summary": "年度工作总结", "inspection": "检查通报"}
KEEP_SECONDS = 24 * 3600  # a finished job's file stays this long (or until the server restarts)


@dataclass
class Job:
    id: str
    user: str
    kind: str
    target: str
    total: int = 0
    done: int = 0
    unit: str = "户"
    state: str = "排队中"
    result: Path | None = None
    error: str = ""
    started: float = field(default_factory=time.time)
    folder: Path | None = None

    @property
    def finished(self) -> bool:
        return self.result is not None or bool(self.error)

    @property
    def percent(self) -> int:
        return 100 if self.result is not None else int(100 * self.done / self.total) if self.total else 0

    def progress(self, step: str, done: int, total: int) -> None:
        """What a generator reports as it goes: the step it is on, and how many of how many are done."""
        self.state, self.done, self.total, self.unit = step, done, total, "步"


# the work of a job: given its own catalog connection, the job (for progress) and a private folder, it makes
# the result file in that folder and returns its path
Work = Callable[[Catalog, Job, Path], Path]

_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def launch(v: Viewer, kind: str, target: str, work: Work) -> Response:
    """Start (or, on a double click, find) the user's job and send the browser to its page."""
    job = _start(v.home, v.name, kind, target, work)
    v.audit("job.start", target, KINDS[kind])
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _start(home: Home, user: str, kind: str, target: str, work: Work) -> Job:
    with _lock:
        _prune()
        for j in _jobs.values():
            if (j.user, j.kind, j.target) == (user, kind, target) and not j.finished:
                return j  # the second click of a double click
        job = Job(uuid.uuid4().hex, user, kind, target)
        _jobs[job.id] = job
    threading.Thread(target=_run, args=(home, job, work), name=f"dibao-job-{kind}", daemon=True).start()
    return job


def _prune() -> None:
    """Forget jobs finished more than a day ago, and their files (called under the lock)."""
    old = [j for j in _jobs.values() if j.finished and time.time() - j.started > KEEP_SECONDS]
    for j in old:
        del _jobs[j.id]
        if j.folder is not None:
            shutil.rmtree(j.folder, ignore_errors=True)


def _run(home: Home, job: Job, work: Work) -> None:
    cat = Catalog(home.catalog_path)
    try:
        home.tmp.mkdir(parents=True, exist_ok=True)
        job.folder = Path(tempfile.mkdtemp(prefix="web-job-", dir=home.tmp))
        job.state = "进行中"
        out = work(cat, job, job.folder)
        with cat.transaction():
            cat.audit(job.user, f"export.{job.kind}", job.target, out.name)
        job.done, job.result, job.state = job.total, out, "已完成"
    except UserError as exc:  # the staff's to fix (no households there, a broken template …): said in Chinese
        job.error, job.state = plain(str(exc).split(" / ")[0]) or "生成失败", "失败"
    except Exception:  # a fault of ours: logged in full, the page says so plainly; the server goes on
        log.exception("job %s (%s %s) failed", job.id, job.kind, scrub(job.target))
        job.error, job.state = "生成失败：程序内部错误，已记入服务日志，请联系管理员", "失败"
    finally:
        cat.close()


def _village_work(kind: str, scope: Scope, name: str, home: Home) -> Work:
    """A village's dossiers (zip of one PDF per household and an index) or its cover sheets (one PDF)."""

    def work(cat: Catalog, job: Job, folder: Path) -> Path:
        households = cat.households(scope, full=kind == "dossiers")
        job.total = len(households)
        if not households:
            raise NoHouseholds(f"{name}没有户 / no households")
        policy = load_policy(home.root)
        if kind == "coversheets":
            from generators import coversheet

            out = coversheet.render(households, policy.office_name, inside(folder, f"{name}_扫描封面.pdf"),
                                     codekeys.secret(home.root))
            job.done = len(households)
            return out
        from generators import dossier

        rows = []
        parts = inside(folder, name)
        parts.mkdir()
        for h in households:
            rows.append((h, dossier.build(home, h, policy, inside(parts, f"{h.key}_{h.head_name}.pdf"))))
            job.done += 1
        dossier.write_index(rows, policy, parts, name)
        out = inside(folder, f"{name}_一户一档.zip")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(parts.rglob("*")):
                if f.is_file():
                    z.write(f, f.relative_to(folder))
        shutil.rmtree(parts, ignore_errors=True)
        return out

    return work


class NoHouseholds(UserError):
    pass


def _job(v: Viewer, job_id: str) -> Job:
    job = _jobs.get(job_id)
    if job is None or job.user != v.name:
        raise Refused("scope", f"job {job_id}", v.name)
    return job


@router.post("/jobs")
def start(v: Writer, kind: str = Form(...), village: str = Form(...)) -> Response:
    if kind not in ("dossiers", "coversheets"):
        raise Refused("scope", f"job kind {kind}", v.name)
    if village not in v.villages():
        raise Refused("scope", f"job village {village}", v.name)
    # a village as the reports form names it: a name (inside the user's township), or a path 乡镇/村
    township, sep, name = village.partition("/")
    scope = Scope(township=township, village=name) if sep else Scope(township=v.scope.township, village=village)
    return launch(v, kind, name if sep else village, _village_work(kind, scope, name if sep else village, v.home))


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

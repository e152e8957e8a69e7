"""Long work from the browser as a job with progress: a village's dossiers (one PDF per household and an
index, as a zip), a village's cover sheets, and the large reports (工作总结, 检查通报) that read a whole
county. The page shows how far it has got and then the result link.

A job runs in a thread on its own catalog connection; it belongs to the user who started it (anyone else is
told "not found"), and the same request from the same user while one is running returns that job, so a
double click starts nothing twice. Every job is also a row in the catalog (我的任务, /tasks): its result file
lives under HOME/tasks/ID and is kept for `[tasks] keep_days` (7 by default) across restarts; a job that was
running when the server stopped is marked so at the next start, and 我的任务 offers to start it again."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import time
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
STATES = {"running": "进行中", "done": "已完成", "failed": "失败", "interrupted": "已中断"}
INTERRUPTED = "服务器在任务进行中停止，任务未完成；可以重新开始。"


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
    form: dict = field(default_factory=dict)  # the form that started it: action and fields, to start it again

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


def launch(v: Viewer, kind: str, target: str, work: Work, form: dict | None = None) -> Response:
    """Start (or, on a double click, find) the user's job and send the browser to its page. `form` (action and
    fields) is what 我的任务 posts to start the job again after a restart."""
    job = _start(v.home, v.name, kind, target, work, form or {})
    v.audit("job.start", target, KINDS[kind])
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def results(home: Home) -> Path:
    return home.root / "tasks"


def _start(home: Home, user: str, kind: str, target: str, work: Work, form: dict) -> Job:
    with _lock:
        for j in _jobs.values():
            if (j.user, j.kind, j.target) == (user, kind, target) and not j.finished:
                return j  # the second click of a double click
        cat = Catalog.of(home)
        try:
            task_id = cat.add_task(user, kind, target, form)
        finally:
            cat.close()
        job = Job(str(task_id), user, kind, target, form=form)
        _jobs[job.id] = job
    threading.Thread(target=_run, args=(home, job, work), name=f"dibao-job-{kind}", daemon=True).start()
    return job


def recover(home: Home) -> None:
    """At server start: jobs the last server was running are marked interrupted; results older than the
    policy's keep_days go (row and file)."""
    from archiver.settings import keep_days

    cat = Catalog.of(home)
    try:
        with cat.transaction():
            cat.interrupt_tasks()
        _prune(home, cat, keep_days(load_policy(home.root)))
    finally:
        cat.close()


def _prune(home: Home, cat: Catalog, days: int) -> None:
    cutoff = (dt.datetime.now() - dt.timedelta(days=days)).isoformat(timespec="seconds")
    for row in cat.tasks_finished_before(cutoff):
        remove(home, cat, int(row["id"]))


def remove(home: Home, cat: Catalog, task_id: int) -> None:
    shutil.rmtree(results(home) / str(task_id), ignore_errors=True)
    with cat.transaction():
        cat.delete_task(task_id)
    with _lock:
        _jobs.pop(str(task_id), None)


def _run(home: Home, job: Job, work: Work) -> None:
    cat = Catalog.of(home)
    state = "failed"
    try:
        job.folder = results(home) / job.id
        job.folder.mkdir(parents=True, exist_ok=True)
        job.state = "进行中"
        out = work(cat, job, job.folder)
        with cat.transaction():
            cat.audit(job.user, f"export.{job.kind}", job.target, out.name)
        job.done, job.result, job.state, state = job.total, out, "已完成", "done"
    except UserError as exc:  # the staff's to fix (no households there, a broken template …): said in Chinese
        job.error, job.state = plain(str(exc).split(" / ")[0]) or "生成失败", "失败"
    except Exception:  # a fault of ours: logged in full, the page says so plainly; the server goes on
        log.exception("job %s (%s %s) failed", job.id, job.kind, scrub(job.target))
        job.error, job.state = "生成失败：程序内部错误，已记入服务日志，请联系管理员", "失败"
    finally:
        try:
            result = str(job.result.relative_to(home.root)) if job.result is not None else None
            with cat.transaction():
                cat.finish_task(int(job.id), state, job.done, job.total, job.unit, job.state, result, job.error or None)
        finally:
            cat.close()


def from_row(home: Home, row) -> Job:  # type: ignore[no-untyped-def]
    """A job the server no longer holds in memory (finished before a restart, or interrupted by one)."""
    import json

    result = home.root / row["result"] if row["result"] else None
    state = row["state"]
    error = row["error"] or (INTERRUPTED if state == "interrupted" else "")
    if state == "running":  # still in the table as running but not in this server: it stopped with the last one
        error = INTERRUPTED
    job = Job(str(row["id"]), row["user"], row["kind"], row["target"], total=int(row["total"]), done=int(row["done"]),
              unit=row["unit"], state=STATES.get(state, state), result=result if result and result.exists() else None,
              error=error, form=json.loads(row["params"] or "{}"))
    if job.result is None and not job.error:
        job.error = "结果文件已过保留期限或已删除。"
    return job


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

            out = coversheet.render(households, policy.office.name, inside(folder, f"{name}_扫描封面.pdf"),
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
    if job is None and job_id.isdigit():
        row = v.cat.task(int(job_id), v.name)
        job = from_row(v.home, row) if row is not None else None
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
    return launch(v, kind, name if sep else village, _village_work(kind, scope, name if sep else village, v.home),
                  {"action": "/jobs", "fields": {"kind": kind, "village": village}})


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


@router.get("/tasks", response_class=HTMLResponse)
def tasks(request: Request, v: Reader, done: str = "") -> Response:
    """我的任务: the user's own jobs, newest first, with progress, result, when; results kept keep_days."""
    from archiver.settings import keep_days

    keep = keep_days(load_policy(v.home.root))
    _prune(v.home, v.cat, keep)  # a server that runs for weeks still lets results go after keep_days
    rows = [(_jobs.get(str(r["id"])) or from_row(v.home, r), r) for r in v.cat.tasks_of(v.name)]
    return page(request, "tasks.html", v.user, rows=rows, kinds=KINDS, keep=keep,
                done="已删除。" if done == "removed" else "")


@router.post("/tasks/{task_id}/delete")
def delete(v: Writer, task_id: str) -> Response:
    job = _job(v, task_id)
    if not job.finished:
        raise Refused("scope", f"job {task_id} still running", v.name)
    remove(v.home, v.cat, int(job.id))
    v.audit("task.remove", job.target, KINDS.get(job.kind, job.kind))
    return RedirectResponse("/tasks?done=removed", status_code=303)

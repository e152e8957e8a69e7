"""Progress bars for long work (ingest, reindex, bulk dossiers); silent with --quiet or without a terminal."""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from archiver.pipeline import Silent


class RichReporter:
    def __init__(self) -> None:
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=False)
        self.task: TaskID | None = None

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.progress.stop()

    def start(self, total: int, label: str) -> None:
        if self.task is not None:
            self.progress.update(self.task, visible=True)
        self.task = self.progress.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)

    def note(self, message: str) -> None:
        self.progress.console.print(message)


class QuietReporter(Silent):
    """Silent, usable as a context manager like RichReporter."""

    def __enter__(self) -> QuietReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def make_reporter(quiet: bool) -> RichReporter | QuietReporter:
    if quiet or not sys.stderr.isatty():
        return QuietReporter()
    return RichReporter()

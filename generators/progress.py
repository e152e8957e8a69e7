"""Progress of long document work, for whoever is waiting: the terminal (`dibao report …` prints each step on
stderr) and the web (a job's page shows it). A generator names its steps; it never prints or knows who listens."""

from __future__ import annotations

from collections.abc import Callable

# (what it is doing now, steps done, steps in all)
Progress = Callable[[str, int, int], None]


class Steps:
    """Counts a generator's named steps and tells the listener as each begins (nothing when none listens)."""

    def __init__(self, listener: Progress | None, total: int) -> None:
        self.listener, self.total, self.done = listener, total, 0

    def __call__(self, what: str) -> None:
        if self.listener is not None:
            self.listener(what, self.done, self.total)
        self.done += 1

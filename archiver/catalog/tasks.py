"""Catalog SQL for 我的任务 (migration 0022): the web's long jobs as rows, so a result outlives a restart and a
job that was running when the server stopped says so."""

from __future__ import annotations

import json
from typing import Any

from .core import CatalogCore
from .models import now
from .rows import Row


class TasksMixin(CatalogCore):
    def add_task(self, user: str, kind: str, target: str, params: dict[str, Any]) -> int:
        cur = self.db.execute("INSERT INTO tasks(user, kind, target, params, state, created_at) VALUES (?, ?, ?, ?, 'running', ?)",
                              (user, kind, target, json.dumps(params, ensure_ascii=False), now()))
        return int(cur.lastrowid or 0)

    def finish_task(self, task_id: int, state: str, done: int, total: int, unit: str, step: str,
                    result: str | None, error: str | None) -> None:
        self.db.execute("UPDATE tasks SET state = ?, done = ?, total = ?, unit = ?, step = ?, result = ?, error = ?, "
                        "finished_at = ? WHERE id = ?", (state, done, total, unit, step, result, error, now(), task_id))

    def task(self, task_id: int, user: str) -> Row | None:
        """A task of `user` (anyone else's is None, like one that does not exist)."""
        row: Row | None = self.db.execute("SELECT * FROM tasks WHERE id = ? AND user = ?", (task_id, user)).fetchone()
        return row

    def tasks_of(self, user: str, limit: int = 100) -> list[Row]:
        return self.db.execute("SELECT * FROM tasks WHERE user = ? ORDER BY id DESC LIMIT ?", (user, limit)).fetchall()

    def interrupt_tasks(self) -> int:
        """At server start: whatever was still running was stopped with the server."""
        cur = self.db.execute("UPDATE tasks SET state = 'interrupted', finished_at = ? WHERE state IN ('queued', 'running')",
                              (now(),))
        return int(cur.rowcount or 0)

    def tasks_finished_before(self, when: str) -> list[Row]:
        return self.db.execute("SELECT * FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?", (when,)).fetchall()

    def delete_task(self, task_id: int) -> None:
        self.db.execute("DELETE FROM tasks WHERE id = ?", (task_id,))

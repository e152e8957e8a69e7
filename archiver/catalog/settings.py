"""Catalog SQL for settings changes (migration 0022): the trail of policy.toml edits made through dibao, and
a document type renamed in the settings (the documents filed under the old name follow it)."""

from __future__ import annotations

from .indexlog import IndexLogMixin
from .models import now
from .rows import Row


class SettingsMixin(IndexLogMixin):
    def add_setting_change(self, user: str, key: str, what: str, before: str, after: str) -> None:
        self.db.execute("INSERT INTO changes(at, user, what, before, after, setting) VALUES (?, ?, ?, ?, ?, ?)",
                        (now(), user, what, before or None, after or None, key))

    def setting_changes(self) -> list[Row]:
        return self.db.execute("SELECT * FROM changes WHERE setting IS NOT NULL ORDER BY id").fetchall()

    def rename_document_type(self, old: str, new: str) -> int:
        """Rename the type on every document; their households are logged for the search index (类型:新名)."""
        rows = self.db.execute("SELECT DISTINCT household_id FROM documents WHERE type = ?", (old,))
        self.mark_dirty([int(r[0]) for r in rows])
        cur = self.db.execute("UPDATE documents SET type = ? WHERE type = ?", (new, old))
        return int(cur.rowcount or 0)

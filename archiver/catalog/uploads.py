"""Catalog SQL for web uploads (migration 0012): who put which file into the inbox, and what became of it."""

from __future__ import annotations

from .core import CatalogCore
from .models import now
from .rows import Row


class UploadsMixin(CatalogCore):
    def add_upload(self, user: str, name: str, sha256: str, size: int) -> int:
        """Autocommits like every write outside Catalog.transaction()."""
        cur = self.db.execute("INSERT INTO uploads(at, user, name, sha256, size) VALUES (?, ?, ?, ?, ?)",
                              (now(), user, name, sha256, size))
        return int(cur.lastrowid or 0)

    def uploads(self, user: str, limit: int = 30) -> list[Row]:
        """A user's latest uploads, newest first, each with its file's outcome and reason once ingested
        (outcome NULL: still waiting in the inbox)."""
        return self.db.execute(
            "SELECT u.name, u.at, u.sha256, u.size, f.outcome, f.reason FROM uploads u "
            "LEFT JOIN files f ON f.sha256 = u.sha256 WHERE u.user = ? ORDER BY u.id DESC LIMIT ?",
            (user, limit)).fetchall()

    def uploaders(self, sha256: str) -> list[Row]:
        """Who uploaded these bytes through the web, with each account's role and area (role NULL: the
        account no longer exists)."""
        return self.db.execute(
            "SELECT DISTINCT u.user, s.role, s.area FROM uploads u LEFT JOIN users s ON s.name = u.user "
            "WHERE u.sha256 = ?", (sha256,)).fetchall()
    def upload_destinations(self, sha256: str) -> tuple[list[Row], list[Row]]:
        """Where an uploaded file went (issue 25): the documents filed from it, each with its household, and
        the quarantine items still open for it."""
        docs = self.db.execute(
            "SELECT d.id AS document_id, d.type, d.date, d.trashed_at, h.id AS household_id, h.household_no, h.head_name "
            "FROM files f JOIN documents d ON d.file_id = f.id JOIN households h ON h.id = d.household_id "
            "WHERE f.sha256 = ? ORDER BY d.id", (sha256,)).fetchall()
        held = self.db.execute(
            "SELECT q.id, q.reason FROM files f JOIN quarantine q ON q.file_id = f.id "
            "WHERE f.sha256 = ? AND q.resolved_at IS NULL ORDER BY q.id", (sha256,)).fetchall()
        return docs, held

"""The documents aggregate: ingest batches, the input files (by content hash) and every name they came under,
the rows a sheet could not read, and the documents filed to households with their pages' text.

A mixin of Catalog: every statement stays in archiver/catalog/ and callers keep one object.
"""

from __future__ import annotations

import json
from typing import Any

from .core import CatalogCore
from .models import now
from .rows import Row
from .scope import Scope


class DocumentsMixin(CatalogCore):
    # ------------------------------------------------------------------ batches and files
    def start_batch(self, source: str) -> int:
        with self.transaction():
            return self._insert("batches", {"started_at": now(), "source": source}) or 0

    def finish_batch(self, batch_id: int, summary: dict[str, Any]) -> None:
        with self.transaction():
            self._update("batches", batch_id, {"finished_at": now(), "summary": json.dumps(summary, ensure_ascii=False)})

    def file_by_sha(self, sha256: str) -> Row | None:
        return self.db.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()

    def file(self, file_id: int) -> Row | None:
        return self.db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()

    def add_file(self, **fields: Any) -> int:
        fields.setdefault("created_at", now())
        return self._insert("files", fields) or 0

    def update_file(self, file_id: int, **fields: Any) -> None:
        self._update("files", file_id, fields)

    def add_file_name(self, file_id: int, source_name: str, batch_id: int | None) -> None:
        """One more input that came with this file's bytes (in the caller's transaction)."""
        self._insert("file_names", {"file_id": file_id, "source_name": source_name, "batch_id": batch_id,
                                    "created_at": now()}, ignore=True)

    def file_names(self, file_id: int) -> list[str]:
        """Every name this file's bytes came under, first seen first."""
        return [r[0] for r in self.db.execute("SELECT source_name FROM file_names WHERE file_id = ? "
                                              "ORDER BY created_at, rowid", (file_id,))]

    def files(self) -> list[Row]:
        return self.db.execute("SELECT * FROM files ORDER BY id").fetchall()

    def add_row_error(self, **fields: Any) -> None:
        self._insert("row_errors", fields)

    def row_errors(self, file_id: int | None = None, batch_id: int | None = None) -> list[Row]:
        if batch_id is not None:
            return self.db.execute("SELECT * FROM row_errors WHERE batch_id = ? ORDER BY id", (batch_id,)).fetchall()
        if file_id is None:
            return self.db.execute("SELECT * FROM row_errors ORDER BY id").fetchall()
        return self.db.execute("SELECT * FROM row_errors WHERE file_id = ? ORDER BY id", (file_id,)).fetchall()

    # ------------------------------------------------------------------ documents
    def add_document(self, **fields: Any) -> int:
        fields.setdefault("created_at", now())
        return self._insert("documents", fields) or 0

    def document_row(self, document_id: int, scope: Scope = Scope()) -> Row | None:
        """A document — None when it does not exist or its household lies outside `scope`."""
        where, args = scope.sql("h")
        return self.db.execute(f"SELECT d.* FROM documents d JOIN households h ON h.id = d.household_id "
                               f"WHERE d.id = ? AND {where}", [document_id, *args]).fetchone()

    def document_id_for(self, household_id: int, sha256: str) -> int | None:
        row = self.db.execute("SELECT id FROM documents WHERE household_id = ? AND sha256 = ?",
                              (household_id, sha256)).fetchone()
        return int(row[0]) if row else None

    def documents_rows(self) -> list[Row]:
        return self.db.execute("SELECT * FROM documents ORDER BY id").fetchall()

    def add_page(self, document_id: int, page_no: int, text: str) -> None:
        self._insert("pages", {"document_id": document_id, "page_no": page_no, "text": text}, ignore=True)

    def page_texts(self, document_id: int) -> list[str]:
        rows = self.db.execute("SELECT text FROM pages WHERE document_id = ? ORDER BY page_no", (document_id,))
        return [r[0] for r in rows]


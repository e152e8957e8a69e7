"""The catalog: SQLite (WAL, foreign keys on) or PostgreSQL (dialect.py). This package owns every SQL statement in dibao.

Callers get plain dataclasses (models.py) or `Row`s (rows.py) and never see a cursor, so the schema can
change behind this interface. Area scoping (属地管理) is a parameter of the read queries (scope.py), so every
caller gets it.

One style: each aggregate is a module here defining one mixin class whose methods run SQL on the catalog's
connection (households.py, documents.py, quarantine.py, users.py, corrections.py, registers.py, ...); a new
query is a method on its aggregate's mixin. `Catalog` joins them over the core (core.py: the connection,
transactions, after-commit hooks, migrations, the row writers) and keeps the whole-catalog counts and checks.
"""

from __future__ import annotations

from . import dialect, models, snapshot
from .casefacts import CaseFactsMixin
from .corrections import CorrectionsMixin
from .documents import DocumentsMixin
from .households import HouseholdsMixin
from .imports import ImportsMixin
from .indexlog import IndexLogMixin
from .names import NamesMixin
from .objections import ObjectionsMixin
from .quarantine import QuarantineMixin
from .registers import RegistersMixin
from .reporting import ReportingMixin
from .reviews import ReviewsMixin
from .rows import Row
from .schema import LATEST
from .scope import Scope
from .settings import SettingsMixin
from .stops import StopsMixin
from .tasks import TasksMixin
from .uploads import UploadsMixin
from .users import UsersMixin

__all__ = ["Catalog", "Scope", "Row", "models", "LATEST"]


class Catalog(ReviewsMixin, StopsMixin, ObjectionsMixin, CaseFactsMixin, QuarantineMixin, HouseholdsMixin,
              CorrectionsMixin, UsersMixin, DocumentsMixin, RegistersMixin, ImportsMixin, ReportingMixin,
              UploadsMixin, SettingsMixin, TasksMixin, NamesMixin, IndexLogMixin):
    """One catalog: every aggregate's queries on one connection (a mixin lists the mixins it builds on as its
    bases, so one that builds on another comes before it here)."""

    def counts(self) -> dict[str, int]:
        tables = ["households", "members", "events", "payments", "documents", "pages", "files"]
        out = {t: int(self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
        out["quarantine"] = len(self.quarantine_items())
        return out

    def content_digest(self) -> dict[str, object]:
        """Counts and digests of households and documents (snapshot.digest_of): a moved catalog proves itself."""
        return snapshot.digest_of(self.db)

    def probe_names(self, n: int = 5) -> list[tuple[str, int]]:
        return snapshot.probes_of(self.db, n)

    def referenced_files(self) -> list[tuple[str, str | None]]:
        """Every file on disk the catalog points to (a backup copies them all)."""
        return snapshot.referenced_of(self.db)

    # ------------------------------------------------------------------ integrity
    def integrity_problems(self) -> list[str]:
        out = dialect.integrity_problems(self.db)
        if self.schema_version() != LATEST:
            out.append(f"数据库版本 {self.schema_version()} ≠ {LATEST} / schema version mismatch")
        return out

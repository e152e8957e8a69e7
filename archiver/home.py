"""The home folder: where the catalog, filed documents, quarantine, index and logs live."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import UserError
from archiver.policy import DEFAULT_TEXT


class HomeMissing(UserError):
    pass


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog.sqlite"

    @property
    def database_config(self) -> Path:
        """Where a catalog on a database server is named (docs/deploy.md); absent: the SQLite file above."""
        return self.root / "database.toml"

    @property
    def catalog(self) -> Path | str:
        """The catalog's location: the SQLite file, or the postgresql:// address in database.toml."""
        return self._catalog(self._database())

    def catalog_password(self) -> str | None:
        """The database password from the file database.toml names, if any (else libpq reads PGPASSWORD or
        ~/.pgpass itself): never in the address, on the command line or in a log."""
        return self._password(self._database())

    def catalog_target(self) -> tuple[Path | str, str | None]:
        """Location and password with database.toml read once (every request opens the catalog)."""
        table = self._database()
        return self._catalog(table), self._password(table)

    def _catalog(self, table: dict[str, object]) -> Path | str:
        url = table.get("url")
        return str(url) if url else self.catalog_path

    @staticmethod
    def _password(table: dict[str, object]) -> str | None:
        name = table.get("password_file")
        return password_from(str(name)) if name else None

    def _database(self) -> dict[str, object]:
        try:
            text = self.database_config.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            table = tomllib.loads(text).get("database", {})
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{self.database_config} 格式错误：{exc} / bad database.toml") from exc
        return table if isinstance(table, dict) else {}

    @property
    def files(self) -> Path:
        return self.root / "files"

    @property
    def sources(self) -> Path:
        """Original spreadsheets and other source files, content-addressed."""
        return self.root / "files" / "_sources"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def index(self) -> Path:
        """HOME/index, or this machine's own folder from the environment (DIBAO_INDEX_DIR): each web server
        of a cluster keeps its own search index on local disk while the home sits on shared storage."""
        own = os.environ.get("DIBAO_INDEX_DIR", "").strip()
        return Path(own) if own else self.root / "index"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def policy_path(self) -> Path:
        return self.root / "policy.toml"

    def exists(self) -> bool:
        return self.catalog_path.exists() or self.database_config.exists()

    def require(self) -> None:
        if not self.exists():
            raise HomeMissing(
                f"档案库不存在：{self.root}（请先运行 dibao init）/ no dibao home at {self.root}; run `dibao init` first")

    def create(self) -> bool:
        """Create every folder and the default policy; True when anything was new."""
        new = not self.exists()
        for p in (self.root, self.files, self.sources, self.quarantine, self.index, self.logs, self.inbox, self.tmp,
                  self.templates):
            p.mkdir(parents=True, exist_ok=True)
        if not self.policy_path.exists():
            self.policy_path.write_text(DEFAULT_TEXT, encoding="utf-8")
            new = True
        return new

    def relative(self, path: Path) -> str:
        return os.path.relpath(path, self.root)


def password_from(file: str) -> str:
    """The database password kept in `file` (its first line, without the newline)."""
    try:
        return Path(file).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UserError(f"读不到数据库密码文件 {file}：{exc.strerror} / cannot read the password file {file}") from exc


def resolve(explicit: str | None) -> Home:
    root = explicit or os.environ.get("DIBAO_HOME") or "archive"
    return Home(Path(root).absolute())

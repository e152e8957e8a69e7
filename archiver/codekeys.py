"""The home's secret key: it signs the codes dibao prints (cover sheets, pre-filled forms) and the manifest of
each backup, so that a code anyone could print, or a backup someone changed, is told from ours.

Kept in HOME/keys/codes.json (readable by the service account only). `dibao keys rotate` makes a new current
key; the keys before it still verify (sheets already printed keep working) unless rotated with --revoke,
after which codes printed with them route nothing by themselves and must be reprinted.

Old cover sheets printed before codes were signed carry no signature: they are trusted, within the
uploader's area, until the date the policy sets (`[codes] unsigned_until = "YYYY-MM-DD"`); without that
setting, never.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import UserError
from archiver.filing import fsync_dir

FILE = Path("keys") / "codes.json"


class KeyProblem(UserError):
    pass


@dataclass(frozen=True)
class Keys:
    current: bytes
    accepted: tuple[bytes, ...]  # the current key first, then the earlier ones not revoked
    current_id: str

    def verifies(self, body: str, sig: str | None) -> bool:
        """Whether `sig` is the signature of `body` under any accepted key."""
        from archiver import qr

        if not sig:
            return False
        return any(hmac.compare_digest(qr.signature(body, k), sig.upper()) for k in self.accepted)

    def sign_bytes(self, data: bytes) -> str:
        """An HMAC-SHA256 of `data` with the current key (a backup manifest), as hex."""
        return hmac.new(self.current, data, "sha256").hexdigest()

    def verifies_bytes(self, data: bytes, sig: str) -> bool:
        return any(hmac.compare_digest(hmac.new(k, data, "sha256").hexdigest(), sig or "") for k in self.accepted)


def _path(root: Path) -> Path:
    return root / FILE


def _write(root: Path, data: dict, replace: bool) -> None:
    """Written whole (temp → fsync → rename/link), readable by the owner only; without `replace` an existing
    file wins (two processes creating the first key at once agree on one)."""
    path = _path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(f".{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def _new_key() -> dict:
    return {"id": dt.datetime.now().strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(2),
            "secret": secrets.token_hex(32), "created": dt.datetime.now().isoformat(timespec="seconds")}


def load(root: Path, create: bool = True) -> Keys | None:
    """The home's keys; the first key is made when the home has none (`create`), else None."""
    path = _path(root)
    if not path.exists():
        if not create:
            return None
        _write(root, {"current": (k := _new_key())["id"], "keys": [k]}, replace=False)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys = {k["id"]: bytes.fromhex(k["secret"]) for k in data["keys"] if not k.get("revoked")}
        current = data["current"]
        return Keys(keys[current], (keys[current], *(v for k, v in keys.items() if k != current)), current)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyProblem(f"密钥文件损坏：{path}（请从备份恢复，或运行 dibao keys rotate --revoke 重新生成）/ "
                         f"key file unreadable: {type(exc).__name__}") from exc


def secret(root: Path) -> bytes:
    """The key that signs what is printed now."""
    keys = load(root)
    assert keys is not None
    return keys.current


def rotate(root: Path, revoke: bool = False) -> tuple[str, int]:
    """A new current key; the earlier ones still verify unless `revoke`. Returns (new id, keys revoked)."""
    path = _path(root)
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"keys": []}
    revoked = 0
    if revoke:
        for k in data["keys"]:
            if not k.get("revoked"):
                k["revoked"] = dt.datetime.now().isoformat(timespec="seconds")
                revoked += 1
    k = _new_key()
    data["keys"].append(k)
    data["current"] = k["id"]
    _write(root, data, replace=True)
    return k["id"], revoked

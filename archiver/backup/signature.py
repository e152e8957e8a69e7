"""The manifest's signature: an HMAC with the home's key, so a backup changed after it was written (its
catalog and manifest together) restores nothing."""

from __future__ import annotations

import json
from pathlib import Path

from .snapshots import BackupRefused


def _signed_bytes(manifest: dict) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_manifest(root: Path, manifest: dict) -> dict[str, str]:
    """An HMAC of the whole manifest (every file's checksum, the catalog's digests) with the home's key
    (archiver/codekeys.py): a backup whose catalog and manifest were changed together no longer verifies."""
    from archiver import codekeys

    keys = codekeys.load(root)
    assert keys is not None
    return {"key": keys.current_id, "hmac": keys.sign_bytes(_signed_bytes(manifest))}


def check_signature(snap: Path, manifest: dict, key_home: Path | None, accept_unsigned: bool) -> None:
    """Refuse a snapshot whose manifest is not signed by the home's key: the key of `key_home` when given (a
    copy of the home's keys/ kept apart from the backups), else the key the snapshot carries."""
    from archiver import codekeys

    sig = manifest.get("signature")
    if not isinstance(sig, dict) or not sig.get("hmac"):
        if accept_unsigned:
            return
        raise BackupRefused(f"备份没有签名（旧版本所做或已被改动）：{snap}；确认来源可靠后可加 --accept-unsigned 恢复 / "
                            "the backup is not signed")
    try:
        keys = codekeys.load(key_home if key_home is not None else snap, create=False)
    except codekeys.KeyProblem as exc:
        raise BackupRefused(f"无法读取验证备份用的密钥：{exc} / cannot read the key") from exc
    if keys is None or not keys.verifies_bytes(_signed_bytes(manifest), str(sig["hmac"])):
        raise BackupRefused(f"备份签名不符：备份在写成之后被改动过（或不是用本档案库的密钥签名），拒绝恢复：{snap} / "
                            "the backup's signature does not match: it was changed after it was written")

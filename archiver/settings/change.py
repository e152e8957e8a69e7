"""`dibao settings set` and the web settings page's changes: policy.toml edited in place with tomlkit (the
office's comments and layout kept), the whole file re-read through policy.parse before it is written, and the
change recorded in the history and the audit log."""

from __future__ import annotations

import os
from dataclasses import dataclass

import tomlkit

from archiver.catalog import Catalog
from archiver.home import Home
from archiver.policy import PolicyError, parse

from .handlers import handler
from .show import policy_path, policy_text
from .values import SettingRefused


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str
    after: str

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "before": self.before, "after": self.after}


def township_key(key: str) -> str | None:
    """The township a key belongs to (`issuer.城关镇`, `phone.城关镇`), else None."""
    head, _, rest = key.partition(".")
    return rest if head in ("issuer", "phone") and rest else None


def allowed(key: str, role: str, area: str) -> bool:
    """County administrators set everything; a township administrator only their own township's issuer and phone."""
    if role == "county":
        return True
    township = township_key(key)
    return role == "township" and township is not None and township == area.split("/")[0]


def set_value(home: Home, cat: Catalog, key: str, value: str, user: str, remote: str = "") -> Change:
    """Change one setting: edit policy.toml in place, validate the whole file, write it, record the change."""
    key, value = key.strip(), value.strip()
    text = policy_text(home)
    try:
        before_policy = parse(text)
    except PolicyError as exc:  # a hand edit broke the file: say so, and leave it as the office wrote it
        raise SettingRefused(f"政策文件格式错误，请先改正后再修改设置：{exc}") from exc
    doc = tomlkit.parse(text)
    label, before, after = handler(key)(doc, before_policy, key, value)
    new_text = tomlkit.dumps(doc)
    try:
        parse(new_text)
    except (PolicyError, ValueError) as exc:
        raise SettingRefused(f"设置后政策文件无效，未保存：{exc} / the change would make policy.toml invalid") from exc
    if new_text == text:
        return Change(key, label, before, after)
    path = policy_path(home)
    tmp = path.with_name(".policy.toml.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new_text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    with cat.transaction():
        cat.add_setting_change(user, key, f"设置：{label}", before, after)
        cat.audit(user, "settings.set", key, f"{label}：{before or '空'} → {after or '空'}", remote)
        if key == "document_types.rename":  # the documents filed under the old name follow it
            cat.rename_document_type(before, after)
    return Change(key, label, before, after)

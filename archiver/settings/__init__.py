"""Settings an office changes without IT: the keys of `dibao settings show|set` and the web settings page.

policy.toml stays the one store. show.py lists every setting and where it comes from; change.py edits one
in place (handlers.py per key, standards.py for dated 低保标准, values.py for what a value may be), re-reads
the whole file through policy.parse before writing it, and records the change. A file edited by hand keeps
working: only the key changed is touched.
"""

from __future__ import annotations

from .change import Change, allowed, set_value, township_key
from .handlers import KEYS
from .show import Row, current, history, keep_days, policy_path, rows, standards_text, used
from .values import SettingRefused

__all__ = ["KEYS", "Change", "Row", "SettingRefused", "allowed", "current", "history", "keep_days", "policy_path",
           "rows", "set_value", "standards_text", "township_key", "used"]

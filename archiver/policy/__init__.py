"""Local policy (HOME/policy.toml): standards, review intervals, the 公示 period, office name, case rules…

Offices differ, so every rule that varies by county is read from here rather than coded. The file is parsed
once, checked (checks.py: a bad value names its line, table and key) and built into typed sections
(sections.py) held by one Policy (model.py); no module reads the parsed dict.
"""

from __future__ import annotations

from .checks import RULES, PolicyError, Rule, line_of, validate
from .model import DEFAULT_REQUIRED, DEFAULT_TEXT, Policy, load, notice_length, parse

__all__ = ["DEFAULT_REQUIRED", "DEFAULT_TEXT", "RULES", "Policy", "PolicyError", "Rule", "line_of", "load",
           "notice_length", "parse", "validate"]

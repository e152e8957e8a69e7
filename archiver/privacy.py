"""What may be shown of sensitive fields (个人信息保护法). The one place that formats them.

Generators, the CLI and the web ask this module; none of them formats an ID number, a bank account
or a phone number by itself.
"""

from __future__ import annotations

import re

_ID_IN_TEXT = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
_LONG_DIGITS = re.compile(r"(?<![0-9])([0-9]{4})[0-9]{8,15}([0-9]{4})(?![0-9])")


def mask_id(number: str | None) -> str:
    """110101********1234: region and last four stay so a clerk can tell people apart."""
    if not number:
        return ""
    n = str(number)
    if len(n) <= 10:
        return "*" * len(n)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def mask_account(account: str | None) -> str:
    if not account:
        return ""
    a = str(account)
    return "*" * max(len(a) - 4, 0) + a[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    p = str(phone)
    return p[:3] + "****" + p[-4:] if len(p) >= 11 else "*" * len(p)


def mask_name(name: str | None) -> str:
    """张*英 / 李* — for notices where policy hides given names."""
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def scrub(text: str) -> str:
    """Mask every ID-like or account-like digit run in free text (log lines, error messages)."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return _LONG_DIGITS.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)


_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?[\\/](?:[^\s'\"<>|\\/]+[\\/])+([^\s'\"<>|\\/]*)")

_QUOTED_PATH = re.compile(r"(['\"])[^'\"\n]*[\\/]([^'\"\\/\n]+)\1")  # 'in/2025/x.tif' → 'x.tif'


def plain(text: str) -> str:
    """A message fit for a user: ID numbers and accounts masked, and any absolute path (a library's exception
    quoting the file it failed on, the server's folders) cut to its last part."""
    text = _QUOTED_PATH.sub(lambda m: m.group(1) + m.group(2) + m.group(1), text)
    return scrub(_PATH.sub(lambda m: m.group(1) or "…", text))


# reasons a 停保 公示 may print: the ones offices post, none of them health, disability or a conviction
PUBLIC_REASONS = (("死亡", "死亡"), ("去世", "死亡"), ("病故", "死亡"), ("迁出", "户籍迁出"), ("户口迁", "户籍迁出"),
                  ("就业", "家庭成员就业，收入增加"), ("财产", "家庭财产超过规定"), ("车辆", "家庭财产超过规定"),
                  ("房产", "家庭财产超过规定"), ("收入", "家庭收入超过低保标准"), ("自愿", "本人自愿退出"),
                  ("放弃", "本人自愿退出"))


def public_reason(text: str | None) -> str:
    """The reason a public notice may show for a stop, from what was recorded (变动原因, a review's result):
    one of the usual public wordings, or "经核查不再符合条件" when the record says nothing printable —
    never the record itself, which may name an illness, a disability or a prison term."""
    for word, shown in PUBLIC_REASONS:
        if word in (text or ""):
            return shown
    return "经核查不再符合条件"

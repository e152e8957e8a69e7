"""Document type and date from a page's content (title words first), not from its file name.

Dates: a labelled date (复核日期, 审批日期, 调查日期 …) wins, then the last date on the page that is not
a birth date, then a scanner's date in the file name (SCAN_20250612_0002.jpg).
"""

from __future__ import annotations

import datetime as dt
import re

import opencc

from archiver.chinese_dates import CHINESE, NUMERIC, find_dates

_t2s = opencc.OpenCC("t2s")

# (type, title keywords) — checked in order; the first keyword found near the top wins.
TYPES: list[tuple[str, tuple[str, ...]]] = [
    ("不予批准告知书", ("不予批准告知书", "不予批准通知书", "不予批准决定书", "不予保障告知", "不符合条件告知")),
    ("停保告知书", ("停止保障告知书", "停保告知书", "停止低保告知", "减保告知书", "减发告知书")),
    ("复核记录", ("复核记录", "定期复核", "复核表", "复查记录")),
    ("核对报告", ("核对报告", "核对结果报告", "核对情况报告", "信息核对结果")),
    ("授权书", ("核对授权书", "授权书")),
    ("入户调查表", ("入户调查", "家庭经济状况调查", "经济状况核对", "调查表")),
    ("民主评议记录", ("民主评议", "评议记录")),
    ("公示记录", ("公示记录", "公示情况", "张榜公示")),
    ("审批表", ("审批表", "审核确认表", "审批意见", "审核审批")),
    ("收入证明", ("收入证明", "工资证明", "无收入证明")),
    ("申请书", ("申请书", "申请表", "救助申请")),
    ("承诺书", ("承诺书", "声明书")),
    ("低保证", ("低保证", "救助证", "保障金领取证")),
    ("银行卡/存折", ("存折", "银行卡", "开户行", "储蓄卡")),
    ("户口簿", ("户口簿", "常住人口登记卡", "户籍证明")),
    ("身份证", ("身份证复印件", "居民身份证", "身份证正反面", "公民身份证")),
]
ALL_TYPES = [t for t, _ in TYPES] + ["其他"]
DATE_LABELS = ("告知日期", "复核日期", "审批日期", "调查日期", "评议时间", "评议日期", "申请日期", "公示日期", "签发日期",
               "开具日期", "填表日期", "日期", "时间")
_FILENAME_DATE = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def doc_type(text: str) -> str:
    simple = _t2s.convert(text).replace(" ", "")
    lines = [ln for ln in simple.splitlines() if ln.strip()]
    title = "".join(lines[:2])
    for scope in (title, simple[:120], simple):
        for name, words in TYPES:
            if any(w in scope for w in words):
                return name
    return "其他"


def normalise_type(value: str) -> str | None:
    """A type typed by a person (--type) → one of ours, or None."""
    v = _t2s.convert(value.strip())
    if v in ALL_TYPES:
        return v
    for name, words in TYPES:
        if v in words or v in name:
            return name
    return None


def doc_date(text: str, filename: str = "") -> str | None:
    simple = _t2s.convert(text)
    for label in DATE_LABELS:
        for m in re.finditer(re.escape(label) + r"\s*[:：]?\s*", simple):
            tail = simple[m.end(): m.end() + 20]
            found = find_dates(tail)
            if found and (NUMERIC.match(tail) or CHINESE.match(tail)):
                return found[0].isoformat()
    dates = []
    for m in list(NUMERIC.finditer(simple)) + list(CHINESE.finditer(simple)):
        before = simple[max(0, m.start() - 4): m.start()]
        if "出生" in before or "生日" in before:
            continue
        found = find_dates(m.group(0))
        if found:
            dates.append((m.start(), found[0]))
    plausible = [d for _, d in sorted(dates) if dt.date(1980, 1, 1) <= d <= dt.date.today() + dt.timedelta(days=31)]
    if plausible:
        return plausible[-1].isoformat()
    named = _FILENAME_DATE.search(filename)
    if named:
        try:
            return dt.date(int(named.group(1)), int(named.group(2)), int(named.group(3))).isoformat()
        except ValueError:
            return None
    return None

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
    # before 入户调查表: "家庭经济状况核对授权书" names the 核对 it authorises
    ("授权书", ("核对授权书", "授权书")),
    ("复核记录", ("复核记录", "定期复核", "复核表", "复查记录")),
    ("核对报告", ("核对报告", "核对结果报告", "核对情况报告", "信息核对结果")),
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
    ("身份证", ("身份证复印件", "居民身份证", "身份证正反面", "公民身份证", "公民身份号码")),
    # the certificates every office files with an application or a review (checked after the forms above,
    # whose bodies may mention them: an 入户调查表 that lists a member's 残疾证 is still the 调查表)
    ("残疾证", ("残疾人证", "残疾证")),
    ("死亡/火化证明", ("死亡医学证明", "死亡证明", "火化证明", "遗体火化", "注销户口证明")),
    ("医疗票据/病历", ("住院病历", "门诊病历", "出院记录", "出院小结", "诊断证明", "医疗收费票据", "住院收费票据",
                    "医疗费用", "医疗票据", "病历")),
    ("房产/车辆", ("不动产权证", "房屋所有权证", "房产证", "机动车登记证书", "机动车行驶证", "车辆登记")),
    ("婚姻证明", ("结婚证", "离婚证", "婚姻状况证明", "离婚协议", "婚姻登记")),
    ("学籍/在校证明", ("在校证明", "学籍证明", "在读证明", "就读证明", "学生证")),
]
ALL_TYPES = [t for t, _ in TYPES] + ["其他"]
DATE_LABELS = ("告知日期", "复核日期", "审批日期", "调查日期", "评议时间", "评议日期", "申请日期", "公示日期", "签发日期",
               "开具日期", "填表日期", "日期", "时间")
_FILENAME_DATE = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def _heading(line: str) -> str | None:
    """The type a short heading line names: a heading that says 公示 is a 公示 whatever the notice's body
    says next ("经本人申请、入户调查和审核" in dibao's own 拟纳入…公示 is no 入户调查表)."""
    if len(line) > 40 or line.startswith(("公示期", "公示时间", "公示日期", "公示情况：", "公示期限")):
        return None
    if "公示" in line and not any(w in line for w in ("公示期：", "公示期:")):
        return "公示记录"
    return None


def simplified(text: str) -> str:
    """Traditional characters (a scan of an older form, an OCR slip) read as simplified."""
    return str(_t2s.convert(text))


def doc_type(text: str) -> str:
    simple = _t2s.convert(text).replace(" ", "")
    lines = [ln for ln in simple.splitlines() if ln.strip()]
    for line in lines[:3]:
        named = _heading(line.strip())
        if named:
            return named
        if len(line) <= 40 and any(w in line for _, words in TYPES for w in words):
            break  # a heading naming another type: the usual reading below
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

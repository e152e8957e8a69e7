"""What a filed form says beyond its type and date, read from its text at ingest: the 公示 period printed
on a 公示记录 (in the local wordings 公示期 / 公示时间 / 公示期限, "自…起至…止", "…至…", Chinese or Arabic
numerals), which 榜 it is, the investigators named on a 入户调查表, the reason on a 不予批准告知书,
a recorded extension of the decision period, and a 复核记录's conclusion (a pending 拟停保 on the notice). Stored as document facts, so the case timeline never
re-reads pages; everything is read whatever the type, so a type corrected later still finds its facts.
"""

from __future__ import annotations

import datetime as dt
import re

import opencc

from archiver.chinese_dates import _CN, _cn_number, find_dates

_t2s = opencc.OpenCC("t2s")

NOTICE_LABEL = re.compile(r"公示(?:期限|期间|时间|日期|期)")
_SEP = r"\s*(?:至|到|—|－|-|~|～)\s*"
_MONTH_DAY = re.compile(rf"(\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*(\d{{1,2}}|[{_CN}]{{1,3}})\s*日")
_DAY = re.compile(rf"(\d{{1,2}}|[{_CN}]{{1,3}})\s*日")
_DAYS = re.compile(rf"公示(?:期|时间|期限)?(?:为|共)?\s*(\d{{1,2}}|[{_CN}]{{1,3}})\s*(?:天|日)(?!期)")
_POSTED = re.compile(r"(?:张贴|公示|发布)(?:日期|时间)\s*[:：]?\s*")
_ROUND = re.compile(r"(?:第)?([一二三1-3])榜")
_INVESTIGATORS = re.compile(r"(?:入户)?调查(?:人员|人)(?:（签字）|\(签字\)|签字)?\s*[:：]\s*([^\n]{0,40})")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_REASON = re.compile(r"(?:不予批准的?(?:理由|原因)|不符合条件的?(?:理由|原因)|理由|原因)\s*[:：]\s*([^\n]{2,120})")
_EXTENSION = re.compile(r"延长(?:审核|审批|审核确认)?(?:期限|时限)|延期(?:审核|审批|说明|办理)")
_NOTICE_KIND = re.compile(r"停保|退出|停发|取消|调整|调增|调减")
_DECIDED = re.compile(rf"(?:(?:19|20)\d{{2}}\s*[年./\-]\s*\d{{1,2}}\s*[月./\-]\s*\d{{1,2}}\s*日?|[{_CN}]{{4}}年[{_CN}]{{1,3}}月[{_CN}]{{1,3}}日)"
                      r"(?=[^。\n]{0,12}(?:决定|审核确认|审批))")
_REFUSED = re.compile(r"不予批准|不同意纳入|不符合(?:低保|最低生活保障)?条件")
_REVIEW_RESULT = re.compile(r"(?:复核|复查|核查)(?:结论|结果|意见)\s*[:：]\s*([^\n]{2,60})")
_NOT_NAMES = ("签字", "日期", "时间", "年", "月", "日", "调查", "盖章")


def _num(token: str) -> int:
    return int(token) if token.isdigit() else _cn_number(token)


def notice_period(text: str) -> tuple[str, str] | None:
    """(start, end) of the 公示 period printed on the page, ISO dates; None when none is printed."""
    simple = _t2s.convert(text)
    spots = [m.end() for m in NOTICE_LABEL.finditer(simple)] or [0]
    for at in spots:
        tail = simple[at: at + 80]
        found = _dates_with_pos(tail)
        if not found:
            continue
        start_pos, start_end, start = found[0]
        rest = tail[start_end:]
        sep = re.match(r"\s*(?:起)?" + _SEP, rest)
        if not sep:
            continue
        after = rest[sep.end():]
        later = [d for p, _, d in _dates_with_pos(after) if p == 0]
        if later:
            end = later[0]
        else:
            md, dd = _MONTH_DAY.match(after), _DAY.match(after)
            if not md and not dd:
                continue
            try:
                end = (dt.date(start.year, _num(md.group(1)), _num(md.group(2))) if md
                       else dt.date(start.year, start.month, _num(dd.group(1))) if dd else start)
            except (ValueError, KeyError):
                continue
            if end < start:
                end = end.replace(year=start.year + 1)
        if end >= start:
            return start.isoformat(), end.isoformat()
    return _period_by_days(simple)


def _period_by_days(simple: str) -> tuple[str, str] | None:
    """'张贴日期：2025年3月17日 … 公示7天': a start and a number of days (both counted)."""
    days = _DAYS.search(simple)
    posted = _POSTED.search(simple)
    if not days or not posted:
        return None
    found = find_dates(simple[posted.end(): posted.end() + 20])
    try:
        n = _num(days.group(1))
    except (KeyError, ValueError):
        return None
    if not found or not 1 <= n <= 60:
        return None
    return found[0].isoformat(), (found[0] + dt.timedelta(days=n - 1)).isoformat()


def _dates_with_pos(text: str) -> list[tuple[int, int, dt.date]]:
    from archiver.chinese_dates import CHINESE, NUMERIC

    out = []
    for rx in (NUMERIC, CHINESE):
        for m in rx.finditer(text):
            d = find_dates(m.group(0))
            if d:
                out.append((m.start(), m.end(), d[0]))
    return sorted(out)


def _is_choice(line: str) -> bool:
    """□ 批准 □ 不予批准 (OCR may read the boxes as 口 or drop them): both answers printed on one line."""
    if "□" in line or "☐" in line:
        return True
    rest = line.replace("不予批准", "").replace("不同意", "")
    return "批准" in rest or "同意" in rest


def investigators(text: str) -> list[str]:
    """Names printed after 调查人 / 调查人员 (入户调查表), in order, without duplicates."""
    simple = _t2s.convert(text)
    names: list[str] = []
    for m in _INVESTIGATORS.finditer(simple):
        value = re.split(r"[（(]|调查日期|日期|时间|被调查人|户主", m.group(1))[0]
        for n in _NAME.findall(value):
            if not any(w in n for w in _NOT_NAMES) and n not in names:
                names.append(n)
    return names


def read(text: str) -> dict[str, str]:
    """Every fact found on the page text, as name → value (strings, for the catalog's document_facts)."""
    facts: dict[str, str] = {}
    simple = _t2s.convert(text)
    period = notice_period(simple)
    if period:
        facts["notice_start"], facts["notice_end"] = period
    title = "".join([ln for ln in simple.splitlines() if ln.strip()][:2])
    kind = _NOTICE_KIND.search(title) if period else None
    if kind:  # a 停保 or 调整 公示 is no step of an application
        facts["notice_kind"] = "停保" if kind.group(0) in ("停保", "退出", "停发", "取消") else "调整"
    r = _ROUND.search(simple[:200])
    if r:
        facts["notice_round"] = str(_num(r.group(1)))
    people = investigators(simple)
    if people:
        facts["investigators"] = "、".join(people)
    if "不予" in simple or "不符合" in simple:
        for m in _REASON.finditer(simple):
            value = m.group(1).strip(" _＿")
            if len(re.findall(r"[\u4e00-\u9fff]", value)) >= 2:  # a blank line on a printed form is no reason
                facts["refusal_reason"] = value
                break
    if any(_REFUSED.search(line) and not _is_choice(line) for line in simple.splitlines()):
        facts["refused"] = "1"  # a printed choice (□ 批准 □ 不予批准) is no decision: only a written one counts
    decided = _DECIDED.search(simple)
    if decided and "不予" in simple:
        d = find_dates(decided.group(0))
        if d:
            facts["decision_date"] = d[0].isoformat()
    if _EXTENSION.search(simple):
        facts["extension"] = "1"
    result = review_result(simple)
    if result:
        facts["review_result"] = result
    return facts


def review_result(text: str) -> str | None:
    """What a 复核记录 concludes (复核结论：停止保障，收入超标), as written; a printed choice (□ 继续保障 □ 停止保障)
    or a blank line is no result."""
    for m in _REVIEW_RESULT.finditer(_t2s.convert(text)):
        value = m.group(1).strip(" _＿")
        printed_choice = "□" in value or "☐" in value or ("继续" in value and "停止" in value)
        if not printed_choice and len(re.findall(r"[\u4e00-\u9fff]", value)) >= 2:
            return value
    return None

"""What every 公文 (工作总结, 检查通报) carries besides its body, per GB/T 9704-2012, and the words it may use.

版头: 发文机关标志 (the issuing office + 文件), 发文字号, the red rule; 落款 and 成文日期; 版记: 抄送, 印发机关
and 印发日期. Each comes from policy (`[office]`, `[issuers]`); what policy does not say is a 【待填写】
prompt, never a default printed as fact (archiver/placeholders.py decides what is still a default).
`prose` turns the machine forms of dates and money into the written ones: a document never says 2025-02-19.
"""

from __future__ import annotations

import datetime as dt
import re

from archiver import placeholders
from archiver.policy import Policy

from .documents import cn_date

_ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_ISO_SPAN = re.compile(r"(?<!\d)(\d{4})-(\d{2})\s*[~～]\s*(\d{4})-(\d{2})(?![\d-])")
_ISO_MONTH = re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?![\d-])")


def month_span(period: str) -> str:
    """'2025-01~2025-03' → 2025年1月至3月 (2025年1月 for one month; years named when they differ)."""
    return prose(period)


def _span(m: re.Match[str]) -> str:
    y1, m1, y2, m2 = (int(x) for x in m.groups())
    if (y1, m1) == (y2, m2):
        return f"{y1}年{m1}月"
    return f"{y1}年{m1}月至{m2}月" if y1 == y2 else f"{y1}年{m1}月至{y2}年{m2}月"


def prose(text: str) -> str:
    """Dates, month spans and months as a 公文 writes them: 2025年2月19日, 2025年1月至3月, 2025年4月."""
    text = _ISO_DAY.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日", text)
    text = _ISO_SPAN.sub(_span, text)
    return _ISO_MONTH.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月", text)


def money(amount: float) -> str:
    """2380 → 2,380.00 (a table's 元 is in its header, a sentence adds 元 itself)."""
    return f"{amount:,.2f}"


def office_name(policy: Policy, year: int | None = None) -> str:
    """The county office's name, or 【待填写：单位名称】 while it is the init default."""
    return placeholders.text_or_prompt(policy.office.name, policy, "office.name", year)


def frame(policy: Policy, signed: dt.date, year: int | None = None, issuer: str | None = None) -> dict[str, str]:
    """版头, 落款 and 版记 of a 公文 signed on `signed` by `issuer` (default: the county office)."""
    office = issuer if issuer and issuer != policy.office.name else office_name(policy, year)
    prefix, cc, printer = policy.office.doc_prefix, policy.office.cc, policy.office.printer
    unset = "【待填写" in office
    return {
        "issuer": office,
        "issuer_mark": office if unset else f"{office}文件",
        "doc_number": (f"{prefix}〔{signed.year}〕【待填写：序号】号" if prefix else "【待填写：发文字号，如×民发〔"
                       f"{signed.year}〕×号】"),
        "signed": cn_date(signed.isoformat()),
        "cc": cc or "【待填写：抄送机关】",
        "printer": printer or (office if unset else f"{office}办公室"),
        "printed": cn_date(signed.isoformat()),
    }


def addressee(policy: Policy) -> str:
    """主送 of a county office's report: `[office] superior` (the 市民政局 it reports to), else a prompt."""
    return f"{policy.office.superior or '【待填写：主送机关】'}："


def signing_day(date: str | None = None) -> dt.date:
    """成文日期: the day the document is generated, unless staff give another (`--date`)."""
    return dt.date.fromisoformat(date) if date else dt.date.today()


def warnings(policy: Policy, year: int | None = None) -> list[str]:
    """What the command line says before generating while settings are still the init defaults."""
    return [f"注意：{p.label}尚未设置（dibao settings set {p.key} …），文书中将显示{p.prompt} / {p.key} not set"
            for p in placeholders.unset(policy, year)]

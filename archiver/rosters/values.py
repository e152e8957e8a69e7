"""Cell values as offices type them: full-width text, dates in five formats, amounts with 元, periods."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from archiver import months
from archiver.chinese_dates import parse_date
from archiver.errors import UserError

_WS = re.compile(r"[\s\u3000]+")


class ValueProblem(UserError, ValueError):
    pass


def text(value: object) -> str:
    """A cell as clean text: integers stay integers (户编号 as number), full-width folded, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    t = unicodedata.normalize("NFKC", str(value))
    return _WS.sub(" ", t).strip()


def name(value: object) -> str:
    """Person and place names carry no spaces ('汪淑珍 ' and '汪 淑珍' are 汪淑珍)."""
    return _WS.sub("", text(value))


def number(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueProblem("不是数字 / not a number")
    if isinstance(value, (int, float)):
        return float(value)
    t = text(value).replace(",", "").replace("，", "").replace("元", "").replace("¥", "").replace("￥", "").strip()
    if t in ("", "-", "—", "/"):
        return None
    try:
        return float(t)
    except ValueError as exc:
        raise ValueProblem(f"不是有效数字：{t[:20]} / not a number") from exc


def integer(value: object) -> int | None:
    n = number(value)
    if n is None:
        return None
    if not float(n).is_integer():
        raise ValueProblem(f"应为整数：{n} / not an integer")
    return int(n)


def date(value: object) -> str | None:
    """ISO date from a date cell, an Excel serial number or Chinese/ISO text; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and 10000 < float(value) < 80000:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
    t = text(value)
    if re.fullmatch(r"\d{8}", t):
        t = f"{t[:4]}-{t[4:6]}-{t[6:]}"
    parsed = parse_date(t)
    if parsed is None:
        month = re.fullmatch(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*月?", t)
        if month and 1 <= int(month.group(2)) <= 12:  # a change list dated by month only: its first day
            return f"{int(month.group(1)):04d}-{int(month.group(2)):02d}-01"
        raise ValueProblem(f"日期无法识别：{t[:20]} / unreadable date")
    return parsed.isoformat()


def month_end(year: int, month: int) -> str:
    return months.month_end(year, month).isoformat()


_CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def period(value: object) -> tuple[str, str] | None:
    """A payment period as (first month, last month), 'YYYY-MM'. None when the text names none."""
    t = text(value).replace(" ", "")
    if not t:
        return None
    m = re.search(r"(\d{4})年?第?([一二三四1-4])季度", t)
    if m:
        y, q = int(m.group(1)), _CN_Q[m.group(2)]
        return f"{y:04d}-{3 * q - 2:02d}", f"{y:04d}-{3 * q:02d}"
    m = re.search(r"(\d{4})[年.\-/](\d{1,2})月?[-~至到—–](?:(\d{4})[年.\-/])?(\d{1,2})月?", t)
    if m:
        y1, m1 = int(m.group(1)), int(m.group(2))
        y2, m2 = int(m.group(3) or y1), int(m.group(4))
        if 1 <= m1 <= 12 and 1 <= m2 <= 12 and (y1, m1) <= (y2, m2):
            return f"{y1:04d}-{m1:02d}", f"{y2:04d}-{m2:02d}"
    m = re.search(r"(\d{4})[年.\-/]?(\d{1,2})月?", t)
    if m and 1 <= int(m.group(2)) <= 12:
        ym = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
        return ym, ym
    return None


def title_month(texts: list[str]) -> str | None:
    """The month a sheet reports on, from its title or file name ('2024年12月…花名册' → 2024-12-31)."""
    for t in texts:
        if "填报" in t or "制表" in t:
            continue
        m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月", t)
        if m and 1 <= int(m.group(2)) <= 12:
            return month_end(int(m.group(1)), int(m.group(2)))
        m = re.search(r"(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度", t)
        if m:
            return month_end(int(m.group(1)), 3 * _CN_Q[m.group(2)])
        m = re.search(r"(\d{4})\s*年度", t)
        if m:
            return f"{m.group(1)}-12-31"
    return None


def category(value: object) -> str | None:
    t = text(value).upper().replace("类", "")
    return {"A": "A", "B": "B", "C": "C", "一": "A", "二": "B", "三": "C", "1": "A", "2": "B", "3": "C"}.get(t) if t else None


def area_type(value: object) -> str | None:
    t = text(value)
    if not t:
        return None
    if "农" in t:
        return "农村"
    if "城" in t:
        return "城市"
    return None


def yes(value: object) -> bool:
    return text(value).upper() in {"是", "有", "√", "Y", "YES", "1", "已备案", "备案", "TRUE"}


NO_WORDS = ("", "无", "否", "-", "—", "/", "0", "没有", "不是", "非", "正常", "健全", "健康", "无残疾", "非残疾", "未残疾")


def disability(*values: object) -> str:
    """残疾类别 and 等级 as one text ("肢体 三级" → "肢体三级"), from one cell or several; "" for none."""
    parts = [text(x).replace(" ", "") for x in values]
    parts = [p for p in parts if p not in NO_WORDS]
    return "".join(dict.fromkeys(parts))


_CADRE_POST = re.compile(r"干部|书记|支书|主任|委员|村委|居委|村长|会计|文书|组长|经办|工作人员|村官|两委")
_KIN = re.compile(r"近亲属|亲属|关系|[之的](?:子|女|妻|夫|父|母|兄|弟|姐|妹|侄|孙)|父子|父女|母子|母女|兄弟|姐妹|兄妹|姐弟|"
                  r"姑侄|叔侄|舅甥|夫妻|配偶|儿子|女儿|妻子|丈夫|岳父|岳母|女婿|儿媳|侄|甥|亲戚|家属")
_NOT = re.compile(r"^(?:非|不是|无|否|未)|(?:非|不是|无)(?:村)?干部")


def cadre_mark(value: object) -> bool:
    """A 备注 or column that says the household is a cadre's close relative, in the words offices use:
    "村干部近亲属", "户主与村委会委员某某系姑侄关系", "村主任之子", "已备案（干部亲属）" — not "非干部近亲属"."""
    t = text(value).replace(" ", "")
    if not t or _NOT.search(t):
        return False
    return bool(_CADRE_POST.search(t) and _KIN.search(t)) or "近亲属备案" in t


def month(value: object) -> str | None:
    """The month a change takes effect, 'YYYY-MM', from 2024.12, 2024-12, 2024年12月, 202412 or a date cell.
    A number cell 2024.1 is refused: Excel shows 2024.10 the same way, so January and October are one."""
    if value is None or value == "":
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:7]
    if isinstance(value, float) and not isinstance(value, bool) and 1900 < value < 2200 and not value.is_integer():
        y, frac = str(value).split(".")
        if frac == "1":
            raise ValueProblem(f"月份{value}有歧义（1月还是10月？），请把该列设为文本 / ambiguous month")
        value = f"{y}.{frac}"
    if isinstance(value, (int, float)) and 10000 < float(value) < 80000:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()[:7]
    t = text(value).replace(" ", "")
    m = re.fullmatch(r"(\d{4})(\d{2})", t) or re.match(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})(?:\s*月份?)?", t)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    raise ValueProblem(f"月份无法识别：{t[:20]} / unreadable month")


def sex(value: object) -> str:
    t = text(value).upper()
    if t in ("男", "男性", "M", "MALE", "1"):
        return "男"
    if t in ("女", "女性", "F", "FEMALE", "2"):
        return "女"
    return ""

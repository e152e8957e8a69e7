"""Resident ID numbers (公民身份号码, GB 11643-1999).

Check digits and birth dates come from python-stdnum; we only add what an office needs on top:
normalising what people and Excel do to the number, and refusing — never repairing — values that
Excel has already destroyed (a number cell keeps only 15 significant digits).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from stdnum.cn import ric

from archiver.errors import UserError

# First two digits of every province-level code in GB/T 2260 (old codes stay valid on issued cards,
# so only the province is checked, never the full county list).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83 91".split()
)
_SCI = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_SPACES = re.compile(r"[\s\u3000'\"‘’“”`-]+")


class IDError(UserError, ValueError):
    """A value that is not a usable ID number; `reason` is Chinese first, then English."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IDInfo:
    number: str
    birth_date: dt.date
    sex: str  # "男" | "女"
    original: str | None = None  # the 15-digit number as printed, when `number` is its 18-digit form

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)


def normalise(value: object) -> str:
    """Text form of an ID as typed: full-width digits to ASCII, spaces and quotes removed, x → X."""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub("", text).upper()


def parse(value: object) -> IDInfo:
    """Validate and describe an ID number; raises IDError with a reason a clerk can act on."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise IDError("身份证号为空 / ID number is empty")
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise IDError(
            "身份证号被Excel存成数字，末几位已丢失，无法恢复，请在原系统中按文本格式重新导出 / "
            "ID stored as a number by Excel: last digits lost, unrecoverable"
        )
    text = normalise(value)
    if _SCI.match(text):
        raise IDError("身份证号为科学计数法（如1.10101E+17），已被Excel损坏，无法恢复 / ID in scientific notation, unrecoverable")
    if re.fullmatch(r"\d+\.0+", text):
        raise IDError("身份证号被Excel存成数字，末几位已丢失，无法恢复 / ID stored as a number, unrecoverable")
    if re.fullmatch(r"\d{15}", text):
        return _from_15(text)
    if len(text) != 18:
        raise IDError(f"身份证号应为18位，实际{len(text)}位 / ID must have 18 characters, got {len(text)}")
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise IDError("身份证号含非法字符 / ID contains invalid characters")
    if text[:2] not in PROVINCES:
        raise IDError("身份证号前6位地区码无效 / invalid region code")
    try:
        birth = ric.get_birth_date(text)
    except Exception as exc:  # stdnum raises InvalidComponent for impossible dates
        raise IDError("身份证号中的出生日期不存在 / birth date in ID is not a real date") from exc
    if birth.year < 1880 or birth > dt.date.today():
        raise IDError("身份证号中的出生日期不合理 / implausible birth date in ID")
    if ric.calc_check_digit(text) != text[-1]:
        raise IDError("身份证号校验位错误（可能录入有误）/ ID check digit is wrong")
    return IDInfo(text, birth, "男" if int(text[16]) % 2 else "女")


def _from_15(text: str) -> IDInfo:
    """A first-generation (1984–2004) 15-digit number: 19 before its 2-digit year, check digit computed
    (GB 11643-1999 §6). The original stays with the result so it can be kept beside the new form."""
    if text[:2] not in PROVINCES:
        raise IDError("15位身份证号的地区码无效 / invalid region code in 15-digit ID")
    body = text[:6] + "19" + text[6:]
    try:
        dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError as exc:
        raise IDError("15位身份证号中的出生日期不存在（可能被截断）/ no real birth date in 15-digit ID") from exc
    number = body + ric.calc_check_digit(body + "0")
    info = parse(number)
    return IDInfo(info.number, info.birth_date, info.sex, original=text)


def check_digit_slip(value: object) -> IDInfo | None:
    """The number as written when its only fault is the check digit (region and birth date real): a typo in
    one digit that still names a real person's birth date and sex. None for any other fault or none."""
    try:
        parse(value)
        return None
    except IDError:
        pass
    text = normalise(value) if value is not None and not isinstance(value, (bool, int, float)) else ""
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return None
    try:
        info = parse(text[:17] + ric.calc_check_digit(text[:17] + "0"))
    except IDError:
        return None
    return IDInfo(text, info.birth_date, info.sex)


def one_slip_away(number: str) -> list[str]:
    """Every 18-character number that differs from `number` in exactly one character: where a typo could
    have come from (or gone to). Lookups use it to tie a check-digit slip to the person on file."""
    out = []
    for i in range(18):
        for ch in "0123456789X" if i == 17 else "0123456789":
            if ch != number[i]:
                out.append(number[:i] + ch + number[i + 1:])
    return out


def looks_truncated(number: str) -> bool:
    """An 18-digit number ending in 000 from a spreadsheet: Excel keeps 15 significant digits of a number
    cell and fills the rest with zeros; a real number ends in 000 about once in ten thousand."""
    return len(number) == 18 and number.endswith("000")


def is_valid(value: object) -> bool:
    try:
        parse(value)
    except IDError:
        return False
    return True


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on `day` (a 29 Feb birthday ages on 1 Mar in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


ID_PATTERN = re.compile(r"(?<![0-9０-９])[1-9１-９](?:[0-9０-９]\s?){16}[0-9０-９Xx×ｘＸ](?![0-9０-９])")


_OCR_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9OoIl|]{17}[0-9OoIl|Xx×](?![0-9A-Za-z])")
_OCR_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def find_all(text: str) -> list[str]:
    """Checksum-valid ID numbers found in free text (OCR output, file names), in order, unique.
    OCR's letter-for-digit slips (O for 0, l for 1) are undone only inside an 18-character run;
    the check digit still has to hold, so a wrong repair is never accepted."""
    text = _OCR_RUN.sub(lambda m: m.group(0).translate(_OCR_FIX) if sum(c.isdigit() for c in m.group(0)) >= 14
                        else m.group(0), text)
    found: list[str] = []
    for m in ID_PATTERN.finditer(text):
        candidate = normalise(m.group(0).replace("×", "X"))
        if is_valid(candidate) and candidate not in found:
            found.append(candidate)
    return found

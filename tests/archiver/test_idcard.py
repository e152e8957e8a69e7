from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from archiver import idcard
from archiver.privacy import mask_id, scrub

pytestmark = pytest.mark.unit

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
regions = st.sampled_from(["110101", "520102", "440304", "520199", "650102"])


def make(region: str, birth: dt.date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@given(regions, births, st.integers(0, 999))
def test_valid_numbers_parse_with_birth_and_sex(region: str, birth: dt.date, seq: int) -> None:
    number = make(region, birth, seq)
    info = idcard.parse(number)
    assert info.number == number
    assert info.birth_date == birth
    assert info.sex == ("男" if seq % 2 else "女")


@given(regions, births, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(region: str, birth: dt.date, seq: int, pos: int, delta: int) -> None:
    number = make(region, birth, seq)
    digit = (int(number[pos]) + delta) % 10
    changed = number[:pos] + str(digit) + number[pos + 1:]
    assert not idcard.is_valid(changed)


@given(regions, births, st.integers(0, 999))
def test_full_width_and_spaces_and_lowercase_x_normalise(region: str, birth: dt.date, seq: int) -> None:
    number = make(region, birth, seq)
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    assert idcard.parse(" " + wide[:6] + " " + wide[6:] + "\u3000").number == number


@pytest.mark.parametrize("value, fragment", [
    (1.10101e17, "数字"),
    (110101195510181296, "数字"),
    ("1.10101E+17", "科学计数法"),
    ("110101551318133", "15位"),  # no 13th month: a truncated number, not an old one
    ("11010119551018133", "18位"),
    ("110101195502301335", "出生日期"),
    ("000101195510181335", "地区码"),
    ("", "为空"),
])
def test_mangled_values_are_refused_not_repaired(value: object, fragment: str) -> None:
    with pytest.raises(idcard.IDError) as exc:
        idcard.parse(value)
    assert fragment in exc.value.reason


def test_old_15_digit_numbers_become_18_with_the_original_kept() -> None:
    info = idcard.parse("110101551018133")
    assert info.number == "11010119551018133" + ric_check("11010119551018133")
    assert info.original == "110101551018133" and info.birth_date == dt.date(1955, 10, 18) and info.sex == "男"
    assert idcard.parse(info.number).original is None


def ric_check(body17: str) -> str:
    from stdnum.cn import ric

    return ric.calc_check_digit(body17 + "0")


def test_regions_missing_from_todays_list_are_accepted() -> None:
    # 520199 is not in GB/T 2260 today; issued cards with old codes stay valid
    assert idcard.is_valid(make("520199", dt.date(1972, 4, 26), 372))


def test_age_on_counts_completed_years() -> None:
    assert idcard.age_on(dt.date(1960, 12, 31), dt.date(2025, 12, 30)) == 64
    assert idcard.age_on(dt.date(1960, 12, 31), dt.date(2025, 12, 31)) == 65


def test_find_all_in_ocr_text_keeps_only_checksum_valid() -> None:
    good = make("520102", dt.date(1980, 5, 6), 123)
    text = f"申请人：张三 身份证号：{good} 电话 13800000000 错号 {good[:-1]}{'0' if good[-1] != '0' else '1'}"
    assert idcard.find_all(text) == [good]


def test_masking_never_shows_the_middle() -> None:
    number = make("110101", dt.date(1955, 10, 18), 133)
    assert mask_id(number) == number[:6] + "********" + number[-4:]
    assert number not in scrub(f"bad row for {number} account 6228123412341234123")
    assert "6228123412341234123" not in scrub("account 6228123412341234123")


def test_ocr_letter_for_digit_slips_are_undone_only_when_the_check_digit_holds() -> None:
    good = make("520102", dt.date(1980, 5, 6), 120)
    assert "0" in good[:17] and "1" in good[:17]
    slipped = good.replace("0", "O", 1).replace("1", "l", 1)
    assert idcard.find_all(f"身份证号：{slipped}") == [good]
    wrong = good[:-2] + ("O" if good[-2] != "0" else "l") + good[-1]
    assert idcard.find_all(f"身份证号：{wrong}") == []

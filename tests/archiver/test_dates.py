from __future__ import annotations

import pytest

from archiver import classify
from archiver.chinese_dates import find_dates

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text, iso", [
    ("2025年3月12日", "2025-03-12"), ("二〇二五年三月十二日", "2025-03-12"), ("2025.3.12", "2025-03-12"),
    ("2025-03-12", "2025-03-12"), ("2025/3/12", "2025-03-12"), ("二零二四年十二月三十一日", "2024-12-31"),
    ("二〇二五年十月一日", "2025-10-01"),
    # forms cn2an reads: 廿 (twenty), financial capitals, OCR's letter O for 〇
    ("二〇二五年三月廿三日", "2025-03-23"), ("贰零贰伍年叁月壹拾贰日", "2025-03-12"), ("二O二五年三月十二日", "2025-03-12"),
])
def test_chinese_form_dates_parse(text: str, iso: str) -> None:
    assert [d.isoformat() for d in find_dates(f"日期：{text}")] == [iso]


def test_impossible_dates_are_ignored() -> None:
    assert find_dates("2025年2月30日") == []


def test_labelled_date_wins_over_birth_and_filename() -> None:
    text = "居民身份证复印件\n出生1948年11月18日\n复核日期：2025年9月24日"
    assert classify.doc_date(text, "SCAN_20250101_0001.jpg") == "2025-09-24"
    assert classify.doc_date("身份证复印件 出生1948年11月18日", "SCAN_20250618_0004.pdf") == "2025-06-18"


@pytest.mark.parametrize("title, kind", [
    ("最低生活保障家庭经济状况入户调查表", "入户调查表"), ("最低生活保障审核确认表", "审批表"), ("低保对象定期复核记录", "复核记录"),
    ("收入证明", "收入证明"), ("居民户口簿", "户口簿"), ("新街乡居民身份证复印件", "身份证"), ("低保民主评议记录", "民主评议记录"),
    ("最低生活保障申请书", "申请书"), ("最低生活保障審核確認表", "审批表"), ("随便一页", "其他"),
])
def test_document_type_from_title(title: str, kind: str) -> None:
    assert classify.doc_type(title + "\n其他内容") == kind

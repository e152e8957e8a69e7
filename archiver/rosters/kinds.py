"""The three sheet kinds, recognised by their columns, and the records their rows become.

Every rejected row comes back as a RowError naming sheet, row (as Excel numbers it), column and
reason; good rows are returned whatever happens to their neighbours (rows.py reads them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.catalog.models import Event, Member, Payment

from . import values as v
from .synonyms import DEFAULT, FIELD_LABELS, Names

ROSTER, CHANGE, DISBURSEMENT = "roster", "change", "disbursement"
KIND_NAMES = {ROSTER: "花名册", CHANGE: "变动名册", DISBURSEMENT: "发放表"}
TOTAL_WORDS = ("合计", "小计", "总计", "累计")

CHANGE_KINDS = {
    "新增": "新增", "新纳入": "新增", "纳入": "新增", "新申请": "新增", "增加": "新增",
    "停保": "停保", "停发": "停保", "取消": "停保", "退出": "停保", "注销": "停保", "终止": "停保", "减少": "停保",
    "调增": "调增", "增发": "调增", "提标": "调增", "上调": "调增",
    "调减": "调减", "减发": "调减", "下调": "调减",
    "恢复": "恢复", "复核": "复核", "成员变更": "成员变更", "增员": "成员变更", "减员": "成员变更",
    "成员增加": "成员变更", "成员减少": "成员变更", "人员变更": "成员变更",
    # some exports put the reason where the kind belongs: these all end the benefit
    "死亡": "停保", "迁出": "停保", "就业": "停保", "收入超标": "停保", "自愿退出": "停保",
}
REASON_KINDS = {"死亡", "迁出", "就业", "收入超标", "自愿退出"}
# what offices write in the ID column (or the remark) of a member who has none
NO_ID_WORDS = ("无户口", "未落户", "未上户", "黑户", "无身份证", "暂无身份证", "未办理身份证", "无证件", "未登记户口")
DATE_FIELDS = ("change_date", "approved_on", "effective_month", "last_review")
MISSING_ID = "身份证号未填"
MISSING_ID_WARNING = ("成员身份证号为空，已按姓名和与户主关系归入上方家庭，请补录身份证号 / "
                      "member ID empty: kept by name and relation in the household above")


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    reason: str


@dataclass
class RosterRow:
    row: int
    household_no: str
    township: str
    village: str
    head_name: str
    head_id: str
    member: Member | None
    area_type: str | None
    category: str | None
    persons: int | None
    amount: float | None
    approved_on: str | None
    address: str
    phone: str
    basis: RosterBasis | None = None
    covered_stated: bool = False  # the roster has a coverage column (是否纳入保障)
    slips: dict[str, str] = field(default_factory=dict)  # ID numbers whose only fault is the check digit → column
    bank_account: str = ""  # where the benefit is paid: a bank's export is placed by it
    last_review: str | None = None  # 最近复核时间: the latest periodic review the roster records


@dataclass
class RosterBasis:
    """What a roster row says about the benefit basis (issue 15): income, 分档 tier, 分类施保 categories."""

    income_monthly: float | None = None
    income_per_capita: float | None = None
    family_size: int | None = None
    tier: str | None = None
    aid_categories: str | None = None


@dataclass
class ChangeRow:
    row: int
    township: str
    village: str
    head_name: str
    head_id: str
    event: Event
    household_no: str = ""
    slips: dict[str, str] = field(default_factory=dict)


@dataclass
class PaymentRow:
    row: int
    township: str
    village: str
    head_name: str
    head_id: str
    payments: list[Payment]
    household_no: str = ""
    slips: dict[str, str] = field(default_factory=dict)


@dataclass
class Parsed:
    kind: str
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # imported, but a person should look (IDs ending 000)
    skipped_duplicates: int = 0
    per_member: bool = False  # a roster with one row per member (else one row per household)
    attempted: int = 0  # data rows read (not counting totals, notes and duplicates)


def detect(columns: dict[str, int], months: dict[int, tuple[int | None, int]] | None = None
           ) -> tuple[str | None, list[str]]:
    """(kind, missing columns). kind None means the sheet is none of ours."""
    f = set(columns)
    has_name = bool(f & {"head_name", "member_name", "payee"})
    has_id = bool(f & {"head_id", "member_id", "household_no"})  # a change or payment names its household either way
    if "change_kind" in f:
        need = ([] if f & set(DATE_FIELDS) else ["change_date"]) + ([] if has_id else ["head_id"])
        return CHANGE, need
    if len(months or {}) >= 2 and (has_name or has_id):
        return DISBURSEMENT, [] if has_id else ["head_id"]
    if f & {"period", "paid_amount"}:  # a bank's export names the account instead of a person: placed by it
        need = ["paid_amount"] + ([] if has_id or "bank_account" in f else ["head_id"])
        return DISBURSEMENT, [n for n in need if n not in f]
    if has_name and has_id and f & {"household_no", "persons", "amount", "relation", "category", "area_type", "approved_on"}:
        return ROSTER, []
    return None, []


def missing_reason(kind: str | None, missing: list[str], columns: dict[str, int], unknown: list[str] | None = None,
                   names: Names = DEFAULT) -> str:
    if kind is None:
        odd = "、".join(dict.fromkeys(unknown or []))
        return ("表格列无法识别：不是花名册、变动名册或发放表（需要姓名、身份证号及保障信息等列）"
                + (f"；不认识的列：{odd[:200]}" if odd else "")
                + f"。dibao认识的列名——{names.known_text()}。其他叫法可在 policy.toml 的 [columns] 中添加 / "
                f"unknown columns; recognised: {', '.join(sorted(columns)) or 'none'}")
    labels = "、".join(FIELD_LABELS.get(m, m) for m in missing)
    known = names.known_text([m for m in missing if m in names.names] + (["approved_on", "effective_month"]
                                                                          if "change_date" in missing else []))
    return (f"{KIND_NAMES[kind]}缺少必需的列：{labels}（可用列名——{known}）/ "
            f"{kind} sheet lacks required columns: {', '.join(missing)}")


# a signature or note line under the table: 制表人：… 审核：… 分管领导：…, 注：…, 说明：…
_FOOTER = re.compile(r"^(?:制表|填表|填报|审核|审批|负责|分管|主管|经办|复核|监督|统计|领导|注|说明|附注)"
                     r"[\u4e00-\u9fff]{0,4}[:：]")


def is_total_or_note(cells: list[object]) -> bool:
    first = [v.text(c).replace(" ", "") for c in cells[:4]]
    return any(t.startswith(TOTAL_WORDS) or _FOOTER.match(t) for t in first if t)


NAME_FIELDS = ("head_name", "member_name", "payee")
ID_FIELDS = ("head_id", "member_id")
TRANSFER_FAILED = "转账未成功"  # a failed transfer the bank reports: the row's own fact, never a sign of a wrong mapping

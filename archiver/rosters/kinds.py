"""The three sheet kinds, recognised by their columns, and their rows parsed into records.

Every rejected row comes back as a RowError naming sheet, row (as Excel numbers it), column and
reason; good rows are returned whatever happens to their neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver import idcard, places
from archiver.catalog.models import Event, Member, Payment
from archiver.privacy import scrub

from . import packed
from . import values as v
from .context import SheetContext
from .header import Header
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


class _Row:
    """Access to one data row by field name, collecting problems instead of raising."""

    def __init__(self, sheet: str, index: int, cells: list[object], header: Header, out: Parsed,
                 ctx: SheetContext) -> None:
        self.sheet, self.index, self.cells, self.h, self.errors = sheet, index, cells, header, out.errors
        self.warnings = out.warnings
        self.ctx = ctx
        self.failed = False
        self.slips: dict[str, str] = {}  # number → column label: a check-digit slip the import settles

    def raw(self, f: str) -> object:
        c = self.h.columns.get(f)
        return self.cells[c] if c is not None and c < len(self.cells) else None

    def label(self, f: str) -> str:
        return self.h.labels.get(self.h.columns.get(f, -1), FIELD_LABELS.get(f, f))

    def fail(self, f: str, reason: str) -> None:
        self.errors.append(RowError(self.sheet, self.index + 1, self.label(f), scrub(reason)))
        self.failed = True

    def get(self, f: str, conv):  # type: ignore[no-untyped-def]
        try:
            return conv(self.raw(f))
        except v.ValueProblem as exc:
            self.fail(f, str(exc))
            return None

    def id_info(self, f: str, required: bool = True) -> idcard.IDInfo | None:
        raw = self.raw(f)
        if raw is None or v.text(raw) == "":
            if required:
                self.fail(f, "身份证号为空 / ID number is empty")
            return None
        try:
            info = idcard.parse(raw)
        except idcard.IDError as exc:
            slip = idcard.check_digit_slip(raw)
            if slip is None:
                self.fail(f, exc.reason)
                return None
            self.slips[slip.number] = self.label(f)  # the person on file, a duplicate, or kept as written
            return slip
        if idcard.looks_truncated(info.number):
            self.warnings.append(RowError(self.sheet, self.index + 1, self.label(f), scrub(
                f"身份证号{info.number}以000结尾，可能被Excel截断，已导入，请核对原件 / ID ends in 000: maybe truncated")))
        return info

    def id_number(self, f: str, required: bool = True) -> str:
        info = self.id_info(f, required)
        return info.number if info else ""

    def township(self) -> str:
        """The row's 乡镇: its column, else what the title, unit line or file name says."""
        t = places.township(v.name(self.raw("township")))
        if t:
            return t
        if self.ctx.township.conflict:
            self.fail("township", f"乡镇无法确定：{self.ctx.township.conflict} / township unclear")
            return ""
        return self.ctx.township.value or ""

    def village(self) -> str:
        return places.village(v.name(self.raw("village")))

    def area_type(self) -> str | None:
        t = v.area_type(self.raw("area_type"))
        if t:
            return t
        if self.ctx.area_type.conflict:
            self.fail("area_type", f"城乡类别无法确定：{self.ctx.area_type.conflict} / type unclear")
            return None
        return self.ctx.area_type.value or places.village_type(self.village())

    def period_conflict(self) -> bool:
        if self.ctx.period.conflict:
            self.fail("period", f"所属期间无法确定：{self.ctx.period.conflict} / period unclear")
            return True
        return False


# a signature or note line under the table: 制表人：… 审核：… 分管领导：…, 注：…, 说明：…
_FOOTER = re.compile(r"^(?:制表|填表|填报|审核|审批|负责|分管|主管|经办|复核|监督|统计|领导|注|说明|附注)"
                     r"[\u4e00-\u9fff]{0,4}[:：]")


def is_total_or_note(cells: list[object]) -> bool:
    first = [v.text(c).replace(" ", "") for c in cells[:4]]
    return any(t.startswith(TOTAL_WORDS) or _FOOTER.match(t) for t in first if t)


NAME_FIELDS = ("head_name", "member_name", "payee")
ID_FIELDS = ("head_id", "member_id")


def parse(kind: str, sheet: str, rows: list[list[object]], header: Header, ctx: SheetContext) -> Parsed:
    cols = header.columns
    data, refused = packed.unpack(rows, header) if kind == ROSTER else (
        [(i, list(rows[i])) for i in range(header.data_start, len(rows))], [])
    out = Parsed(kind, per_member=kind == ROSTER and "member_name" in cols and ("head_name" in cols or "relation" in cols))
    for i, reason in refused:
        out.errors.append(RowError(sheet, i + 1, header.labels.get(cols.get("member_id", cols.get("head_id", -1)), "身份证号"),
                                   reason))
        out.attempted += 1
    header_texts = [v.text(c) for c in rows[header.row]]
    carry: dict[str, object] = {}
    seen: dict[tuple, int] = {}
    household_fields = ("township", "village", "household_no", "head_name", "head_id", "area_type", "category",
                        "persons", "amount", "approved_on", "last_review")
    for index, cells in data:
        texts = [v.text(c) for c in cells]
        if not any(texts) or is_total_or_note(cells) or texts[: len(header_texts)] == header_texts:
            continue
        if kind == ROSTER and "member_name" in header.columns:
            # merged household cells: member rows below the first leave household columns empty
            ident = [texts[header.columns[f]] for f in ("household_no", "head_name", "head_id")
                     if f in header.columns and header.columns[f] < len(texts)]
            if ident and not any(ident) and carry:
                for f in household_fields:
                    c = header.columns.get(f)
                    if c is not None and c < len(cells) and not texts[c]:
                        cells[c] = carry.get(f)
            else:
                carry = {f: cells[c] for f, c in header.columns.items() if f in household_fields and c < len(cells)}
        names = [v.name(cells[c]) for f, c in header.columns.items() if f in NAME_FIELDS and c < len(cells)]
        ids = [texts[c] for f, c in header.columns.items() if f in ID_FIELDS + ("bank_account",) and c < len(cells)]
        if not any(names) and not any(ids):
            continue  # a note, a signature line, a blank row with a stray 序号
        key = tuple(texts)
        if key in seen:
            out.errors.append(RowError(sheet, index + 1, "整行", f"重复行（与第{seen[key]}行相同），已跳过 / duplicate of row {seen[key]}"))
            out.skipped_duplicates += 1
            continue
        seen[key] = index + 1
        out.attempted += 1
        row = _Row(sheet, index, cells, header, out, ctx)
        record = {ROSTER: _roster, CHANGE: _change, DISBURSEMENT: _payment}[kind](row)
        if record is not None and not row.failed:
            record.slips = row.slips
            out.rows.append(record)
    return out


def _head_columns(row: _Row) -> tuple[str, str]:
    """Which columns hold the head's name and ID when a sheet has only one of each."""
    cols = row.h.columns
    name_f = next((f for f in NAME_FIELDS if f in cols), "head_name")
    id_f = "head_id" if "head_id" in cols else "member_id"
    return name_f, id_f


def _no_id_reason(id_text: str, remark: str) -> str | None:
    """无户口 / 未落户 … in the ID cell, or an empty ID cell with such a remark: a member without a number."""
    if any(ch.isdigit() for ch in id_text):
        return None
    for t in (id_text, remark):
        word = next((w for w in NO_ID_WORDS if w in t), None)
        if word:
            return t if len(t) <= 30 else word
    return None


def _disability(row: _Row) -> str:
    """残疾类别 and 残疾等级 in one cell or two; a 残疾证号 alone says the person holds a certificate."""
    cells = [row.raw("disability")] + [row.cells[c] for c in row.h.spare.get("disability", []) if c < len(row.cells)]
    found = v.disability(*cells)
    if not found and v.disability(row.raw("disability_cert")):
        return "持残疾证"
    health = v.text(row.raw("health")).replace(" ", "")
    if not found and "disability" not in row.h.columns and "残" in health and not re.search(r"[无非未]残", health):
        return health  # no disability column: 健康状况 "肢体残疾三级" says it
    return found


def _cadre(row: _Row) -> bool:
    """The 近亲属 flag: its own column (是/√/已备案, or the relation written out), or the 备注 saying so."""
    return v.yes(row.raw("cadre")) or v.cadre_mark(row.raw("cadre")) or v.cadre_mark(row.raw("remark"))


def _roster(row: _Row) -> RosterRow | None:
    cols = row.h.columns
    per_member = "member_name" in cols and ("head_name" in cols or "relation" in cols) and (
        "member_id" in cols or "head_id" not in cols)
    member: Member | None = None
    head_name = v.name(row.raw("head_name")) if "head_name" in cols else ""
    head_id = ""
    if row.period_conflict():
        return None
    if per_member:
        m_name = v.name(row.raw("member_name"))
        if not m_name:
            row.fail("member_name", "成员姓名为空 / member name is empty")
        id_f = "member_id" if "member_id" in cols else "head_id"
        relation = v.text(row.raw("relation"))
        no_id = _no_id_reason(v.text(row.raw(id_f)), v.text(row.raw("remark")))
        if not no_id and not v.text(row.raw(id_f)) and m_name and relation and relation != "户主":
            # a member row with a name and a relation but no number belongs to the household above: kept
            no_id = MISSING_ID
            row.warnings.append(RowError(row.sheet, row.index + 1, row.label(id_f), MISSING_ID_WARNING))
        info = None if no_id else row.id_info(id_f)
        if "head_id" in cols and "member_id" in cols:
            head_id = row.id_number("head_id", required=not no_id or relation != "户主")
        elif relation == "户主" and info:
            head_id = info.number
            head_name = head_name or m_name
        if info or no_id:
            member = Member(
                name=m_name, id_number=info.number if info else "",
                relation=relation or ("户主" if info and info.number == head_id else ""),
                sex=v.sex(row.raw("sex")) or (info.sex if info else ""),
                birth_date=(row.get("birth_date", v.date) if "birth_date" in cols else None)
                or (info.birth_date.isoformat() if info else None),
                disability=_disability(row), health=v.text(row.raw("health")),
                identity=v.text(row.raw("identity")), cadre_relative=_cadre(row),
                id_original=info.original if info else None, no_id_reason=no_id)
    else:
        name_f, id_f = _head_columns(row)
        head_name = v.name(row.raw(name_f))
        info = row.id_info(id_f)
        if info:
            head_id = info.number
            member = Member(head_name, head_id, "户主", v.sex(row.raw("sex")) or info.sex, info.birth_date.isoformat(),
                            _disability(row), v.text(row.raw("health")),
                            v.text(row.raw("identity")), _cadre(row), id_original=info.original)
    household_no = v.text(row.raw("household_no"))
    if not household_no and not head_id and per_member and not (member and member.relation):
        row.fail("household_no", "无法确定所属家庭：缺少户编号和户主身份证号 / cannot tell the household")
    cat_raw = row.raw("category")
    # 一档/二档 are benefit tiers; 一类/二类/三类 are the tier in a 分档 county and the A/B/C review class elsewhere
    # (still kept as the tier the basis shows)
    tier = _tier(cat_raw)
    category = None if tier and (row.ctx.tiered or "档" in v.text(cat_raw)) else v.category(cat_raw)
    if v.text(cat_raw) and category is None and tier is None:
        row.fail("category", f"分类应为A/B/C：{v.text(cat_raw)} / category must be A, B or C")
    if member is not None and "covered" in cols and v.text(row.raw("covered")):
        member.covered = v.yes(row.raw("covered")) or v.text(row.raw("covered")) in ("纳入", "保障", "享受", "在保")
        member.covered_reason = "" if member.covered else v.text(row.raw("covered_reason"))
    return RosterRow(
        row=row.index + 1, household_no=household_no, township=row.township(), village=row.village(),
        head_name=head_name, head_id=head_id, member=member, area_type=row.area_type(), category=category,
        persons=row.get("persons", v.integer), amount=row.get("amount", v.number),
        approved_on=row.get("approved_on", v.date), last_review=row.get("last_review", v.date),
        address=v.text(row.raw("address")), phone=v.text(row.raw("phone")),
        basis=_basis(row, tier), covered_stated="covered" in cols and bool(v.text(row.raw("covered"))),
        bank_account=v.text(row.raw("bank_account")).replace(" ", ""))


def _tier(value: object) -> str | None:
    """一类/二类/三类, 一档, 1类 … as the tier name policy.toml uses (一类, 二类, 三类, 四类)."""
    t = v.text(value).replace("档", "类")
    digits = {"1": "一", "2": "二", "3": "三", "4": "四"}
    t = "".join(digits.get(c, c) for c in t)
    return t if t in ("一类", "二类", "三类", "四类") else None


def _basis(row: _Row, tier: str | None) -> RosterBasis | None:
    cols = row.h.columns
    if not set(cols) & {"income_monthly", "income_per_capita", "income_yearly", "income_per_capita_yearly", "tier",
                        "classified_aid"}:
        return None
    monthly = row.get("income_monthly", v.number)
    per_capita = row.get("income_per_capita", v.number)
    yearly_pc = row.get("income_per_capita_yearly", v.number)
    if per_capita is None and yearly_pc is not None:
        per_capita = round(yearly_pc / 12, 2)
    yearly = row.get("income_yearly", v.number)
    if yearly is not None and monthly is None:
        label = row.h.labels.get(cols["income_yearly"], "")
        monthly = yearly if "月" in label else round(yearly / 12, 2)  # 家庭总收入(元/月) is monthly
    aid = v.text(row.raw("classified_aid"))
    tier = tier or _tier(row.raw("tier")) or _tier(aid) or (v.text(row.raw("tier")) or None)
    return RosterBasis(monthly, per_capita, row.get("family_size", v.integer), tier,
                       None if _tier(aid) or aid in ("", "无", "否", "-", "/") else aid)


def _change(row: _Row) -> ChangeRow | None:
    name_f, id_f = _head_columns(row)
    head_id = row.id_number(id_f, required=not v.text(row.raw("household_no")))
    raw_kind = v.name(row.raw("change_kind"))
    kind = CHANGE_KINDS.get(raw_kind)
    old_amount, new_amount = row.get("old_amount", v.number), row.get("new_amount", v.number)
    if kind is None and raw_kind in ("调整", "调标", "变更") and old_amount is not None and new_amount is not None:
        kind = "调增" if new_amount > old_amount else "调减"
    if kind is None:
        row.fail("change_kind", f"变动类型无法识别：{raw_kind or '空'} / unknown change kind")
        return None
    # the decision date (审批时间) dates the change for statistics; the effective month (执行月份) is kept
    # beside it for payments; a list with only a month is dated by that month
    approved, dated = row.get("approved_on", v.date), row.get("change_date", v.date)
    decision = approved or dated  # beside 审批时间, a 变动日期/生效日期 is when the change took effect
    effective = row.get("effective_month", v.month) or (dated[:7] if approved and dated else None)
    date = decision or (f"{effective}-01" if effective else None)
    if date is None and not row.failed:
        present = [f for f in DATE_FIELDS if f in row.h.columns]
        row.fail(present[0] if present else "change_date", "变动日期为空（审批日期和执行月份均未填写）/ change date is empty")
        return None
    reason = v.text(row.raw("reason")) or (raw_kind if raw_kind in REASON_KINDS else "")
    event = Event(date=date or "", kind=kind, old_amount=old_amount, new_amount=new_amount,
                  old_persons=row.get("old_persons", v.integer), new_persons=row.get("new_persons", v.integer),
                  reason=reason, source_row=row.index + 1, effective_month=effective)
    return ChangeRow(row.index + 1, row.township(), row.village(), v.name(row.raw(name_f)), head_id, event,
                     v.text(row.raw("household_no")))


def _holder(row: _Row) -> str:
    """The account's holder as the sheet names them: 户名/开户人, else the 领款人."""
    return v.name(row.raw("account_holder")) or v.name(row.raw("payee"))


TRANSFER_FAILED = "转账未成功"  # a failed transfer the bank reports: the row's own fact, never a sign of a wrong mapping
_FAILED = ("失败", "退回", "退票", "不成功", "未成功", "未入账", "错误", "冲正", "户名不符", "账号不存在", "销户", "挂失")


def _transfer_failed(row: _Row) -> str:
    """What a bank's status column says of a transfer that did not arrive (失败, 退回, 户名不符 …), or ""."""
    t = v.text(row.raw("transfer_status"))
    label = row.label("transfer_status")
    if "原因" in label:  # a 失败原因 column: anything written there is a failure
        return "" if t in v.NO_WORDS else t
    return t if any(w in t for w in _FAILED) else ""


def _payment(row: _Row) -> PaymentRow | None:
    name_f, id_f = _head_columns(row)
    account = v.text(row.raw("bank_account")).replace(" ", "")
    head_id = row.id_number(id_f, required=not v.text(row.raw("household_no")) and not (
        account and id_f not in row.h.columns))
    failed = _transfer_failed(row)
    if failed:
        row.fail("transfer_status", f"{TRANSFER_FAILED}（{failed[:30]}），未计入已发放，请核实后补发 / transfer failed: not counted as paid")
        return None
    persons = row.get("persons", v.integer)
    township, village, holder = row.township(), row.village(), _holder(row)
    if row.h.months:
        pays = _wide_payments(row, persons, account, township, village, holder)
        if pays is None:
            return None
    else:
        amount = row.get("paid_amount", v.number)
        if amount is None and not row.failed:
            row.fail("paid_amount", "发放金额为空 / amount is empty")
        span = v.period(row.raw("period")) or v.period(row.raw("memo"))  # 摘要 "2025年3月低保金"
        for title in row.h.above:  # a sheet without a period column: its title names the period
            if span is None and "填报" not in title:
                span = v.period(title)
        if span is None and not row.ctx.sheet_date:  # the day the bank paid, when nothing names the month owed
            span = v.period(row.raw("transfer_date"))
        if span is None and row.period_conflict():
            return None
        if span is None and row.ctx.sheet_date:
            span = v.period(row.ctx.sheet_date[:7])
        if span is None:
            row.fail("period", "发放期间无法识别 / payment period unreadable")
            return None
        if amount is None:
            return None
        pays = [Payment(span[0], span[1], amount, persons, account, township, village, holder)]
    return PaymentRow(row.index + 1, township, village, v.name(row.raw(name_f)), head_id, pays,
                      v.text(row.raw("household_no")))


def _wide_payments(row: _Row, persons: int | None, account: str, township: str, village: str,
                   holder: str) -> list[Payment] | None:
    """One payment per month column; the months must add up to the row's 小计/合计."""
    pays: list[Payment] = []
    total = 0.0
    for c, (year, mo) in sorted(row.h.months.items()):
        try:
            amount = v.number(row.cells[c] if c < len(row.cells) else None)
        except v.ValueProblem as exc:
            row.errors.append(RowError(row.sheet, row.index + 1, row.h.labels.get(c, ""), str(exc)))
            row.failed = True
            return None
        if not amount:
            continue
        if year is None:
            if row.period_conflict():
                return None
            year = row.ctx.year
        if year is None:
            row.fail("period", f"「{row.h.labels.get(c, '')}」所属年份无法确定（标题、表名和文件名都没有年份）/ "
                               "year of the month columns unknown")
            return None
        ym = f"{year:04d}-{mo:02d}"
        pays.append(Payment(ym, ym, amount, persons, account, township, village, holder))
        total += amount
    total_f = "row_total" if "row_total" in row.h.columns else "paid_amount"
    stated = row.get(total_f, v.number)
    if stated is not None and abs(stated - total) > 0.005:
        row.fail(total_f, f"各月金额之和{total:.2f}元与{row.label(total_f)}{stated:.2f}元不符 / months do not add up")
        return None
    return pays

"""One synonym table: the column names offices export, mapped to our field names.

Headers are compared after NFKC (full-width → half-width), traditional → simplified and removal of
spaces and brackets, so 身份證號碼, 身份证号码 and "身份证 号码" are one name. Staff add names of their own
in policy.toml (`[columns]`, field = ["name", …]); `Names` is the table with those additions.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence

import opencc

from archiver.errors import UserValueError

# One row per field; other branches add names or rows here, nowhere else.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号序号", "no"),
    "township": ("乡镇", "乡镇街道", "乡镇(街道)", "街道", "乡(镇)", "所属乡镇", "乡镇名称", "镇街", "乡(镇、街道)",
                 "所属乡镇(街道)", "乡镇(街道)名称"),
    "village": ("村", "村(社区)", "村社区", "社区", "村居", "村委会", "所属村", "村(居)", "村名", "行政村", "村居委会",
                "村(居)委会", "所属村(社区)", "村(社区)名称"),
    "household_no": ("户编号", "户号", "家庭编号", "户籍编号", "低保户编号", "档案编号"),
    "head_name": ("户主姓名", "户主", "户主名字", "申请人", "申请人姓名"),
    "head_id": ("户主身份证号", "户主身份证号码", "户主公民身份号码", "户主证件号码", "户主身份证", "申请人身份证号"),
    "member_name": ("成员姓名", "家庭成员姓名", "姓名", "家庭成员", "保障对象姓名", "人员姓名"),
    "relation": ("与户主关系", "关系", "与户主的关系", "家庭关系"),
    "member_id": ("成员身份证号", "身份证号码", "身份证号", "公民身份号码", "证件号码", "身份证", "成员身份证号码"),
    "area_type": ("保障类别", "城乡类别", "城乡", "低保类型", "城乡类型", "户籍类别", "保障类型", "低保类别"),
    "category": ("分类", "分类管理", "分类类别", "管理类别", "类别", "abc类", "分类等级"),
    "persons": ("保障人数", "保障人口", "享受人数", "保障人口数", "享受人口", "在保人数"),
    "amount": ("月保障金额", "保障金", "补差金额", "月补助金额", "保障金额", "月发放金额", "月保障金", "月补差金额"),
    "approved_on": ("纳入日期", "批准时间", "批准日期", "审批日期", "纳入时间", "审批时间", "享受起始时间"),
    "last_review": ("最近复核时间", "最近复核日期", "上次复核时间", "上次复核日期", "最后复核时间", "最后复核日期",
                    "末次复核时间", "复核时间", "复核日期"),
    "effective_month": ("执行月份", "起始月份", "执行时间", "生效月份", "执行日期", "起始时间", "开始执行月份",
                        "变动执行月份", "执行年月"),
    "disability": ("残疾等级", "残疾情况", "残疾类别", "残疾级别", "残疾类别等级", "残疾类别及等级", "残疾类别和等级",
                   "残疾类别/等级", "残疾类型", "残疾类型及等级", "残疾类型等级", "残疾程度", "残疾人类别", "残疾人等级",
                   "残疾状况", "是否残疾", "残疾人", "残疾等级类别"),
    "disability_cert": ("残疾证号", "残疾证号码", "残疾人证号", "残疾人证号码", "残疾证编号", "残疾证"),
    "health": ("健康状况", "健康情况"),
    "cadre": ("近亲属备案", "村干部近亲属", "是否村干部近亲属", "干部近亲属", "近亲属", "是否干部近亲属", "干部亲属",
              "是否干部亲属", "村干部亲属", "是否村干部亲属", "近亲属备案情况", "是否近亲属", "村(社区)干部近亲属",
              "是否村(社区)干部近亲属", "经办人员近亲属", "是否为村干部近亲属", "干部职工近亲属", "近亲属关系"),
    "identity": ("人员类别", "身份类别", "就业状况", "身份", "就业情况", "人员身份", "职业", "从业状况", "职业状况",
                 "人员类型", "身份类型", "成员类别", "人员属性"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月"),
    "address": ("家庭住址", "住址", "地址", "家庭地址", "居住地址"),
    "phone": ("联系电话", "电话", "手机号码", "联系方式", "手机"),
    "change_kind": ("变动类型", "变动类别", "变更类型", "变动情况", "变动事项"),
    "change_date": ("变动日期", "变更日期", "变动时间", "变更时间", "生效日期"),
    "old_persons": ("原保障人数", "变动前人数", "原人数", "原保障人口", "变动前保障人数", "调整前人数", "原享受人数",
                    "变更前人数", "变动前保障人口"),
    "new_persons": ("现保障人数", "变动后人数", "现人数", "现保障人口", "变动后保障人数", "调整后人数", "现享受人数",
                    "变更后人数", "变动后保障人口", "新保障人数", "新人数", "新保障人口", "新享受人数"),
    "old_amount": ("原金额", "原保障金额", "变动前金额", "原保障金", "原月保障金额", "变动前保障金额", "调整前金额",
                   "变动前月保障金额", "原享受金额", "变更前金额"),
    "new_amount": ("现金额", "现保障金额", "变动后金额", "现保障金", "现月保障金额", "变动后保障金额", "调整后金额",
                   "变动后月保障金额", "现享受金额", "变更后金额", "新金额", "新保障金额", "新保障金", "新月保障金额",
                   "新享受金额"),
    "reason": ("变动原因", "原因", "停保原因", "调整原因"),
    "period": ("发放期间", "发放月份", "所属期", "发放时间", "发放年月", "所属期间"),
    "paid_amount": ("发放金额", "实发金额", "应发金额", "发放合计", "实发", "代发金额"),
    "transfer_amount": ("金额", "交易金额", "转账金额", "入账金额", "付款金额", "金额(元)"),  # paid only beside an account
    # a bank's export of a payment run: the memo names the month, the status says whether the money arrived
    "memo": ("摘要", "用途", "附言", "交易摘要", "款项用途", "资金用途", "备注摘要", "交易附言", "代发用途"),
    "transfer_status": ("交易状态", "处理状态", "状态", "处理结果", "交易结果", "转账结果", "代发结果", "入账状态",
                        "是否成功", "入账结果", "失败原因", "退回原因", "错误原因"),
    "row_total": ("小计", "合计", "总计", "合计金额", "小计金额", "合计(元)"),
    "payee": ("领款人", "领款人姓名", "收款人", "收款人姓名", "领取人"),
    "account_holder": ("户名", "开户人", "开户名", "账户名", "持卡人", "开户人姓名", "账户户名", "账户名称", "收款人户名",
                       "收款户名", "收款账户名", "对方户名"),
    "transfer_date": ("交易日期", "交易时间", "转账日期", "入账日期", "代发日期", "记账日期"),  # when the bank paid
    "bank_account": ("银行账号", "银行卡号", "账号", "存折号", "银行帐号", "卡号", "社保卡号", "一卡通账号",
                     "一卡通帐号", "惠民一卡通账号", "社保卡账号", "银行卡账号", "一卡通卡号", "存折账号", "收款账号",
                     "收款人账号", "收款账户", "入账账号", "卡号/账号", "账号/卡号", "对方账号"),
    "remark": ("备注",),
    # benefit basis (issue 15): incomes, 分档 tier, 分类施保 (not the A/B/C class), coverage per member
    "income_monthly": ("家庭月收入", "家庭月总收入", "家庭月均收入", "月收入", "家庭收入(月)"),
    "income_per_capita": ("人均月收入", "家庭人均月收入", "月人均收入", "人均收入", "家庭人均收入"),
    "income_yearly": ("家庭年收入", "家庭年总收入", "家庭总收入", "年收入"),
    "income_per_capita_yearly": ("家庭年人均收入", "年人均收入", "人均年收入"),
    "family_size": ("家庭人口", "家庭人口数", "家庭人数", "共同生活人口", "共同生活家庭成员人数", "共同生活人数",
                    "家庭成员数", "人口"),
    "tier": ("保障档次", "分档", "档次", "救助档次", "保障等级", "补助档次"),
    "classified_aid": ("分类施保", "分类施保类别", "施保类别"),
    "covered": ("是否保障对象", "是否纳入保障", "纳入保障", "是否享受", "保障对象", "是否享受低保", "是否保障",
                "纳入保障对象", "是否纳入保障范围"),
    "covered_reason": ("未纳入原因", "不纳入原因", "未保障原因", "不享受原因", "未纳入保障原因", "不纳入保障原因"),
}

FIELD_LABELS: dict[str, str] = {
    "township": "乡镇", "village": "村(社区)", "household_no": "户编号", "head_name": "户主姓名",
    "head_id": "户主身份证号", "member_name": "成员姓名", "relation": "与户主关系", "member_id": "身份证号",
    "area_type": "保障类别(城市/农村)", "category": "分类(A/B/C)", "persons": "保障人数", "amount": "月保障金额",
    "approved_on": "纳入日期/审批日期", "last_review": "最近复核日期", "change_kind": "变动类型", "change_date": "变动日期", "period": "发放期间",
    "paid_amount": "发放金额", "new_amount": "现金额", "old_amount": "原金额", "bank_account": "银行账号",
    "effective_month": "执行月份", "row_total": "小计/合计", "payee": "领款人", "account_holder": "户名(开户人)",
    "old_persons": "原保障人数", "new_persons": "现保障人数", "reason": "变动原因", "sex": "性别",
    "identity": "人员类别", "disability": "残疾等级", "cadre": "近亲属备案", "address": "家庭住址",
}

# the fields named when a header is not understood: what a clerk needs to rename a column
KEY_FIELDS = ("head_name", "member_name", "head_id", "member_id", "household_no", "township", "village", "persons",
              "amount", "change_kind", "change_date", "approved_on", "effective_month", "period", "paid_amount",
              "bank_account")

# words that say whose a person column is: the household's head or a member (longest first)
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "head": ("户主", "申请人"),
    "member": ("共同生活家庭成员", "共同生活成员", "家庭成员", "保障成员", "成员"),
}
_PERSON_FIELDS = {"name": ("head_name", "member_name"), "id": ("head_id", "member_id")}
# people a roster may name beside the household who are not its covered members: their ID columns are theirs
OUTSIDE_PERSONS = ("代领人", "领款人", "领取人", "收款人", "代理人", "委托人", "受托人", "监护人", "赡养人", "抚养人",
                   "扶养人", "经办人", "担保人", "联系人", "持卡人", "开户人", "调查人", "审核人")


def names_someone_else(label: str) -> bool:
    """A column (代领人身份证号, 监护人证件号码) that says it is about someone other than the head or a member."""
    key = normalise_header(label)
    return any(w in key for w in OUTSIDE_PERSONS)


def role_of(label: str) -> str | None:
    """'head' for a label (or group label) that starts with 户主/申请人, 'member' for 成员/家庭成员 …"""
    key = normalise_header(label)
    for role, words in ROLE_WORDS.items():
        if any(key.startswith(w) for w in words):
            return role
    return None


def with_role(field: str, role: str | None) -> str:
    """A person's name or ID column read as the head's or a member's (户主信息/身份证号 is the head's ID)."""
    for pair in _PERSON_FIELDS.values():
        if field in pair and role is not None:
            return pair[0] if role == "head" else pair[1]
    return field


_t2s = opencc.OpenCC("t2s")
_STRIP = re.compile(r"[\s\u3000:：*＊]+")


@functools.lru_cache(maxsize=8192)
def normalise_header(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    t = _t2s.convert(t)
    t = _STRIP.sub("", t).replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    return t


class Names:
    """The synonym table plus an office's own names (policy.toml `[columns]`)."""

    def __init__(self, extra: Mapping[str, Sequence[str]] | None = None, tiered: bool = False) -> None:
        self.tiered = tiered  # policy.toml [basis] mode = "分档": 一类/二类/三类 in a class column are tiers
        self.names: dict[str, list[str]] = {f: list(n) for f, n in SYNONYMS.items()}
        self.lookup: dict[str, str] = {}
        by_label = {normalise_header(label): f for f, label in FIELD_LABELS.items()}
        for key, extra_names in (extra or {}).items():
            f = key if key in SYNONYMS else by_label.get(normalise_header(key))
            if f is None:
                raise UserValueError(f"policy.toml [columns] 中的字段「{key}」不存在；可用字段：{', '.join(SYNONYMS)} / "
                                 f"unknown field in [columns]")
            if isinstance(extra_names, str):
                extra_names = [extra_names]
            self.names[f] += [str(n) for n in extra_names]
        for f, names in self.names.items():
            for n in names:
                self.lookup.setdefault(normalise_header(n), f)
        for f, names in self.names.items():  # an office's own names win over a built-in one
            for n in names[len(SYNONYMS[f]):]:
                self.lookup[normalise_header(n)] = f

    def field_for(self, header: object) -> str | None:
        """Our field name for a column header, or None when it is not one we know."""
        if header is None:
            return None
        key = normalise_header(str(header))
        if not key:
            return None
        if key in self.lookup:
            return self.lookup[key]
        bare = re.sub(r"\(.*?\)", "", key)  # 月保障金额(元) → 月保障金额
        if bare in self.lookup:
            found = self.lookup[bare]
            if "户主" in key and found in ("member_id", "member_name"):  # 身份证号码(户主) is the head's
                return "head_id" if found == "member_id" else "head_name"
            return found
        role = role_of(bare)
        if role is not None:  # 成员公民身份号码, 家庭成员身份证号, 户主证件号: a role word before a known name
            rest = bare[len(next(w for w in ROLE_WORDS[role] if bare.startswith(w))):]
            known = self.lookup.get(rest)
            if known:
                return with_role(known, role)
        return None

    def known_text(self, fields: Sequence[str] = KEY_FIELDS) -> str:
        """'户主姓名：户主姓名、户主、申请人…；…' for messages about a header dibao does not know."""
        return "；".join(f"{FIELD_LABELS.get(f, f)}：{'、'.join(self.names[f][:6])}" for f in fields)


DEFAULT = Names()


def field_for(header: object) -> str | None:
    return DEFAULT.field_for(header)


def from_policy(columns: Mapping[str, Sequence[str]], tiered: bool = False) -> Names:
    """The table for a home: built-in names plus its policy.toml `[columns]` (Policy.columns, checked at load);
    `tiered` where the home pays by 分档 tiers."""
    return Names(columns, tiered) if columns or tiered else DEFAULT

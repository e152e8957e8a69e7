"""A neighbouring county's inbox: the same programme, three offices with three sets of habits, and its truth.

东山镇民政办: no 乡镇 and no 户编号 column, the township and 城市 only in the title, a grouped two-row header
with merged cells, villages in traditional characters with 村委會/居委會 suffixes; change list dated by
审批时间 + 执行月份 with 变动前/变动后 columns; wide monthly disbursement sheets (2025年1月 … 合计 and
7月 … 小计 with the year in the title, 领款人, 一卡通账号, a 合计 row); an Office lock file and desktop.ini.
西河乡: township only on the 填报单位 line (and the folder), 农村 only in the title, a 类别 column holding
农村低保 beside 分类管理 (A/B/C), 性别 and 人员类别 columns; change list with 执行月份 only and 乡镇 in traditional
characters; a long disbursement sheet with 发放期间; a supplementary roster whose ID column Excel stored as
numbers (refused whole: its households are not in the truth).
南岭街道: a 2024 roster without 户编号 (keyed by the head's ID), a 2025 roster with them (merged, never
duplicated), type only in the file name; 批准时间 + 起始月份; a member 未落户 without ID; an old 15-digit ID;
wide half-year sheets with 户名 — one account in the name of someone outside the household.

`build(folder)` writes the inbox and returns the truth: households by head ID and the 2025 figures per
township, computed here from the generator's own records (never by dibao).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from stdnum.cn import ric

YEAR = 2025
TRAD = {"红旗村": "紅旗村委會", "东风社区": "東風社區居委會", "石桥村": "石橋村", "柳树村": "柳樹村委會",
        "南门社区": "南門社區", "新华社区": "新華社區"}
TOWNSHIPS = {"东山镇": ("城市", ["红旗村", "东风社区"]), "西河乡": ("农村", ["石桥村", "柳树村"]),
             "南岭街道": ("城市", ["南门社区", "新华社区"])}


@dataclass
class Person:
    name: str
    id_number: str  # "" for a member without one
    relation: str
    sex: str
    birth: dt.date
    id_printed: str = ""  # what the sheet shows (a 15-digit number, 未落户)
    identity: str = ""


@dataclass
class Home:
    township: str
    village: str
    no: str
    members: list[Person]
    category: str
    amount: float  # monthly amount at the end of 2025 (or when stopped)
    approved: str
    events: list[dict] = field(default_factory=list)  # kind, decision, effective, old/new persons/amount
    stopped: str | None = None
    in_2024_roster: bool = True

    @property
    def head(self) -> Person:
        return self.members[0]

    @property
    def persons(self) -> int:
        return len(self.members)


def _id(rng: random.Random, birth: dt.date, male: bool, used: set[str]) -> str:
    while True:
        body = f"5203{rng.randrange(10, 99)}{birth:%Y%m%d}{rng.randrange(10, 99)}{rng.choice('13579' if male else '02468')}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used and not number.endswith("000"):
            used.add(number)
            return number


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "国建华明秀英兰芳志强军平玉珍桂梅金山德福春林海燕丽红云霞伟文"


def _people(rng: random.Random, used: set[str], n: int) -> list[Person]:
    surname = rng.choice(SURNAMES)
    out = []
    for j in range(n):
        male = j % 2 == 0
        if j == 0:
            birth = dt.date(rng.randrange(1940, 1985), rng.randrange(1, 13), rng.randrange(1, 28))
        else:
            birth = dt.date(rng.randrange(1950, 2020), rng.randrange(1, 13), rng.randrange(1, 28))
        name = (surname if j != 1 else rng.choice(SURNAMES)) + rng.choice(GIVEN) + rng.choice(GIVEN)
        rel = "户主" if j == 0 else ("配偶" if j == 1 else ("子" if male else "女"))
        out.append(Person(name, _id(rng, birth, male, used), rel, "男" if male else "女", birth))
    return out


def _households(rng: random.Random, used: set[str]) -> dict[str, list[Home]]:
    out: dict[str, list[Home]] = {}
    serial = 0
    for t, (_, villages) in TOWNSHIPS.items():
        homes = []
        for i in range(8):
            serial += 1
            v = villages[i % 2]
            members = _people(rng, used, 1 + rng.randrange(4))
            amount = float(rng.randrange(200, 900, 10) * len(members) // 2)
            h = Home(t, v, f"52039{serial:08d}", members, "ABC"[i % 3], amount,
                     f"20{rng.randrange(19, 24)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}")
            homes.append(h)
        # 2025's changes: two new households, one stopped, one up, one down
        a, b = homes[6], homes[7]
        for h, decision, effective in ((a, f"{YEAR}-04-16", f"{YEAR}-05"), (b, f"{YEAR}-09-03", f"{YEAR}-10")):
            h.approved, h.in_2024_roster = decision, False
            h.events.append({"kind": "新增", "decision": decision, "effective": effective, "old_persons": 0,
                             "new_persons": h.persons, "old_amount": 0, "new_amount": h.amount})
        homes[0].stopped = f"{YEAR}-07-20"
        homes[0].events.append({"kind": "停保", "decision": homes[0].stopped, "effective": f"{YEAR}-08",
                                "old_persons": homes[0].persons, "new_persons": 0, "old_amount": homes[0].amount,
                                "new_amount": 0, "reason": "收入超标"})
        for h, kind, delta, month in ((homes[1], "调增", 60, 3), (homes[2], "调减", -40, 11)):
            old = h.amount - delta
            h.events.append({"kind": kind, "decision": f"{YEAR}-{month:02d}-10", "effective": f"{YEAR}-{month + 1:02d}",
                             "old_persons": h.persons, "new_persons": h.persons, "old_amount": old,
                             "new_amount": h.amount})
        out[t] = homes
    # 东山镇: one household decided in December 2024, taking effect in January 2025 (a 2024 change)
    late = out["东山镇"][5]
    late.approved, late.in_2024_roster = f"{YEAR - 1}-12-18", False
    late.events.append({"kind": "新增", "decision": f"{YEAR - 1}-12-18", "effective": f"{YEAR}-01", "old_persons": 0,
                        "new_persons": late.persons, "old_amount": 0, "new_amount": late.amount})
    # 南岭街道: a child not yet registered (未落户) and a grandmother still on her 15-digit card
    nl = out["南岭街道"][3]
    nl.members.append(Person(nl.head.name[0] + "小宝", "", "孙子", "男", dt.date(2024, 3, 2), id_printed="未落户"))
    old = dt.date(1938, 5, 17)
    body15 = f"520302{old:%y%m%d}123"  # 15 digits: region, yymmdd, sequence (odd: female would be even)
    body15 = body15[:14] + "2"
    full17 = body15[:6] + "19" + body15[6:]
    nl.members.append(Person(nl.head.name[0] + "奶奶", full17 + ric.calc_check_digit(full17 + "0"), "母亲", "女", old,
                             id_printed=body15))
    nl.amount += 200
    return out


def _month_amount(h: Home, ym: str) -> float:
    """What a month pays: nothing before the effective month of 新增 or after that of 停保; the old amount
    before an adjustment's effective month."""
    amount = h.amount
    for e in h.events:
        if e["kind"] == "新增" and ym < e["effective"]:
            return 0.0
        if e["kind"] == "停保" and ym >= e["effective"]:
            return 0.0
        if e["kind"] in ("调增", "调减") and ym < e["effective"]:
            amount = e["old_amount"]
    return amount


def _changes(homes: list[Home]) -> list[tuple[Home, dict]]:
    return [(h, e) for h in homes for e in h.events]


def _save(path: Path, rows: list[list[object]], merges: tuple[str, ...] = (), sheet: str = "Sheet1") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def _months(y: int, first: int, last: int) -> list[str]:
    return [f"{y}-{m:02d}" for m in range(first, last + 1)]


def build(folder: Path, seed: int = 7) -> dict:
    rng = random.Random(seed)
    used: set[str] = set()
    homes = _households(rng, used)
    inbox = folder / "inbox"
    _dongshan(inbox / "东山镇民政办", homes["东山镇"])
    _xihe(inbox / "西河乡", homes["西河乡"], rng, used)
    _nanling(inbox / "南岭街道", homes["南岭街道"])
    return _truth(homes)


def _end_members(h: Home) -> list[Person]:
    return h.members


# ---------------------------------------------------------------------- 东山镇
def _dongshan(d: Path, homes: list[Home]) -> None:
    listed = [h for h in homes if not h.stopped]
    title = f"东山镇{YEAR}年12月城市低保花名册"
    rows: list[list[object]] = [[title] + [""] * 11, ["填报单位（盖章）：            填报日期：2026年1月5日"] + [""] * 11,
                                ["序号", "村(社区)", "户主信息", "", "家庭成员信息", "", "", "", "保障信息", "", "", "分类"],
                                ["", "", "姓名", "身份证号", "姓名", "身份证号", "与户主关系", "残疾等级", "保障人数",
                                 "月保障金额", "纳入日期", ""]]
    n = 0
    for h in listed:
        for m in h.members:
            n += 1
            rows.append([n, TRAD[h.village], h.head.name, h.head.id_number, m.name, m.id_number, m.relation, "",
                         h.persons, h.amount, h.approved, h.category])
    _save(d / f"{YEAR}年12月城市低保花名册.xlsx", rows,
          ("A1:L1", "A2:L2", "A3:A4", "B3:B4", "C3:D3", "E3:H3", "I3:K3", "L3:L4"))
    # the 2024 roster the office sent last year (same habits), so the stopped household has a history
    rows24 = [r[:] for r in rows[:4]]
    rows24[0][0] = f"东山镇{YEAR - 1}年12月城市低保花名册"
    n = 0
    for h in homes:
        if not h.in_2024_roster:
            continue
        amount = _month_amount(h, f"{YEAR}-01")
        for m in h.members:
            n += 1
            rows24.append([n, TRAD[h.village], h.head.name, h.head.id_number, m.name, m.id_number, m.relation, "",
                           h.persons, amount, h.approved, h.category])
    _save(d / f"{YEAR - 1}年12月城市低保花名册.xlsx", rows24,
          ("A1:L1", "A2:L2", "A3:A4", "B3:B4", "C3:D3", "E3:H3", "I3:K3", "L3:L4"))
    change = [[f"东山镇{YEAR}年城市低保对象变动情况表"],
              ["序号", "村", "户主姓名", "身份证号码", "变动类型", "审批时间", "执行月份", "变动前人数", "变动后人数",
               "变动前金额", "变动后金额", "变动原因"]]
    for i, (h, e) in enumerate(_changes(homes), 1):
        d1 = dt.date.fromisoformat(e["decision"])
        change.append([i, h.village, h.head.name, h.head.id_number, e["kind"], f"{d1.year}年{d1.month}月{d1.day}日",
                       e["effective"].replace("-", "."), e["old_persons"], e["new_persons"], e["old_amount"],
                       e["new_amount"], e.get("reason", "")])
    _save(d / f"东山镇{YEAR}年低保变动名册.xlsx", change)
    for q, first in enumerate((1, 4, 7, 10), 1):
        months = _months(YEAR, first, first + 2)
        explicit = q % 2 == 1  # Q1, Q3: 2025年1月 … 合计; Q2, Q4: 4月 … 小计, the year in the title
        head = [f"{YEAR}年{int(m[5:])}月" if explicit else f"{int(m[5:])}月" for m in months]
        total_name = "合计" if explicit else "小计"
        rows = [[f"东山镇{YEAR}年第{'一二三四'[q - 1]}季度城市低保金发放表"],
                ["序号", "村", "领款人", "身份证号", "一卡通账号", *head, total_name]]
        col_sum = [0.0, 0.0, 0.0]
        for i, h in enumerate(homes, 1):
            amounts = [_month_amount(h, m) for m in months]
            if not any(amounts):
                continue
            col_sum = [a + b for a, b in zip(col_sum, amounts, strict=True)]
            rows.append([i, h.village, h.head.name, h.head.id_number, f"62170023{i:011d}",
                         *[a or "" for a in amounts], sum(amounts)])
        rows.append(["合计", "", "", "", "", *col_sum, sum(col_sum)])
        _save(d / f"东山镇{YEAR}年第{q}季度低保金发放表.xlsx", rows)
    (d / f"~${YEAR}年12月城市低保花名册.xlsx").write_bytes(b"\x0b\xe5\xbc\xa0\xe4\xb8\x89" + b" " * 150)
    (d / "desktop.ini").write_text("[.ShellClassInfo]\nIconResource=C:\\Windows\\system32\\imageres.dll,-3\n")


# ---------------------------------------------------------------------- 西河乡
def _xihe(d: Path, homes: list[Home], rng: random.Random, used: set[str]) -> None:
    for h in homes:  # this office dates a change by its effective month only: the month is the date
        for e in h.events:
            e["decision"] = e["effective"] + "-01"
            if e["kind"] == "新增":
                h.approved = e["decision"]
    for h in homes:
        for m in h.members:
            m.identity = rng.choice(["务农", "无业", "学生", "残疾人", "灵活就业"]) if m.birth.year < 2008 else "学生"
    def roster(year: int, hs: list[Home]) -> list[list[object]]:
        rows: list[list[object]] = [[f"{year}年12月农村低保花名册"],
                                    [f"填报单位（盖章）：西河乡人民政府      填报日期：{year + 1}年1月6日"],
                                    ["序号", "户编号", "村", "户主姓名", "户主身份证号", "成员姓名", "性别", "成员身份证号",
                                     "与户主关系", "人员类别", "类别", "分类管理", "保障人数", "月保障金额", "纳入时间"]]
        n = 0
        for h in hs:
            village = h.village if h.village != "柳树村" else "柳树村委会"
            amount = h.amount if year == YEAR else _month_amount(h, f"{YEAR}-01")
            for m in h.members:
                n += 1
                rows.append([n, h.no, village, h.head.name, h.head.id_number, m.name, m.sex, m.id_number, m.relation,
                             m.identity, "农村低保", h.category + "类", h.persons, amount, h.approved])
        return rows
    _save(d / f"{YEAR}年12月农村低保花名册.xlsx", roster(YEAR, [h for h in homes if not h.stopped]))
    _save(d / f"{YEAR - 1}年12月农村低保花名册.xlsx", roster(YEAR - 1, [h for h in homes if h.in_2024_roster]))
    change = [[f"西河乡{YEAR}年低保变动名册"],
              ["序号", "乡镇", "村", "户主姓名", "户主身份证号", "变动类型", "执行月份", "原保障人数", "现保障人数",
               "原金额", "现金额", "变动原因"]]
    for i, (h, e) in enumerate(_changes(homes), 1):
        change.append([i, "西河鄉", h.village, h.head.name, h.head.id_number, e["kind"],
                       f"{e['effective'][:4]}年{int(e['effective'][5:])}月", e["old_persons"], e["new_persons"],
                       e["old_amount"], e["new_amount"], e.get("reason", "")])
    _save(d / "变动名册2025.xlsx", change)
    rows = [[f"西河乡{YEAR}年低保金发放表"], ["序号", "村", "户主姓名", "身份证号", "发放期间", "发放金额", "银行账号"]]
    n = 0
    for first in (1, 4, 7, 10):
        for i, h in enumerate(homes, 1):
            amount = sum(_month_amount(h, m) for m in _months(YEAR, first, first + 2))
            if amount:
                n += 1
                rows.append([n, h.village, h.head.name, h.head.id_number, f"{YEAR}年{first}-{first + 2}月", amount,
                             f"62284800{i:011d}"])
    _save(d / f"西河乡{YEAR}年低保金发放表.xlsx", rows)
    # a supplementary list whose ID column Excel turned into numbers: refused as a whole
    extra = [_people(rng, used, 2) for _ in range(4)]
    rows = [[f"西河乡{YEAR}年12月农村低保补充名单"],
            ["序号", "户主姓名", "户主身份证号", "成员姓名", "成员身份证号", "与户主关系", "保障人数", "月保障金额"]]
    for i, ps in enumerate(extra, 1):
        for p in ps:
            rows.append([i, ps[0].name, float(ps[0].id_number[:15] + "000"), p.name, float(p.id_number[:15] + "000"),
                         p.relation, len(ps), 500])
    _save(d / "补充名单.xlsx", rows)


# ---------------------------------------------------------------------- 南岭街道
def _nanling(d: Path, homes: list[Home]) -> None:
    def member_rows(h: Home, with_no: bool, amount: float) -> list[list[object]]:
        out = []
        for m in h.members:
            printed = m.id_printed or m.id_number
            out.append(([h.no] if with_no else []) + ["南岭街道办事处", h.village, h.head.name, h.head.id_number, m.name,
                                                       printed, m.relation, "城市", h.category, h.persons, amount,
                                                       h.approved])
        return out
    cols = ["乡镇(街道)", "社区", "户主姓名", "户主身份证号", "成员姓名", "身份证号码", "与户主关系", "保障类别", "分类",
            "保障人数", "月保障金额", "批准时间"]
    rows24: list[list[object]] = [[f"{YEAR - 1}年12月低保花名册"], ["序号", *cols]]
    for i, h in enumerate((h for h in homes if h.in_2024_roster), 1):
        before = [m for m in h.members if m.birth.year < 2024 or m.id_number]
        rows24 += [[i, *r] for r in member_rows(Home(**{**h.__dict__, "members": before}), False,
                                                _month_amount(h, f"{YEAR}-01"))]
    _save(d / f"{YEAR - 1}年12月低保花名册.xlsx", rows24)
    rows: list[list[object]] = [[f"{YEAR}年12月低保花名册"], ["序号", "户编号", *cols]]
    for i, h in enumerate((h for h in homes if not h.stopped), 1):
        rows += [[i, *r] for r in member_rows(h, True, h.amount)]
    # 保障类别 is left empty here: the type is only in the file name
    for r in rows[2:]:
        r[cols.index("保障类别") + 2] = ""
    _save(d / f"南岭街道{YEAR}年12月城市低保花名册.xlsx", rows)
    change = [["变动情况"], ["序号", "户编号", "户主姓名", "户主身份证号", "变动类型", "批准时间", "起始月份",
                              "原保障人数", "现保障人数", "原保障金额", "现保障金额"]]
    for i, (h, e) in enumerate(_changes(homes), 1):
        change.append([i, h.no if h.in_2024_roster else "", h.head.name, h.head.id_number, e["kind"],
                       dt.date.fromisoformat(e["decision"]), f"{e['effective'][:4]}年{int(e['effective'][5:])}月",
                       e["old_persons"], e["new_persons"], e["old_amount"], e["new_amount"]])
    _save(d / f"南岭街道{YEAR}年变动名册.xlsx", change)
    for half, first, explicit in ((1, 1, True), (2, 7, False)):
        months = _months(YEAR, first, first + 5)
        head = [f"{YEAR}年{int(m[5:])}月" if explicit else f"{int(m[5:])}月" for m in months]
        rows = [[f"南岭街道{YEAR}年{'上' if half == 1 else '下'}半年城市低保金发放表"],
                ["序号", "姓名", "身份证号", "户名", "银行卡号", *head, "合计" if explicit else "小计"]]
        for i, h in enumerate(homes, 1):
            amounts = [_month_amount(h, m) for m in months]
            if not any(amounts):
                continue
            holder = "周代领" if i == 2 else h.head.name
            rows.append([i, h.head.name, h.head.id_number, holder, f"62150011{i:011d}", *amounts, sum(amounts)])
        rows.append(["合计", "", "", "", "", *[""] * 6, ""])
        _save(d / f"{YEAR}年{'上' if half == 1 else '下'}半年发放表.xlsx", rows)


# ---------------------------------------------------------------------- truth
def _band(p: Person) -> str | None:
    if not p.id_number:
        return None
    day = dt.date(YEAR, 12, 31)
    age = day.year - p.birth.year - ((day.month, day.day) < (p.birth.month, p.birth.day))
    if age < 18:
        return "under_18"
    return "working_age" if age < (60 if p.sex == "男" else 55) else "elderly"


def _truth(homes: dict[str, list[Home]]) -> dict:
    stats: dict[str, dict] = {}
    households = []
    for t, hs in homes.items():
        area_type = TOWNSHIPS[t][0]
        end = [h for h in hs if not h.stopped]
        in_year = [(h, e) for h in hs for e in h.events if e["decision"].startswith(str(YEAR))]
        quarters = [0.0, 0.0, 0.0, 0.0]
        for h in hs:
            for m in _months(YEAR, 1, 12):
                quarters[(int(m[5:]) - 1) // 3] += _month_amount(h, m)
        bands = {"under_18": 0, "working_age": 0, "elderly": 0}
        for h in end:
            for p in h.members:
                b = _band(p)
                if b:
                    bands[b] += 1
        persons = sum(h.persons for h in end)
        stats[t] = {
            "households_end": len(end), "persons_end": persons,
            "new_households": sum(1 for _, e in in_year if e["kind"] == "新增"),
            "new_persons": sum(e["new_persons"] for _, e in in_year if e["kind"] == "新增"),
            "exited_households": sum(1 for _, e in in_year if e["kind"] == "停保"),
            "exited_persons": sum(e["old_persons"] for _, e in in_year if e["kind"] == "停保"),
            "increased": sum(1 for _, e in in_year if e["kind"] == "调增"),
            "decreased": sum(1 for _, e in in_year if e["kind"] == "调减"),
            "disbursed_by_quarter": [round(q, 2) for q in quarters], "disbursed_total": round(sum(quarters), 2),
            "by_type": {"城市": {"households_end": len(end) if area_type == "城市" else 0,
                                 "persons_end": persons if area_type == "城市" else 0},
                        "农村": {"households_end": len(end) if area_type == "农村" else 0,
                                 "persons_end": persons if area_type == "农村" else 0}},
            "by_age_band": bands,
        }
        for h in hs:
            households.append({"township": t, "village": h.village, "head_id": h.head.id_number, "head": h.head.name,
                               "no": h.no if t != "东山镇" else None, "members": [m.id_number for m in h.members]})
    special = homes["南岭街道"][3]
    return {"year": YEAR, "townships": sorted(homes), "stats": stats, "households": households,
            "no_id_member": {"head_id": special.head.id_number, "name": special.members[-2].name},
            "old_id": {"head_id": special.head.id_number, "id_original": special.members[-1].id_printed,
                       "id_number": special.members[-1].id_number},
            "proxy_account": {"head_id": homes["南岭街道"][1].head.id_number, "holder": "周代领"},
            "refused": "补充名单.xlsx", "ignored": ["desktop.ini"], "lock_file": f"~${YEAR}年12月城市低保花名册.xlsx"}

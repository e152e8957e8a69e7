"""A small county for the benefit basis (issue 15): rosters with incomes and coverage per member, a
mid-year standard rise, add-on categories, a household whose income rises (渐退), a household approved
mid-year, quarterly and monthly disbursement sheets that follow the due amounts, and planted over- and
under-payments. Everything is written as real xlsx files; the plain facts come back for the test to
recompute the amounts on its own."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tests.builders import person_id, write_xlsx

TOWNSHIP, VILLAGE = "测试镇", "幸福村"
STANDARDS = [("2025-01-01", {"城市": 720.0, "农村": 560.0}), ("2025-05-01", {"城市": 760.0, "农村": 600.0})]
ADDONS = {"老年": ("share", 0.10), "残疾": ("amount", 50.0), "重病": ("share", 0.20), "未成年": ("amount", 30.0)}
TIERS = {"一类": ("share", 1.0), "二类": ("share", 0.6), "三类": ("amount", 150.0)}
TAPER_MONTHS, TAPER_SHARES = 4, [1.0, 0.8, 0.6, 0.4]
ROSTER_DATES = {"1": "2025-01-31", "3": "2025-03-31", "9": "2025-09-30"}


def policy_text(mode: str) -> str:
    """HOME/policy.toml for the county: dated standards (the old yearly table must be ignored)."""
    lines = ["[office]", 'name = "测试县民政局"', "", "[standards.2025]", '"城市" = 9999', '"农村" = 9999', ""]
    for start, row in STANDARDS:
        lines += ["[[standard]]", f'from = "{start}"', *[f'"{k}" = {v:g}' for k, v in row.items()], ""]
    lines += ["[basis]", f'mode = "{mode}"', 'rounding = "元"', 'round_method = "四舍五入"', "",
              "[basis.tiers]", '"一类" = "100%"', '"二类" = 0.6', '"三类" = 150', "",
              "[basis.addons]", '"老年" = 0.1', '"残疾" = 50', '"重病" = "20%"', '"未成年" = 30', ""]
    if mode == "差额":
        lines += ["[basis.taper]", f"months = {TAPER_MONTHS}", f"shares = {TAPER_SHARES}", ""]
    return "\n".join(lines)


def _m(name: str, birth: str, male: bool, relation: str, seq: int, **facts: object) -> dict:
    return {"name": name, "id": person_id(birth, "520102", seq, male), "birth": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
            "sex": "男" if male else "女", "relation": relation, "disability": facts.get("disability", ""),
            "health": facts.get("health", "健康"), "covered": facts.get("covered", True),
            "reason": facts.get("reason", ""), "identity": facts.get("identity", "")}


def households(tiered: bool) -> list[dict]:
    """The households; incomes are (date, monthly total or None, per capita or None)."""
    hs = [
        {"no": "H01", "type": "城市", "category": "A", "tier": "一类", "approved": "2023-05-10",
         "members": [_m("王建国", "19650615", True, "户主", 11, identity="灵活就业"),  # turns 60 on 2025-06-15
                     _m("李秀兰", "19700203", False, "配偶", 12, disability="肢体三级", identity="残疾"),
                     _m("王小明", "20070820", True, "子", 13, identity="学生")],  # turns 18 on 2025-08-20
         "incomes": {"1": (900.0, None), "9": (900.0, None)}},
        {"no": "H02", "type": "农村", "category": "B", "tier": "二类", "approved": "2022-11-02",
         "members": [_m("张德福", "19480301", True, "户主", 21, identity="老年"),
                     _m("张强", "19800505", True, "子", 22, covered=False, reason="服刑", identity="服刑"),
                     _m("刘芳", "19820909", False, "儿媳", 23, health="重病（尿毒症）", identity="失业")],
         "incomes": {"1": (None, 120.0), "9": (None, 120.0)}},
        {"no": "H03", "type": "城市", "category": "C", "tier": "三类", "approved": "2024-02-20",  # the taper
         "members": [_m("赵丽", "19850412", False, "户主", 31, identity="在职"),
                     _m("赵子涵", "20150101", False, "女", 32, identity="学生")],
         "incomes": {"1": (None, 300.0), "9": (None, 800.0)}},
        {"no": "H04", "type": "农村", "category": "A", "tier": "一类", "approved": "2021-07-01",
         "members": [_m("孙大山", "19550710", True, "户主", 41, disability="视力一级", identity="残疾"),
                     _m("周桂英", "19571111", False, "配偶", 42, health="重病", identity="老年")],
         "incomes": {"1": (250.0, None), "9": (250.0, None)}},
        {"no": "H05", "type": "农村", "category": "B", "tier": "三类", "approved": "2025-03-10",  # approved mid-year
         "members": [_m("吴志刚", "19900220", True, "户主", 51, identity="失业"),
                     _m("吴小雨", "20200606", False, "女", 52, identity="学龄前"),
                     _m("郑敏", "19921010", False, "配偶", 53, covered=False, reason="户籍迁出", identity="在职")],
         "incomes": {"3": (1000.0, None), "9": (1000.0, None)}},
        {"no": "H06", "type": "城市", "category": "C", "tier": "二类", "approved": "2020-09-15",  # over-paid
         "members": [_m("陈美玲", "19750808", False, "户主", 61, identity="灵活就业")],
         "incomes": {"1": (None, 420.5), "9": (None, 420.5)}},
        {"no": "H07", "type": "农村", "category": "A", "tier": "一类", "approved": "2019-04-01",  # under-paid
         "members": [_m("黄金山", "19600101", True, "户主", 71, identity="老年"),
                     _m("黄宝", "20100303", True, "孙子", 72, disability="智力二级", identity="学生")],
         "incomes": {"1": (None, 0.0), "9": (None, 0.0)}},
    ]
    if tiered:  # an income at the line: not eligible in a tiered county either
        hs[2]["incomes"] = {"1": (None, 300.0), "9": (None, 300.0)}
        hs.append({"no": "H08", "type": "城市", "category": None, "tier": "二类", "class_column": "二类",
                   "approved": "2022-01-01", "members": [_m("林海", "19780404", True, "户主", 81, identity="失业")],
                   "incomes": {"1": (None, 800.0), "9": (None, 800.0)}})
    return hs


# ---------------------------------------------------------------------- the test's own computation
def standard_on(day: str, area: str) -> float:
    return [row for start, row in STANDARDS if start <= day][-1][area] if day >= STANDARDS[0][0] else STANDARDS[0][1][area]


def _age(birth: str, day: str) -> int:
    b, d = dt.date.fromisoformat(birth), dt.date.fromisoformat(day)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def _round(x: float) -> float:
    return float(Decimal(str(x)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _income(h: dict, day: str) -> float:
    dated = sorted((ROSTER_DATES[k], v) for k, v in h["incomes"].items())
    total, pc = ([v for d, v in dated if d <= day] or [dated[0][1]])[-1]
    return pc if pc is not None else total / len(h["members"])


def _eligible_amount(h: dict, day: str, mode: str) -> float:
    std = standard_on(day, h["type"])
    ipc = _income(h, day)
    covered = [m for m in h["members"] if m["covered"]]
    if ipc >= std:
        return 0.0
    if mode == "差额":
        base = (std - ipc) * len(covered)
    else:
        kind, value = TIERS[h["tier"]]
        base = (std * value if kind == "share" else value) * len(covered)
    extra = 0.0
    for m in covered:
        age = _age(m["birth"], day)
        cats = []
        if age >= 60:
            cats.append("老年")
        if m["disability"]:
            cats.append("残疾")
        if "重病" in m["health"]:
            cats.append("重病")
        if age < 18:
            cats.append("未成年")
        values = [std * v if k == "share" else v for k, v in (ADDONS[c] for c in cats)]
        extra += max(values) if values else 0.0
    return _round(base + extra)


def due_on(h: dict, day: str, mode: str) -> float:
    """What the household is due per month on `day`, computed from the plain facts."""
    if day < h["approved"]:
        return 0.0
    amount = _eligible_amount(h, day, mode)
    if amount == 0.0 and mode == "差额":
        crossed = ROSTER_DATES["9"]
        if _income(h, crossed) >= standard_on(crossed, h["type"]) and day >= crossed:
            before = (dt.date.fromisoformat(crossed) - dt.timedelta(days=1)).isoformat()
            k = (int(day[:4]) - 2025) * 12 + int(day[5:7]) - 9
            return _round(_eligible_amount(h, before, mode) * TAPER_SHARES[k]) if k < TAPER_MONTHS else 0.0
    return amount


def month_end(year: int, month: int) -> str:
    return (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()


def due_for_month(h: dict, year: int, month: int, mode: str) -> float:
    """Payment starts the month after approval."""
    a = h["approved"]
    if (year, month) <= (int(a[:4]), int(a[5:7])):
        return 0.0
    return due_on(h, month_end(year, month), mode)


# ---------------------------------------------------------------------- files
ROSTER_HEADER = ["序号", "乡镇", "村(社区)", "户编号", "户主姓名", "户主身份证号", "成员姓名", "与户主关系", "成员身份证号",
                 "性别", "保障类别", "分类", "分类施保", "保障人数", "月保障金额", "纳入日期", "残疾等级", "健康状况",
                 "人员类别", "是否纳入保障", "未纳入原因", "家庭月收入", "人均月收入", "近亲属备案"]


def _roster(path: Path, hs: list[dict], key: str, mode: str, cadre_flag: set[str]) -> None:
    day = ROSTER_DATES[key]
    rows: list[list[object]] = [[f"{TOWNSHIP}2025年{int(key)}月低保花名册"], ROSTER_HEADER]
    n = 0
    for h in hs:
        if key not in h["incomes"]:
            continue
        head = h["members"][0]
        total, pc = h["incomes"][key]
        covered = sum(1 for m in h["members"] if m["covered"])
        for i, m in enumerate(h["members"]):
            n += 1
            first = i == 0
            rows.append([n, TOWNSHIP, VILLAGE, h["no"], head["name"], head["id"], m["name"], m["relation"], m["id"],
                         m["sex"], h["type"], h.get("class_column", h["category"]), h["tier"] if "class_column" not in h else "",
                         covered, due_on(h, day, mode), h["approved"], m["disability"], m["health"], m["identity"],
                         "是" if m["covered"] else "否", m["reason"], total if first else None, pc if first else None,
                         "是" if m["id"] in cadre_flag else ""])
    write_xlsx(path, rows)


def _payments(path: Path, hs: list[dict], quarter: int, mode: str, plant: dict[tuple[str, int], float],
              monthly: set[str]) -> list[dict]:
    rows: list[list[object]] = [[f"{TOWNSHIP}2025年第{quarter}季度低保金发放表"],
                                ["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "发放期间", "发放金额", "银行账号"]]
    paid = []
    for i, h in enumerate(hs):
        months = [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
        dues = [due_for_month(h, 2025, mo, mode) for mo in months]
        spans = [(f"2025年{mo}月", [mo], d) for mo, d in zip(months, dues, strict=True)] if h["no"] in monthly else \
            [(f"2025年第{quarter}季度", months, sum(dues))]
        for label, covers, due in spans:
            amount = round(due + plant.get((h["no"], quarter), 0.0), 2)
            if amount <= 0:
                continue
            head = h["members"][0]
            rows.append([len(rows) - 1, TOWNSHIP, VILLAGE, head["name"], head["id"], len(h["members"]), label, amount,
                         f"62284800{i:02d}12345678"])
            paid.append({"no": h["no"], "months": covers, "amount": amount, "due": due})
    write_xlsx(path, rows)
    return paid


def build(root: Path, mode: str = "差额", plant: dict[tuple[str, int], float] | None = None) -> dict:
    """Write policy.toml and the inbox under `root`; return the households and the planted faults."""
    hs = households(tiered=mode == "分档")
    plant = {("H06", 2): 100.0, ("H07", 3): -60.0} if plant is None else plant
    inbox = root / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (root / "policy.toml").write_text(policy_text(mode), encoding="utf-8")
    cadre_flag = {hs[3]["members"][1]["id"]}  # 周桂英 is a declared relative and flagged in the roster
    for key in ("1", "3", "9"):
        _roster(inbox / f"{TOWNSHIP}2025年{int(key)}月低保花名册.xlsx", hs, key, mode, cadre_flag)
    paid = []
    for q in (1, 2, 3, 4):
        paid += _payments(inbox / f"{TOWNSHIP}2025年第{q}季度低保金发放表.xlsx", hs, q, mode, plant, {"H01"})
    if mode == "差额":  # 渐退 ended with December: a January payment to H03 is paid without anything due
        head = hs[2]["members"][0]
        write_xlsx(inbox / f"{TOWNSHIP}2026年1月低保金发放表.xlsx", [
            [f"{TOWNSHIP}2026年1月低保金发放表"], ["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "发放期间", "发放金额", "银行账号"],
            [1, TOWNSHIP, VILLAGE, head["name"], head["id"], 2, "2026年1月", 380, "622848000212345678"]])
    return {"households": hs, "planted": plant, "paid": paid, "mode": mode}


def cadre_list(path: Path, hs: list[dict]) -> Path:
    """The county's register: one cadre, a flagged relative (周桂英), an unflagged one (刘芳), a relative
    in no household, and a bad row."""
    rows: list[list[object]] = [["干部及近亲属备案名册"],
                                ["干部姓名", "干部身份证号", "职务", "村", "亲属姓名", "亲属身份证号", "关系", "备案日期", "县级核查日期"]]
    cadre_id = person_id("19700101", "520102", 91, True)
    rows.append(["马书记", cadre_id, "村党支部书记", VILLAGE, "马书记", cadre_id, "本人", "2024-03-01", "2024-04-01"])
    rows.append(["马书记", cadre_id, "村党支部书记", VILLAGE, hs[3]["members"][1]["name"], hs[3]["members"][1]["id"],
                 "岳母", "2024-03-01", "2024-04-01"])
    rows.append(["马书记", cadre_id, "村党支部书记", VILLAGE, hs[1]["members"][2]["name"], hs[1]["members"][2]["id"],
                 "妹妹", "2024-03-01", None])
    rows.append(["马书记", cadre_id, "村党支部书记", VILLAGE, "马小红", person_id("19950505", "520102", 92, False), "女儿",
                 "2024-03-01", None])
    rows.append(["马书记", "5201021970010191X9", "村党支部书记", VILLAGE, "错号", "123", "子", None, None])
    return write_xlsx(path, rows)


def death_list(path: Path, hs: list[dict]) -> Path:
    """孙大山 (H04) died on 2025-08-10 and is still counted; a stranger on the list matches no one."""
    rows: list[list[object]] = [["2025年火化人员名单"], ["序号", "姓名", "身份证号", "火化日期"],
                                [1, hs[3]["members"][0]["name"], hs[3]["members"][0]["id"], "2025-08-10"],
                                [2, "路人甲", person_id("19400404", "520102", 99, True), "2025-02-02"],
                                [3, "坏号", "52010219400404999", "2025-02-02"]]
    return write_xlsx(path, rows)

"""A synthetic county as its office's inbox would receive it: rosters, change lists, disbursement sheets
and scanned forms — with the figures it should produce, so the demo and the tests can check themselves.

Deterministic for a seed. Every ID number is checksum-valid and fictitious (region codes 5201xx).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from stdnum.cn import ric

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["建国", "秀英", "桂兰", "玉珍", "志强", "海涛", "子豪", "梓涵", "淑珍", "天佑", "思彤", "家旺", "春花", "小红",
         "大勇", "宇轩", "佳怡", "正军", "美华", "翠萍", "金凤", "世平", "玉龙", "学文", "晓燕", "长江", "雨涵", "树林"]
REGIONS = ["520102", "520103", "520111", "520112", "520113", "520115"]
REASONS_STOP = ["死亡", "迁出", "收入超标", "就业"]
STANDARD = {"城市": 720, "农村": 560}


def make_id(rng: random.Random, birth: dt.date, male: bool) -> str:
    sex_digit = rng.randrange(0, 5) * 2 + (1 if male else 0)
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(0, 100):02d}{sex_digit}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class Person:
    name: str
    id_number: str
    relation: str
    disability: str = ""


@dataclass
class SimHousehold:
    no: str
    township: str
    village: str
    type: str
    category: str
    start: dt.date
    end: dt.date | None
    end_reason: str
    members: list[Person]
    amount: int
    cadre: bool
    changes: list[tuple[dt.date, str, int, int]] = field(default_factory=list)  # date, kind, old, new

    def in_care(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)

    def amount_on(self, day: dt.date) -> int:
        amount = self.amount
        for d, _, _, new in self.changes:
            if d <= day:
                amount = new
        return amount


def build_households(rng: random.Random, townships: dict[str, list[str]], per_village: int) -> list[SimHousehold]:
    out = []
    n = 0
    for t_index, (township, villages) in enumerate(townships.items()):
        for v_index, village in enumerate(villages):
            for k in range(per_village):
                n += 1
                no = f"5201{t_index + 1:02d}{v_index + 1:03d}{k + 1:04d}"
                htype = "城市" if village.endswith("社区") else "农村"
                start = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 3600))
                end = None
                reason = ""
                if rng.random() < 0.15:
                    end = max(start, dt.date(2024, 1, 1)) + dt.timedelta(days=rng.randrange(20, 600))
                    end = min(end, dt.date(2025, 12, 20))
                    reason = rng.choice(REASONS_STOP)
                size = rng.choice([1, 1, 2, 2, 3, 3, 4, 5])
                head_birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
                male = rng.random() < 0.5
                members = [Person(rng.choice(SURNAMES) + rng.choice(GIVEN), make_id(rng, head_birth, male), "户主")]
                for j in range(size - 1):
                    rel = ["配偶", "子", "女", "孙子", "孙女"][min(j, 4)]
                    birth = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 75))
                    members.append(Person(members[0].name[0] + rng.choice(GIVEN), make_id(rng, birth, rel in ("子", "孙子")), rel))
                for m in members:
                    if rng.random() < 0.08:
                        m.disability = rng.choice(["一级", "二级", "三级", "四级"])
                amount = int(STANDARD[htype] * size * rng.uniform(0.3, 0.9) / 10) * 10
                h = SimHousehold(no, township, village, htype, rng.choice("ABC"), start, end, reason, members, amount,
                                 rng.random() < 0.05)
                if rng.random() < 0.15:
                    d = dt.date(2024, 2, 1) + dt.timedelta(days=rng.randrange(0, 680))
                    if h.in_care(d) and (end is None or d < end):
                        delta = rng.choice([-50, -30, 20, 40])
                        h.changes.append((d, "调增" if delta > 0 else "调减", amount, amount + delta))
                out.append(h)
    return out


def _sheet(path: Path, title: str, filled: str, header: list[str], rows: list[list[object]], group_row: list[str] | None = None) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title] + [""] * (len(header) - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append([f"填报单位（盖章）：            填报日期：{filled}"] + [""] * (len(header) - 1))
    if group_row:
        ws.append(group_row)
    ws.append(header)
    for r in rows:
        ws.append(r)
    total_col = next((i for i, h in enumerate(header) if "金额" in h or "保障金" in h), None)
    if total_col is not None:
        total = sum(float(str(r[total_col] or 0)) for r in rows)
        ws.append(["合计"] + [""] * (total_col - 1) + [total] + [""] * (len(header) - total_col - 1))
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and len(c.value) == 18 and c.value[:17].isdigit():
                c.number_format = "@"
    wb.save(path)


def build(out: Path, seed: int = 7, per_village: int = 6, scans: bool = True) -> dict:
    """Write the inbox under `out/inbox` and the expected figures to `out/expected.json`."""
    rng = random.Random(seed)
    townships = {"城关镇": ["东风社区", "南街社区", "红旗村"], "新街乡": ["新街村", "石桥村", "协兴村"],
                 "三十岗乡": ["岗头村", "大路村"]}
    hh = build_households(rng, townships, per_village)
    inbox = out / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    _write_rosters(inbox, hh, list(townships), rng)  # the order of the rng's draws is the sample: keep it
    _write_changes(inbox, hh)
    _write_payments(inbox, hh, list(townships), rng)
    expected = {str(y): expected_figures(hh, y) for y in (2024, 2025)}
    households = [{"household_id": h.no, "township": h.township, "village": h.village, "head_name": h.members[0].name,
                   "head_id": h.members[0].id_number, "members": [m.__dict__ for m in h.members],
                   "in_care_2025": h.in_care(dt.date(2025, 12, 31)), "category": h.category,
                   "changes": [(d.isoformat(), kind, old, new) for d, kind, old, new in h.changes]} for h in hh]
    if scans:
        from .samplescans import write_scans

        write_scans(inbox, hh, rng)
    data = {"expected": expected, "households": households}
    (out / "expected.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return data




def _write_rosters(inbox: Path, hh: list[SimHousehold], townships: list[str], rng: random.Random) -> None:
    """A year-end roster per township for 2024 and 2025, in two header styles; 新街乡 merges household cells."""
    header_a = ["序号", "乡镇", "村(社区)", "户编号", "户主姓名", "户主身份证号", "成员姓名", "与户主关系", "成员身份证号",
                "保障类别", "分类", "保障人数", "月保障金额", "纳入日期", "残疾等级", "健康状况", "近亲属备案", "家庭住址"]
    header_b = ["序号", "乡镇(街道)", "村", "户编号", "户主", "户主身份证号码", "家庭成员姓名", "与户主关系", "身份證號碼",
                "保障类别", "分类管理", "保障人口", "保障金", "批准时间", "残疾等级", "健康状况", "近亲属备案", "住址"]
    for year in (2024, 2025):
        day = dt.date(year, 12, 31)
        for t_index, township in enumerate(townships):
            rows: list[list[object]] = []
            for h in hh:
                if h.township != township or not h.in_care(day):
                    continue
                for j, m in enumerate(h.members):
                    first = j == 0 or t_index != 1  # 新街乡 exports merged household cells
                    rows.append([len(rows) + 1, township if first else "", h.village if first else "", h.no if first else "",
                                 h.members[0].name if first else "", h.members[0].id_number if first else "", m.name,
                                 m.relation, m.id_number, h.type if first else "", h.category if first else "",
                                 len(h.members) if first else "", h.amount_on(day) if first else "",
                                 h.start.isoformat() if first else "", m.disability, "健康", "是" if h.cadre else "",
                                 f"{township}{h.village}{rng.randrange(1, 9)}组"])
            header = header_b if (t_index + year) % 2 else header_a
            group = (["基本信息"] * 4 + ["户主信息"] * 2 + ["成员信息"] * 3 + ["保障信息"] * 9) if t_index == 0 else None
            _sheet(inbox / f"{township}{year}年12月低保花名册.xlsx", f"{township}{year}年12月城乡低保花名册",
                   f"{year + 1}年1月5日", header, rows, group)


def _write_changes(inbox: Path, hh: list[SimHousehold]) -> None:
    """Change lists, one per township and month with changes."""
    change_header = ["序号", "乡镇", "村", "户主姓名", "户主身份证号", "变动类型", "变动日期", "原保障人数", "现保障人数",
                     "原金额", "现金额", "变动原因"]
    by_month: dict[tuple[str, int, int], list[list[object]]] = {}
    for h in hh:
        head = h.members[0]
        n = len(h.members)
        if h.start >= dt.date(2024, 1, 1):
            by_month.setdefault((h.township, h.start.year, h.start.month), []).append(
                [0, h.township, h.village, head.name, head.id_number, "新增", h.start.isoformat(), 0, n, 0, h.amount, "新申请"])
        for d, kind, old, new in h.changes:
            by_month.setdefault((h.township, d.year, d.month), []).append(
                [0, h.township, h.village, head.name, head.id_number, kind, d.isoformat(), n, n, old, new, "家庭收入变化"])
        if h.end:
            by_month.setdefault((h.township, h.end.year, h.end.month), []).append(
                [0, h.township, h.village, head.name, head.id_number, "停保", h.end.isoformat(), n, 0,
                 h.amount_on(h.end), 0, h.end_reason])
    for (township, year, month), rows in sorted(by_month.items()):
        for i, r in enumerate(rows):
            r[0] = i + 1
        _sheet(inbox / f"{township}{year}年{month}月低保变动名册.xlsx", f"{township}{year}年{month}月城乡低保对象变动情况表",
               f"{year}年{month}月", change_header, rows)


def _write_payments(inbox: Path, hh: list[SimHousehold], townships: list[str], rng: random.Random) -> None:
    """Quarterly disbursement sheets: a month is paid at the amount in force on its last day."""
    pay_header = ["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "发放期间", "发放金额", "银行账号"]
    accounts = {h.no: "6228" + "".join(str(rng.randrange(10)) for _ in range(15)) for h in hh}
    for year in (2024, 2025):
        for q in range(4):
            for township in townships:
                rows: list[list[object]] = []
                for h in hh:
                    if h.township != township:
                        continue
                    total = 0
                    for mo in range(3 * q + 1, 3 * q + 4):
                        end = dt.date(year + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)
                        if h.in_care(end):
                            total += h.amount_on(end)
                    if total:
                        rows.append([len(rows) + 1, township, h.village, h.members[0].name, h.members[0].id_number,
                                     len(h.members), f"{year}年{3 * q + 1}-{3 * q + 3}月", total, accounts[h.no]])
                _sheet(inbox / f"{township}{year}年第{q + 1}季度低保金发放表.xlsx",
                       f"{township}{year}年第{q + 1}季度低保金发放花名册", f"{year}年{3 * q + 3}月", pay_header, rows)


def expected_figures(hh: list[SimHousehold], year: int) -> dict:
    day = dt.date(year, 12, 31)
    first = dt.date(year, 1, 1)
    active = [h for h in hh if h.in_care(day)]
    return {
        "households_end": len(active),
        "persons_end": sum(len(h.members) for h in active),
        "new_households": sum(1 for h in hh if first <= h.start <= day),
        "exited_households": sum(1 for h in hh if h.end and first <= h.end <= day),
        "increased": sum(1 for h in hh for c in h.changes if c[1] == "调增" and first <= c[0] <= day),
        "decreased": sum(1 for h in hh for c in h.changes if c[1] == "调减" and first <= c[0] <= day),
        "disabled_persons": sum(1 for h in active for m in h.members if m.disability),
        "cadre_relatives": sum(1 for h in active if h.cadre),
    }


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="生成样例县收件箱 / build a synthetic county inbox")
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-village", type=int, default=6)
    ap.add_argument("--no-scans", action="store_true")
    a = ap.parse_args()
    data = build(a.out, a.seed, a.per_village, not a.no_scans)
    print(f"样例县已生成：{a.out / 'inbox'}，{len(data['households'])} 户 / sample county built")


if __name__ == "__main__":
    main()

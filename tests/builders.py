"""Small builders for real fixture files: xlsx, xls and csv exports as offices produce them."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
from stdnum.cn import ric


def person_id(birth: str = "19650312", region: str = "520102", seq: int = 12, male: bool = True) -> str:
    body = f"{region}{birth}{seq:02d}{1 if male else 2}"
    return body + ric.calc_check_digit(body + "0")


def bad_check_digit(valid: str) -> str:
    last = "0" if valid[-1] != "0" else "1"
    return valid[:-1] + last


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list[object]]) -> Path:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sheet1")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            ws.write(i, j, v)
    wb.save(str(path))
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


ROSTER_HEADER = ["序号", "乡镇", "村(社区)", "户编号", "户主姓名", "户主身份证号", "成员姓名", "与户主关系", "成员身份证号",
                 "保障类别", "分类", "保障人数", "月保障金额", "纳入日期", "残疾等级", "健康状况", "近亲属备案", "家庭住址"]


def roster_rows(households: list[dict], title: str = "测试镇2025年12月城乡低保花名册") -> list[list[object]]:
    """households: [{no, township, village, type, category, amount, approved, members: [(name, id, relation, disability)]}]"""
    rows: list[list[object]] = [[title], ["填报单位（盖章）：     填报日期：2026年1月5日"], ROSTER_HEADER]
    n = 0
    for h in households:
        head = h["members"][0]
        for m in h["members"]:
            n += 1
            rows.append([n, h["township"], h["village"], h["no"], head[0], head[1], m[0], m[2], m[1], h.get("type", "农村"),
                         h.get("category", "A"), len(h["members"]), h.get("amount", 500), h.get("approved", "2020-01-01"),
                         m[3] if len(m) > 3 else "", "健康", "是" if h.get("cadre") else "", f"{h['village']}1组"])
    rows.append(["合计", "", "", "", "", "", "", "", "", "", "", "", sum(h.get("amount", 500) for h in households)])
    return rows


def small_county(seed: int = 1, n: int = 4) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        size = 1 + i % 3
        members = []
        for j in range(size):
            birth = (dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 20000))).strftime("%Y%m%d")
            members.append((f"测试{i}{'甲乙丙'[j]}", person_id(birth, seq=rng.randrange(100), male=j % 2 == 0),
                            "户主" if j == 0 else "子"))
        out.append({"no": f"52010200{i + 1:05d}", "township": "测试镇", "village": "一村" if i % 2 else "二村",
                    "members": members, "amount": 300 + 100 * i, "category": "ABC"[i % 3]})
    return out

"""A small county for the correction tests: a roster (real xlsx) with two villages, text-layer PDFs that file
by ID number, and a two-page PDF naming only a head of household two villages share (it must be quarantined
with both households as candidates)."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from tests.builders import person_id, roster_rows, write_xlsx


def households() -> list[dict]:
    def hh(i: int, village: str, names: list[str]) -> dict:
        members = [(n, person_id(f"19{60 + i}0{1 + j}1{j}", seq=10 + i * 3 + j, male=j % 2 == 0), "户主" if j == 0 else "子女")
                   for j, n in enumerate(names)]
        return {"no": f"5201020010{i:03d}", "township": "测试镇", "village": village, "members": members,
                "amount": 400 + 10 * i, "category": "ABC"[i % 3]}

    return [hh(1, "一村", ["孟玉珍", "孟小军"]), hh(2, "一村", ["赵大海"]), hh(3, "二村", ["蔡佳怡", "钱多多"]),
            hh(4, "二村", ["王建国"]), hh(5, "一村", ["蔡佳怡"])]


def text_pdf(path: Path, pages: list[str]) -> Path:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        page.insert_text((72, 72), text, fontname="china-s", fontsize=12)
    doc.save(path)
    return path


def build(folder: Path) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    hs = households()
    write_xlsx(folder / "测试镇2025年12月低保花名册.xlsx", roster_rows(hs))
    for h in hs[:4]:
        name, idn, _ = h["members"][0]
        text_pdf(folder / f"scan_{h['no']}_a.pdf", [f"收入证明\n兹证明{name}（身份证号 {idn}）家庭年收入较低。\n2025年3月1日"])
        text_pdf(folder / f"scan_{h['no']}_b.pdf", [f"申请书\n申请人{name}，身份证号 {idn}，申请最低生活保障。\n2025年2月3日"])
    # 蔡佳怡 heads a household in 二村 and one in 一村: a file naming only her cannot be placed
    text_pdf(folder / "蔡佳怡材料.pdf", ["申请书\n申请人：蔡佳怡\n申请最低生活保障。\n2025年4月1日",
                                         "收入证明\n本人蔡佳怡家庭收入情况。\n2025年4月2日"])
    return hs

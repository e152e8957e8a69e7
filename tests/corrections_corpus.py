"""A small county for the correction tests: a roster (real xlsx) with two villages, text-layer PDFs that file
by ID number, and a two-page PDF naming only a head of household two villages share (it must be quarantined
with both households as candidates)."""

from __future__ import annotations

from pathlib import Path

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
    """A PDF with a real text layer, one page per text (weasyprint with the CJK fonts)."""
    import html

    from weasyprint import HTML

    from generators.render import CJK_FONTS

    body = "".join(f'<div style="white-space: pre-wrap;{" page-break-before: always;" if i else ""}">{html.escape(t)}</div>'
                   for i, t in enumerate(pages))
    HTML(string=f'<!doctype html><html><head><meta charset="utf-8"><style>@page {{ size: A4; margin: 25mm; }} '
                f"body {{ font-family: {CJK_FONTS}; font-size: 12pt; }}</style></head><body>{body}</body></html>"
         ).write_pdf(str(path))
    return path


def build(folder: Path, other_township: bool = False, extra: int = 0) -> list[dict]:
    """`other_township` adds a 蔡佳怡 household in 外乡镇 (a third candidate, outside 测试镇) and a second
    file naming only her; `extra` adds that many roster-only households to 测试镇/一村 (for paging)."""
    folder.mkdir(parents=True, exist_ok=True)
    hs = households()
    if other_township:
        hs.append({"no": "5201030010006", "township": "外乡镇", "village": "三村", "amount": 380, "category": "A",
                   "members": [("蔡佳怡", person_id("19700505", seq=61, male=False), "户主")]})
    for i in range(extra):
        hs.append({"no": f"5201020020{i:03d}", "township": "测试镇", "village": "一村", "amount": 300, "category": "ABC"[i % 3],
                   "members": [(f"测{'甲乙丙丁戊己庚辛'[i % 8]}{'子丑寅卯辰巳午未申酉'[i // 8 % 10]}",
                                person_id("19800101", seq=i % 90 + 5, male=i % 2 == 0, region="520103"), "户主")]})
    write_xlsx(folder / "测试镇2025年12月低保花名册.xlsx", roster_rows(hs))
    for h in hs[:4]:
        name, idn, _ = h["members"][0]
        text_pdf(folder / f"scan_{h['no']}_a.pdf", [f"收入证明\n兹证明{name}（身份证号 {idn}）家庭年收入较低。\n2025年3月1日"])
        text_pdf(folder / f"scan_{h['no']}_b.pdf", [f"申请书\n申请人{name}，身份证号 {idn}，申请最低生活保障。\n2025年2月3日"])
    # 蔡佳怡 heads a household in 二村 and one in 一村: a file naming only her cannot be placed
    text_pdf(folder / "蔡佳怡材料.pdf", ["申请书\n申请人：蔡佳怡\n申请最低生活保障。\n2025年4月1日",
                                         "收入证明\n本人蔡佳怡家庭收入情况。\n2025年4月2日"])
    if other_township:
        text_pdf(folder / "蔡佳怡补充.pdf", ["承诺书\n承诺人：蔡佳怡\n2025年5月6日"])
    return hs

"""Application packs (申请书, 入户调查表, 民主评议记录, 公示记录, 审批表, 不予批准告知书) as an office files them: a
change list for the approved 新增, a disbursement sheet, and one PDF per form (text layer, as a copier's
searchable-PDF mode writes) — clean packs in several local 公示 wordings, and one pack per planted
procedure fault. `build(folder)` writes everything and returns what a correct reading must find."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.builders import person_id, roster_rows, write_xlsx

CHANGE_HEADER = ["序号", "乡镇", "村", "户主姓名", "户主身份证号", "变动类型", "变动日期", "原保障人数", "现保障人数", "原金额",
                 "现金额", "变动原因"]
PAY_HEADER = ["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "发放期间", "发放金额", "银行账号"]
TOWN = "程序镇"


@dataclass
class Pack:
    name: str
    no: str
    head: tuple[str, str]
    village: str
    fault: str | None
    applied: str = "2025-03-03"
    surveyed: str = "2025-03-10"
    investigators: tuple[str, ...] = ("王建国", "李秀英")
    reviewed: str | None = "2025-03-12"
    notices: list[tuple[str, str, str]] = field(default_factory=list)  # (start, end, wording)
    decided: str | None = "2025-03-28"
    refused: bool = False
    refusal_notified: str | None = None
    payments: list[tuple[str, float]] = field(default_factory=lambda: [("2025年4-6月", 1500.0)])
    amount: float = 500.0
    skip: tuple[str, ...] = ()


def cn(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def cn_upper(iso: str, year: bool = True) -> str:
    digits = "〇一二三四五六七八九"

    def num(n: int) -> str:
        return ("" if n < 10 else ("十" if n < 20 else digits[n // 10] + "十")) + (digits[n % 10] if n % 10 or n < 10 else "")
    y, m, d = (int(x) for x in iso.split("-"))
    return ("".join(digits[int(c)] for c in str(y)) + "年" if year else "") + f"{num(m)}月{num(d)}日"


WORDINGS = {
    "plain": lambda s, e: f"公示期：{cn(s)}至{cn(e)}",
    "zi_qi": lambda s, e: f"公示时间：自{cn(s)}起至{cn(e)}止",
    "upper": lambda s, e: f"公示期限：{cn_upper(s)}至{cn_upper(e, year=False)}",
    "dots": lambda s, e: f"公示期 {s.replace('-', '.')}-{e.replace('-', '.')}",
}


def packs() -> list[Pack]:
    out = []

    def make(i: int, name: str, fault: str | None, **kw: object) -> Pack:
        head = (name, person_id(f"19{60 + i}0{1 + i % 9}1{i % 9}", seq=10 + i, male=i % 2 == 0))
        p = Pack(name, f"5201030{i:06d}", head, "甲村" if i % 2 else "乙村", fault, **kw)  # type: ignore[arg-type]
        if not p.notices:
            p.notices = [("2025-03-17", "2025-03-23", list(WORDINGS)[i % len(WORDINGS)])]
        out.append(p)
        return p

    make(1, "程清一", None)
    make(2, "程清二", None)
    make(3, "程清三", None, notices=[("2025-03-14", "2025-03-20", "plain"), ("2025-03-21", "2025-03-27", "zi_qi")])
    make(4, "程清四", None)
    make(5, "程拒清", None, refused=True, decided="2025-03-20", refusal_notified="2025-03-25", payments=[])
    make(11, "程短公", "notice_period_short", notices=[("2025-03-17", "2025-03-20", "plain")])
    make(12, "程早批", "approved_before_notice_end", decided="2025-03-21")
    make(13, "程超期", "case_overdue", applied="2025-01-06", surveyed="2025-01-10", reviewed=None,
         notices=[("2025-02-10", "2025-02-16", "zi_qi")], decided="2025-02-26")
    make(14, "程迟告", "refusal_notice_late", refused=True, decided="2025-03-20", refusal_notified="2025-04-08",
         payments=[])
    make(15, "程早发", "paid_before_start", payments=[("2025年3月", 500.0), ("2025年4-6月", 1500.0)])
    make(16, "程缺调", "missing_step", skip=("入户调查表",))
    return out


def _pdfs(pages: list[list[str]]) -> list[bytes]:
    """One text-layer PDF per page of lines (title first), rendered in one WeasyPrint run and split."""
    import html
    import io

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    from generators.render import CJK_FONTS

    body = "".join('<section><h1>' + html.escape(lines[0]) + "</h1>" + "".join(f"<p>{html.escape(x)}</p>" for x in lines[1:])
                   + "</section>" for lines in pages)
    css = (f"@page {{ size: A4; margin: 25mm 20mm; }} body {{ font-family: {CJK_FONTS}; font-size: 12pt; }}"
           "section { page-break-after: always; } h1 { font-size: 18pt; text-align: center; } p { margin: 4mm 0; }")
    whole = PdfReader(io.BytesIO(HTML(string=f"<html><head><style>{css}</style></head><body>{body}</body></html>").write_pdf()))
    out = []
    for page in whole.pages[: len(pages)]:
        writer = PdfWriter()
        writer.add_page(page)
        buf = io.BytesIO()
        writer.write(buf)
        out.append(buf.getvalue())
    return out


def _pdf(lines: list[str]) -> bytes:
    return _pdfs([lines])[0]


def forms(p: Pack) -> dict[str, list[str]]:
    name, idn = p.head
    who = f"户主：{name}  身份证号：{idn}"
    out: dict[str, list[str]] = {
        "申请书": ["最低生活保障申请书", f"申请人：{name}  身份证号：{idn}", f"家庭住址：{TOWN}{p.village}",
                "本人家庭生活困难，特申请最低生活保障。", f"申请日期：{cn(p.applied)}"],
        "入户调查表": ["最低生活保障家庭经济状况入户调查表", who, "家庭人均月收入低于当地低保标准。",
                  f"调查人：{'、'.join(p.investigators)}", f"调查日期：{cn(p.surveyed)}"],
    }
    if p.reviewed:
        out["民主评议记录"] = ["低保民主评议记录", f"评议对象：{name}（{p.village}）  身份证号：{idn}",
                         "评议结论：符合条件，同意上报。", f"评议日期：{cn(p.reviewed)}"]
    if not p.refused:
        for i, (s, e, wording) in enumerate(p.notices):
            out[f"公示记录{i + 1}"] = [f"低保审核确认公示记录（第{'一二三'[i]}榜）", f"公示对象：{name}  身份证号：{idn}",
                                    WORDINGS[wording](s, e), "公示期间无异议。"]
    if p.decided:
        verdict = "不予批准，家庭人均收入高于当地低保标准" if p.refused else "同意纳入最低生活保障"
        out["审批表"] = ["最低生活保障审核确认表", who, f"审批意见：{verdict}", f"审批日期：{cn(p.decided)}"]
    if p.refused and p.refusal_notified:
        out["告知书"] = ["最低生活保障不予批准告知书", f"{name}（身份证号：{idn}）：",
                      "经审核，你户的最低生活保障申请不予批准。", "不予批准的理由：家庭人均收入高于当地低保标准",
                      f"告知日期：{cn(p.refusal_notified)}"]
    for s in p.skip:
        out.pop(s, None)
    out["身份证"] = ["居民身份证复印件", f"姓名：{name}  公民身份号码：{idn}"]
    return out


def former_recipients(folder: Path, people: list[tuple[str, str, str, str]], town: str = TOWN) -> None:
    """Households known to the archive but not in 保 (a 2024 roster, then 停保 in September 2024): how an
    applicant who is refused, or still waiting, exists in the catalog before any decision."""
    write_xlsx(folder / "花名册.xlsx", roster_rows(
        [{"no": no, "township": town, "village": v, "members": [(n, idn, "户主")], "amount": 300, "approved": "2020-01-01"}
         for n, idn, v, no in people], f"{town}2024年6月城乡低保花名册"))
    rows: list[list[object]] = [[f"{town}2024年9月城乡低保对象变动情况表"], CHANGE_HEADER]
    for i, (n, idn, v, _) in enumerate(people):
        rows.append([i + 1, town, v, n, idn, "停保", "2024-09-30", 1, 0, 300, 0, "收入超标"])
    write_xlsx(folder / "停保变动.xlsx", rows)


def build(folder: Path) -> list[Pack]:
    """The sheets (a 2024 roster for the refused applicants, who were known before; the 新增 change list;
    a disbursement sheet) and one PDF per form."""
    folder.mkdir(parents=True, exist_ok=True)
    ps = packs()
    former_recipients(folder, [(p.head[0], p.head[1], p.village, p.no) for p in ps if p.refused])
    rows: list[list[object]] = [[f"{TOWN}2025年城乡低保对象变动情况表"], CHANGE_HEADER]
    for i, p in enumerate(x for x in ps if not x.refused and x.decided):
        rows.append([i + 1, TOWN, p.village, p.head[0], p.head[1], "新增", p.decided, 0, 1, 0, p.amount, "新申请"])
    write_xlsx(folder / "新增变动.xlsx", rows)
    rows = [[f"{TOWN}2025年低保金发放花名册"], PAY_HEADER]
    n = 0
    for p in ps:
        for period, amount in p.payments:
            n += 1
            rows.append([n, TOWN, p.village, p.head[0], p.head[1], 1, period, amount, f"62280000000{n:08d}"])
    write_xlsx(folder / "发放.xlsx", rows)
    scans = folder / "scans"
    scans.mkdir(exist_ok=True)
    named = [(f"{p.name}_{kind}.pdf", lines) for p in ps for kind, lines in forms(p).items()]
    for (name, _), data in zip(named, _pdfs([lines for _, lines in named]), strict=True):
        (scans / name).write_bytes(data)
    return ps


# ---------------------------------------------------------------------- pending cases (公示 before approval)
PENDING_VILLAGE = "丙村"


@dataclass
class Waiting:
    """A household of the pending-cases corpus and what the June 2025 notices must do with it."""

    name: str
    idn: str
    role: str  # what it plants (see pending_corpus)
    on_new: bool = False  # listed on the June 新增 notice
    on_stop: bool = False  # listed on the June 停保 notice
    members: tuple[tuple[str, str], ...] = ()  # further members (name, ID)


def pending_corpus(folder: Path) -> list[Waiting]:
    """丙村 of 程序镇 in June 2025: applicants known from a 2024 roster they left (how the archive holds an
    applicant before any decision: papers are filed only to a household a sheet created), with papers up
    to the 入户调查 (pending, due on the 新增 notice), one with only a 申请书, one already posted in May,
    one whose May 公示 ran 3 days; approved 新增 in March and in June; households in 保 with a 复核记录
    concluding 停止保障, one sole member dead (a death list for the test to import), one of two members
    dead, a 停保 approved in February. Reviews entered by staff are recorded by the test."""
    folder.mkdir(parents=True, exist_ok=True)

    def idn(i: int) -> str:
        return person_id(f"19{50 + i}0{1 + i % 9}1{i % 9}", seq=60 + i, male=i % 2 == 0)

    w = [Waiting("柏新甲", idn(1), "pending_with_income", on_new=True, members=(("柏新妻", idn(2)),)),
         Waiting("柏新乙", idn(3), "pending_without_income", on_new=True),
         Waiting("柏申丙", idn(4), "only_application"),
         Waiting("柏公丁", idn(5), "posted_in_may"),
         Waiting("柏短戊", idn(6), "short_notice_in_may", on_new=True),
         Waiting("柏早己", idn(7), "approved_in_march"),
         Waiting("柏六庚", idn(8), "approved_in_june", on_new=True),
         Waiting("桂停甲", idn(9), "review_entered_stop", on_stop=True),
         Waiting("桂维乙", idn(10), "review_entered_keep"),
         Waiting("桂扫丙", idn(11), "review_scanned_stop", on_stop=True),
         Waiting("桂亡丁", idn(12), "sole_member_dead", on_stop=True),
         Waiting("桂两戊", idn(13), "one_of_two_dead", members=(("桂两妻", idn(14)),)),
         Waiting("桂二己", idn(15), "stopped_in_february")]
    by = {x.role: x for x in w}
    applicants = [x for x in w if x.name.startswith("柏") and not x.role.startswith("approved")]
    in_care = [x for x in w if x.name.startswith("桂")]

    def household(x: Waiting, no: str) -> dict:
        return {"no": no, "township": TOWN, "village": PENDING_VILLAGE, "amount": 400, "approved": "2020-01-01",
                "members": [(x.name, x.idn, "户主")] + [(n, i, "配偶") for n, i in x.members]}

    write_xlsx(folder / "2024花名册.xlsx", roster_rows([household(x, f"52010399{i:05d}") for i, x in enumerate(applicants)],
                                                     f"{TOWN}2024年6月城乡低保花名册"))
    rows: list[list[object]] = [[f"{TOWN}2024年9月城乡低保对象变动情况表"], CHANGE_HEADER]
    for i, x in enumerate(applicants):
        rows.append([i + 1, TOWN, PENDING_VILLAGE, x.name, x.idn, "停保", "2024-09-30", 1 + len(x.members), 0, 400, 0, "收入超标"])
    write_xlsx(folder / "2024停保.xlsx", rows)
    write_xlsx(folder / "2025花名册.xlsx", roster_rows([household(x, f"52010398{i:05d}") for i, x in enumerate(in_care)],
                                                     f"{TOWN}2025年1月城乡低保花名册"))
    rows = [[f"{TOWN}2025年城乡低保对象变动情况表"], CHANGE_HEADER]
    for i, (x, kind, day) in enumerate([(by["approved_in_march"], "新增", "2025-03-28"),
                                        (by["approved_in_june"], "新增", "2025-06-20"),
                                        (by["stopped_in_february"], "停保", "2025-02-28")]):
        old, new = (0, 500) if kind == "新增" else (400, 0)
        rows.append([i + 1, TOWN, PENDING_VILLAGE, x.name, x.idn, kind, day, int(old > 0), int(new > 0), old, new,
                     "新申请" if kind == "新增" else "迁出"])
    write_xlsx(folder / "2025变动.xlsx", rows)
    papers: dict[str, list[str]] = {}

    def apply(x: Waiting, applied: str, surveyed: str | None, notice: tuple[str, str] | None = None) -> None:
        who = f"户主：{x.name}  身份证号：{x.idn}"
        papers[f"{x.name}_申请书"] = ["最低生活保障申请书", f"申请人：{x.name}  身份证号：{x.idn}",
                                   f"家庭住址：{TOWN}{PENDING_VILLAGE}", f"申请日期：{cn(applied)}"]
        if surveyed:
            papers[f"{x.name}_入户调查表"] = ["最低生活保障家庭经济状况入户调查表", who, "调查人：王建国、李秀英",
                                        f"调查日期：{cn(surveyed)}"]
        if notice:
            papers[f"{x.name}_公示记录"] = ["低保审核确认公示记录（第一榜）", f"公示对象：{x.name}  身份证号：{x.idn}",
                                        WORDINGS["plain"](*notice), "公示期间无异议。"]

    apply(by["pending_with_income"], "2025-06-03", "2025-06-10")
    apply(by["pending_without_income"], "2025-06-05", "2025-06-16")
    apply(by["only_application"], "2025-06-08", None)
    apply(by["posted_in_may"], "2025-05-05", "2025-05-12", ("2025-05-19", "2025-05-25"))
    apply(by["short_notice_in_may"], "2025-05-06", "2025-05-13", ("2025-05-20", "2025-05-22"))
    scanned = by["review_scanned_stop"]
    papers[f"{scanned.name}_复核记录"] = ["最低生活保障对象定期复核记录", f"户主：{scanned.name}  身份证号：{scanned.idn}",
                                      "复核结论：停止保障，户主已就业", "复核人：王建国、李秀英", f"复核日期：{cn('2025-06-15')}"]
    scans = folder / "scans"
    scans.mkdir(exist_ok=True)
    for (name, _), data in zip(papers.items(), _pdfs(list(papers.values())), strict=True):
        (scans / f"{name}.pdf").write_bytes(data)
    dead = [by["sole_member_dead"], by["one_of_two_dead"]]
    write_xlsx(folder.parent / "死亡名单.xlsx", [["姓名", "身份证号", "死亡日期"]] + [[x.name, x.idn, "2025-06-05"] for x in dead])
    return w

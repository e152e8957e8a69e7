"""Hardening II (issue 22), the archive's side: paths built from data stay inside their folder, a page that
names another township stays in quarantine (地址不符), codes on a page route only when signed with the home's
key (or, unsigned, during the policy's transition), exception texts reach nobody raw, and a backup changed
after it was written is refused. Real files through the real CLI; two townships, one 红旗村 each side."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from archiver import qr
from archiver.catalog import snapshot
from dibao.samplescans import render_form, to_jpeg, to_pdf
from tests.builders import person_id, roster_rows, write_xlsx
from tests.conftest import ROOT, Runner

pytestmark = pytest.mark.cli

ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
STRANGER = person_id("19810304", seq=71)


def two_towns() -> list[dict]:
    return [
        {"no": "5201020010001", "township": "城关镇", "village": "红旗村", "amount": 500, "category": "A",
         "members": [("韩红旗", person_id("19600101", seq=11), "户主")]},
        {"no": "5201020020001", "township": "新街乡", "village": "石桥村", "amount": 600, "category": "B",
         "members": [("柳石桥", person_id("19620202", seq=21), "户主")]},
    ]


@pytest.fixture()
def county(tmp_path: Path) -> tuple[Runner, list[dict]]:
    run = Runner(tmp_path / "home")
    run("init")
    c = two_towns()
    src = tmp_path / "roster"
    src.mkdir()
    write_xlsx(src / "roster.xlsx", roster_rows(c, title="某县2025年12月城乡低保花名册"))
    run("ingest", str(src), "--quiet")
    return run, c


def docs(run: Runner, key: str) -> list[dict]:
    return run.json("household", "show", key)["documents"]


def quarantine(run: Runner) -> list[dict]:
    return run.json("quarantine", "list")["items"]


def with_qr(page: Image.Image, text: str) -> Image.Image:
    code = Image.open(io.BytesIO(_qr_png(text))).convert("L")
    page = page.copy()
    page.paste(code, (page.width - code.width - 60, 60))
    return page


def _qr_png(text: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=6, border=2)
    return buf.getvalue()


def plain_page(day: int = 4) -> Image.Image:
    """A page with no ID number and no name: only a code could place it (a different day, different bytes)."""
    return render_form(["入户调查表", "家庭经济状况：已入户核实", "调查人签字", f"2025年3月{day}日"])


# ------------------------------------------------------------------ 1. paths
def test_a_path_from_data_never_leaves_its_folder(tmp_path: Path) -> None:
    from archiver.filing import OutsideFolder, inside

    folder = tmp_path / "job"
    folder.mkdir()
    for hostile in ("王/../../../../逃逸", "..", "../..", "a\\..\\..\\b", "/etc/passwd", "\x00x", ".hidden"):
        p = inside(folder, f"D0000001_{hostile}.pdf")
        assert p.parent == folder and p.suffix == ".pdf", p
    assert inside(folder, "城关镇", "红旗村", "5201").relative_to(folder).parts == ("城关镇", "红旗村", "5201")
    (folder / "link").symlink_to(tmp_path)
    with pytest.raises(OutsideFolder):
        inside(folder, "link", "x")  # a link inside that points out is not followed out of the folder


_FSTRING_PATH = re.compile(r"""/\s*f(["'])(.*?)\1""")
# what an f-string path may interpolate without inside(): checksums, counters, times, our own names — never data
_SAFE_EXPR = re.compile(r"^(sha(256)?(\[:\d+\])?|i(:05d)?|stamp|current|int\(time\.time\(\)\)|idx\.name|root\.name|"
                        r"secrets\.token_hex\(\d+\)|os\.getpid\(\)|suffix\.lower\(\))$")  # suffix: from a fixed table


def test_no_path_is_built_from_catalog_values_outside_inside() -> None:
    """Every `folder / f"…{value}…"` in the code interpolates only checksums, counters and times; names, keys,
    types and file names go through archiver.filing.inside (the village dossier job did not)."""
    offenders = []
    for package in ("archiver", "dibao", "generators"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ("dibao/samplecounty.py", "dibao/samplescans.py"):
                continue  # the demo county's generators: names from their own constant lists, written to a new folder
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for m in _FSTRING_PATH.finditer(line):
                    exprs = re.findall(r"\{([^{}]*)\}", m.group(2))
                    if any(not _SAFE_EXPR.match(e.strip()) for e in exprs):
                        offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "paths built from data outside filing.inside:\n" + "\n".join(offenders)


# ------------------------------------------------------------------ 2. address
@pytest.mark.ocr
def test_a_page_naming_another_township_stays_in_quarantine(county, tmp_path: Path) -> None:
    run, c = county
    mine, other = c
    src = tmp_path / "in"
    src.mkdir()
    name, idn, _ = mine["members"][0]
    (src / "SCAN_0001.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障申请书", f"申请人：{name}", f"身份证号：{idn}", "家庭住址：新街乡石桥村三组", "2025年5月6日"])))
    run("ingest", str(src), "--quiet")
    assert docs(run, mine["no"]) == [] and docs(run, other["no"]) == []
    items = [i for i in quarantine(run) if i["source_name"] == "SCAN_0001.jpg"]
    assert items and "地址不符" in items[0]["reason"] and "新街乡" in items[0]["reason"]
    # the same page naming its own village is filed as before
    (src / "SCAN_0001.jpg").unlink()
    (src / "SCAN_0002.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障申请书", f"申请人：{name}", f"身份证号：{idn}", "家庭住址：城关镇红旗村三组", "2025年5月6日"])))
    run("ingest", str(src), "--quiet")
    assert [d["source_name"] for d in docs(run, mine["no"])] == ["SCAN_0002.jpg"]


@pytest.mark.ocr
def test_a_quarantined_scan_of_another_township_is_not_filed_by_a_registration(county, tmp_path: Path) -> None:
    """A 申请书 quarantined for want of a household (it names no applicant, so it makes none), its text saying
    新街乡石桥村: registering an applicant with its ID in 城关镇/红旗村 files nothing — the page speaks of somewhere
    else (地址不符)."""
    run, _ = county
    src = tmp_path / "in"
    src.mkdir()
    (src / "SCAN_0003.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障申请书", f"身份证号：{STRANGER}", "家庭住址：新街乡石桥村五组", "2025年6月1日"])))  # no name: not made
    run("ingest", str(src), "--quiet")
    assert [i["source_name"] for i in quarantine(run)] == ["SCAN_0003.jpg"]
    out = run.json("household", "add", "--village", "城关镇/红旗村", "--name", "路人乙", "--id", STRANGER)
    assert out["filed"] == [] and docs(run, out["household_id"]) == []
    left = quarantine(run)
    assert [i["source_name"] for i in left] == ["SCAN_0003.jpg"] and "地址不符" in left[0]["reason"]


# ------------------------------------------------------------------ 3. codes
@pytest.mark.ocr
def test_codes_route_only_when_signed_or_during_the_transition(county, tmp_path: Path) -> None:
    run, c = county
    mine = c[0]
    src = tmp_path / "in"
    src.mkdir()

    days = iter(range(1, 28))

    def scan(name: str, code: str) -> None:
        (src / name).write_bytes(to_pdf([with_qr(render_form(["扫描封面"]), code), plain_page(next(days))]))
        run("ingest", str(src), "--quiet")
        (src / name).unlink()

    scan("unsigned.pdf", f"DIBAO-HH:{mine['no']}")
    scan("forged.pdf", f"DIBAO-HH:{mine['no']};M=0123456789ABCDEF")
    assert docs(run, mine["no"]) == []
    reasons = {i["source_name"]: i["reason"] for i in quarantine(run)}
    assert "签名" in reasons["unsigned.pdf"] and "签名" in reasons["forged.pdf"]
    # a code printed by this home (signed with its key) routes
    key = run.home / "keys" / "codes.json"
    secret = bytes.fromhex(json.loads(key.read_text())["keys"][0]["secret"])
    scan("signed.pdf", qr.payload(mine["no"], secret=secret))
    assert [d["source_name"] for d in docs(run, mine["no"])] == ["signed.pdf"]
    # the policy's transition: old unsigned cover sheets route until the day it names, and not after
    policy = run.home / "policy.toml"
    base = policy.read_text(encoding="utf-8")
    assert 'unsigned_until = ""' in base  # init writes the setting, empty: no unsigned code is trusted
    policy.write_text(base.replace('unsigned_until = ""', 'unsigned_until = "2020-01-01"'), encoding="utf-8")
    scan("unsigned-late.pdf", f"DIBAO-HH:{mine['no']};F=DC")
    policy.write_text(base.replace('unsigned_until = ""', 'unsigned_until = "2099-12-31"'), encoding="utf-8")
    scan("unsigned-old.pdf", f"DIBAO-HH:{mine['no']}")
    assert sorted(d["source_name"] for d in docs(run, mine["no"])) == ["signed.pdf", "unsigned-old.pdf"]
    policy.write_text(base, encoding="utf-8")
    # rotation: codes of the earlier key still verify; after --revoke they route nothing
    run("keys", "rotate")
    scan("signed-before-rotate.pdf", qr.payload(mine["no"], form="入户调查表", secret=secret))
    run("keys", "rotate", "--revoke")
    scan("signed-revoked.pdf", qr.payload(mine["no"], form="入户调查表", secret=secret))
    assert sorted(d["source_name"] for d in docs(run, mine["no"])) == [
        "signed-before-rotate.pdf", "signed.pdf", "unsigned-old.pdf"]


@pytest.mark.ocr
def test_a_cover_sheet_dibao_prints_routes_after_a_rotation(county, tmp_path: Path) -> None:
    """dibao's own cover sheet, printed, scanned back and ingested, still routes (signed with the current key)."""
    run, c = county
    run("keys", "rotate", "--revoke")
    sheet = tmp_path / "cover.pdf"
    run("coversheet", c[1]["no"], "-o", str(sheet))
    import pypdfium2 as pdfium

    cover = pdfium.PdfDocument(str(sheet))[0].render(scale=150 / 72).to_pil().convert("L")
    src = tmp_path / "in"
    src.mkdir()
    (src / "batch.pdf").write_bytes(to_pdf([cover, plain_page()]))
    run("ingest", str(src), "--quiet")
    assert [d["source_name"] for d in docs(run, c[1]["no"])] == ["batch.pdf"]


# ------------------------------------------------------------------ 7. messages and backups
def test_no_full_id_or_server_path_in_what_ingest_says(county, tmp_path: Path) -> None:
    run, _ = county
    src = tmp_path / "in"
    src.mkdir()
    (src / f"{STRANGER}_户口簿.tif").write_bytes(b"II*\x00garbage-not-a-tiff")
    (src / f"{STRANGER}_申请书.heic").write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00garbage")
    out = run("ingest", str(src), "--json").stdout
    assert not ID_RE.search(out) and str(tmp_path) not in out and "/in/" not in out, out
    listed = json.dumps(quarantine(run), ensure_ascii=False)
    assert not ID_RE.search(listed) and str(tmp_path) not in listed
    db = sqlite3.connect(run.home / "catalog.sqlite")
    reasons = [r[0] for r in db.execute("SELECT reason FROM quarantine UNION ALL SELECT reason FROM files")]
    assert len(reasons) >= 4 and not any(ID_RE.search(r) or str(tmp_path) in r for r in reasons), reasons


@pytest.mark.parametrize("name", ["a/b", "../县管理员", "<b>x</b>", "x y", "张三.", ""])
def test_user_names_are_letters_digits_and_chinese(county, name: str) -> None:
    run, _ = county
    r = run("user", "add", name, "--role", "county", "--password", "county-pass-9", check=False)
    assert r.returncode != 0 and "用户名" in r.stdout + r.stderr
    assert name not in {u["name"] for u in run.json("user", "list")["users"]}


def test_a_user_name_of_letters_digits_and_chinese_is_accepted(county) -> None:
    run, _ = county
    run("user", "add", "城关镇民政办2", "--role", "township", "--area", "城关镇", "--password", "county-pass-9")
    assert "城关镇民政办2" in {u["name"] for u in run.json("user", "list")["users"]}


def test_a_backup_changed_with_its_manifest_is_refused(county, tmp_path: Path) -> None:
    run, c = county
    run("backup", str(tmp_path / "bk"))
    snap = next((tmp_path / "bk").glob("dibao-*"))
    manifest = json.loads((snap / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["signature"]["hmac"]
    # someone changes a household in the copy, and fixes the manifest's checksum so that it agrees
    db = sqlite3.connect(snap / "catalog.sqlite")
    db.execute("UPDATE households SET monthly_amount = 9999 WHERE household_no = ?", (c[0]["no"],))
    db.commit()
    db.close()
    import hashlib

    data = (snap / "catalog.sqlite").read_bytes()
    manifest["files"]["catalog.sqlite"].update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    manifest["catalog"] = {**manifest["catalog"], **snapshot.content_digest(snap / "catalog.sqlite")}
    (snap / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    restored = Runner(tmp_path / "restored")
    r = restored("restore", str(tmp_path / "bk"), check=False)
    assert r.returncode != 0 and "签名" in r.stdout + r.stderr
    assert not (tmp_path / "restored" / "catalog.sqlite").exists()
    # the untouched backup restores
    run("backup", str(tmp_path / "bk2"))
    Runner(tmp_path / "restored2")("restore", str(tmp_path / "bk2"))

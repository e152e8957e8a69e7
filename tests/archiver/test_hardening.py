"""Hostile and careless input (issue 12): every file of a batch is accounted for — filed, quarantined with
a reason, or refused with a message — and nothing stops the batch or the archive: names that are not
UTF-8, too long for a temp name, start with `..` or hold a newline or an ID number; FIFOs, links out of
the folder, truncated PDFs, decompression bombs; a full disk and a read-only files/ folder; a scan
quarantined earlier and filed by a re-ingest. Real files, the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zlib
from pathlib import Path

import openpyxl
import pytest

from dibao.samplescans import render_form, to_jpeg, to_pdf
from tests.builders import person_id, roster_rows, small_county, write_xlsx
from tests.conftest import Runner

pytestmark = pytest.mark.cli

ID = person_id("19700203", seq=41)


def giant_png(path: Path, side: int = 30000) -> Path:
    """A real PNG of side×side 1-bit pixels that is a few kilobytes: a decompression bomb."""
    raw = zlib.compress(b"".join(b"\x00" + b"\x00" * (side // 8) for _ in range(side)), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    ihdr = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return path


def many_pages_pdf(path: Path, pages: int) -> Path:
    """A valid PDF of `pages` blank A4 pages, written by hand (no library decides what it looks like)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + i) for i in range(pages)) + b"] /Count %d >>" % pages]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def hostile_folder(folder: Path, outside: Path) -> dict[str, str]:
    """Every hostile entry the issue names, without OCR work. Returns name → what must become of it."""
    folder.mkdir(parents=True)
    outside.mkdir(parents=True, exist_ok=True)
    county = small_county(seed=5, n=3)
    write_xlsx(folder / "花名册.xlsx", roster_rows(county))
    write_xlsx(outside / "外部.xlsx", roster_rows(small_county(seed=6, n=2), title="别处2025年12月城乡低保花名册"))
    expect = {"花名册.xlsx": "archived"}
    gbk = "低保扫描件".encode("gbk") + b".jpg"
    with open(os.path.join(os.fsencode(folder), gbk), "wb") as f:
        f.write(b"not an image at all")
    expect["GBK"] = "quarantined"
    long_name = "很长的文件名" * 13 + ".pdf"  # 238 bytes: the old temp name (.{name}.{pid}.tmp) passed 255
    assert len(long_name.encode()) > 230
    (folder / long_name).write_bytes(b"%PDF-1.4 cut off in the middle of a transfer")
    expect[long_name] = "quarantined"
    (folder / "..报告.jpg").write_bytes(b"dots first")
    expect["..报告.jpg"] = "quarantined"
    (folder / "换行\n名.jpg").write_bytes(b"newline in the name")
    expect["换行\\n名.jpg"] = "quarantined"
    (folder / f"张三_{ID}.jpg").write_bytes(b"an ID in the name")
    expect[f"张三_{ID[:6]}********{ID[-4:]}.jpg"] = "quarantined"
    os.mkfifo(folder / "管道.jpg")
    expect["管道.jpg"] = "skipped"
    os.symlink(outside / "外部.xlsx", folder / "链接.xlsx")
    expect["链接.xlsx"] = "skipped"
    giant_png(folder / "炸弹.png")
    expect["炸弹.png"] = "quarantined"
    pdf = to_pdf([render_form(["收入证明", "测试"])])
    (folder / "截断.pdf").write_bytes(pdf[: len(pdf) // 2])
    expect["截断.pdf"] = "quarantined"
    many_pages_pdf(folder / "千页.pdf", 1200)
    expect["千页.pdf"] = "quarantined"
    return expect


@pytest.mark.ocr
def test_every_hostile_entry_is_accounted_for_and_the_batch_goes_on(dibao: Runner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    expect = hostile_folder(inbox, tmp_path / "outside")
    r = dibao("ingest", str(inbox), "--json", "--move")  # a FIFO opened would hang this for ever
    out = json.loads(r.stdout)
    got = {f["source_name"]: f for f in out["files"]}
    assert len(got) == len(expect), sorted(got)
    for name, outcome in expect.items():
        match = [g for n, g in got.items() if n == name or (name == "GBK" and "按GBK读作：低保扫描件.jpg" in n)]
        assert match and match[0]["outcome"] == outcome, (name, match)
        assert match[0]["reason"] or outcome == "archived", name
    reasons = {n: g["reason"] for n, g in got.items()}
    assert "不完整" in reasons["截断.pdf"]  # damaged, not "no household found"
    assert "压缩炸弹" in reasons["炸弹.png"]
    assert "1200页" in reasons["千页.pdf"] and "上限" in reasons["千页.pdf"]
    assert "符号链接" in reasons["链接.xlsx"] and "命名管道" in reasons["管道.jpg"]
    gbk = next(n for n in got if "GBK" in n)
    assert gbk.startswith("\\x")  # the raw bytes shown escaped, with the GBK reading beside them
    # nothing of the link's target was read: its households are not in the archive
    assert {h["village"] for h in dibao.json("household", "list")["households"]} <= {"一村", "二村"}
    assert len(dibao.json("household", "list")["households"]) == 3
    # the skipped entries stay where they were; everything else left the inbox
    left = sorted(p.name for p in inbox.iterdir())
    assert left == sorted(["管道.jpg", "链接.xlsx"])
    # no full ID anywhere it is shown or stored
    listing = dibao("quarantine", "list", "--json").stdout
    assert ID not in r.stdout and ID not in listing
    assert ID not in (dibao.home / "logs" / "dibao.log").read_text(encoding="utf-8")
    assert not any(ID in p.name for p in (dibao.home / "quarantine").iterdir())
    assert all(len(p.name.encode()) <= 255 for p in (dibao.home / "quarantine").iterdir())
    assert dibao("check").returncode == 0
    assert not list(dibao.home.rglob("*.tmp"))
    dibao("search", ID)  # a full ID typed at the command line is masked in the audit log
    assert ID not in dibao("audit", "--json").stdout


def _mount(args: list[str]) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def test_full_disk_stops_cleanly_and_the_rest_waits(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or not _mount(["-t", "tmpfs", "-o", "size=32m", "tmpfs", str(disk)]):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        run = Runner(disk / "home")
        run("init")
        src = tmp_path / "in"
        src.mkdir()
        write_xlsx(src / "a_花名册.xlsx", roster_rows(small_county(seed=1, n=2)))
        for i in range(6):  # content the pipeline copies into quarantine/: 400 KB each
            (src / f"b_{i}.bin").write_bytes(os.urandom(400_000))
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * max(0, free - 1_000_000))  # room for the catalog and two copies
        r = run("ingest", str(src), "--move", check=False)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "磁盘空间已满" in r.stderr and "Traceback" not in r.stderr
        left = sorted(p.name for p in src.iterdir())
        assert left and all(n.startswith("b_") for n in left)  # not filed: still where they were
        assert not list((disk / "home").rglob("*.tmp")) and not list((disk / "home").rglob(".*.tmp"))
        items = run.json("quarantine", "list")["items"]
        for item in items:  # nothing reported as kept that is not on disk
            assert (disk / "home" / item["path"]).stat().st_size == 400_000
        assert run("check").returncode == 0
        (disk / "filler").unlink()
        run("ingest", str(src), "--move")
        assert not list(src.iterdir())
        assert len(run.json("quarantine", "list")["items"]) == 6
        assert run("check").returncode == 0
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_read_only_files_folder_is_retried_not_a_permanent_error(dibao: Runner, tmp_path: Path) -> None:
    files = dibao.home / "files"
    if os.geteuid() != 0 or not _mount(["--bind", str(files), str(files)]):
        pytest.skip("needs root for a read-only bind mount")
    try:
        assert _mount(["-o", "remount,ro,bind", str(files)])
        src = tmp_path / "in"
        src.mkdir()
        write_xlsx(src / "花名册.xlsx", roster_rows(small_county(seed=2, n=2)))
        r = dibao("ingest", str(src), "--move", check=False)
        assert r.returncode == 1 and "不可写" in r.stderr, r.stderr
        assert (src / "花名册.xlsx").exists()
        assert dibao.json("quarantine", "list")["items"] == []  # not an "unexpected error" for ever
    finally:
        subprocess.run(["umount", str(files)], capture_output=True)
    dibao("ingest", str(src), "--move")
    assert len(dibao.json("household", "list")["households"]) == 2
    assert dibao("check").returncode == 0


@pytest.mark.ocr
def test_a_scan_filed_by_a_re_ingest_closes_its_quarantine_item(dibao: Runner, tmp_path: Path) -> None:
    county = small_county(seed=8, n=2)
    name, idn, _ = county[0]["members"][0]
    scan = to_jpeg(render_form(["收入证明", f"兹证明{name}（身份证号：{idn}）", "2025年1月2日"]))
    first = tmp_path / "first"
    first.mkdir()
    (first / "SCAN_1.jpg").write_bytes(scan)
    dibao("ingest", str(first), "--quiet")
    assert len(dibao.json("quarantine", "list")["items"]) == 1  # no roster yet: nobody to file it to
    second = tmp_path / "second"
    second.mkdir()
    write_xlsx(second / "花名册.xlsx", roster_rows(county))
    (second / "SCAN_1.jpg").write_bytes(scan)  # the same scan again, with the roster that places it
    r = dibao("ingest", str(second), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["archived"] >= 2
    assert dibao.json("quarantine", "list")["items"] == []
    docs = dibao.json("household", "show", county[0]["no"])["documents"]
    assert len(docs) == 1
    assert dibao("check").returncode == 0


def test_text_we_write_into_spreadsheets_is_never_a_formula(tmp_path: Path) -> None:
    from generators import reviews

    rows = [{"village": "=HYPERLINK(\"http://x\",\"点我\")", "household_id": "+1", "head": "@SUM(A1)", "head_id": "-2+3",
             "category": "A", "interval": 12, "last_review": "2024-01-01", "due": "2025-01-01", "overdue": True,
             "persons": 2}]
    out = reviews.write_xlsx(rows, "2025-01", "\t=1+1", tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@\t"]
    assert len(cells) == 5
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    import zipfile

    assert b"<f>" not in zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")


def test_a_household_number_with_a_slash_opens_in_the_cli(dibao: Runner, tmp_path: Path) -> None:
    county = small_county(seed=12, n=2)
    county[0]["no"] = "东/001#?"
    write_xlsx(tmp_path / "r.xlsx", roster_rows(county))
    dibao("ingest", str(tmp_path / "r.xlsx"), "--quiet")
    show = dibao.json("household", "show", "东/001#?")
    assert show["household_id"] == "东/001#?"
    dibao("dossier", "东/001#?", "-o", str(tmp_path / "d.pdf"))
    assert (tmp_path / "d.pdf").read_bytes()[:4] == b"%PDF"
    out = tmp_path / "村"
    dibao("dossier", "--village", county[0]["village"], "-o", str(out))
    assert any(p.name.startswith("东_001") for p in out.iterdir())


def test_the_watcher_holds_files_while_the_home_is_read_only_and_files_them_after(dibao: Runner) -> None:
    import time

    from archiver.catalog import Catalog
    from archiver.home import Home
    from archiver.watch import Watcher

    home = Home(dibao.home)
    files = home.files
    if os.geteuid() != 0 or not _mount(["--bind", str(files), str(files)]):
        pytest.skip("needs root for a read-only bind mount")
    cat = Catalog.of(home)
    seen: list[tuple[str, str]] = []
    w = Watcher(home, cat, home.inbox, poll=True, settle=0.2,
                on_outcome=lambda n, o, r: seen.append((o, r)))
    try:
        assert _mount(["-o", "remount,ro,bind", str(files)])
        write_xlsx(home.inbox / "花名册.xlsx", roster_rows(small_county(seed=4, n=2)))
        deadline = time.monotonic() + 8
        w.run(until=lambda: bool(w.blocked) or time.monotonic() > deadline, tick=0.1)
        assert "不可写" in w.blocked and (home.inbox / "花名册.xlsx").exists()
        assert ("error", w.blocked) in seen and not w.errors  # held, not given up on
        assert dibao.json("quarantine", "list")["items"] == []
    finally:
        subprocess.run(["umount", str(files)], capture_output=True)
    for p in w.pending.values():
        p.not_before = 0.0  # the back-off has run out
    w.run(until=w.idle, tick=0.1)
    cat.close()
    assert not (home.inbox / "花名册.xlsx").exists() and not w.blocked
    assert len(dibao.json("household", "list")["households"]) == 2
    assert dibao("check").returncode == 0

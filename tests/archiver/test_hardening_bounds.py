"""Hostile and concurrent input (issue 22, robustness half): two writers of the search index at once, decodes
without bounds (multi-frame TIFF, a docx of millions of paragraphs, nested zip bombs), inputs with the same
bytes and zip members dropped, and policy values that would crash ingest, inspect or notices. Every hostile
file is built here, small on disk; the real CLI runs it."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import DIBAO, ROOT, Runner

pytestmark = pytest.mark.cli


def _county(seed: int, n: int, township: str) -> list[dict]:
    out = small_county(seed=seed, n=n)
    for i, h in enumerate(out):
        h["township"] = township
        h["no"] = f"{township}{i:05d}"
        h["members"] = [(f"{township}{m[0]}", *m[1:]) for m in h["members"]]
    return out


def _start(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen([*DIBAO, "--home", str(home), *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


HOLD_WRITER = """
import sys, time, tantivy
from archiver.home import Home
from archiver.index import SearchIndex
from pathlib import Path
idx = SearchIndex(Home(Path(sys.argv[1])))
w = idx.open().writer(heap_size=50_000_000, num_threads=1)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.slow
def test_two_concurrent_ingests_both_finish_and_search_finds_everything(dibao: Runner, tmp_path: Path) -> None:
    home = dibao.home
    seed = tmp_path / "seed"
    seed.mkdir()
    write_xlsx(seed / "种子.xlsx", roster_rows(_county(1, 2, "起始镇"), title="起始镇2025年12月城乡低保花名册"))
    dibao("ingest", str(seed), "--quiet")  # the index exists: the next writers compete for it
    towns = ["东风镇", "西河乡", "南山镇", "北岭乡"]
    folders = []
    for n, town in enumerate(towns):
        folder = tmp_path / town
        folder.mkdir()
        write_xlsx(folder / f"{town}.xlsx", roster_rows(_county(10 + n, 60, town), title=f"{town}2025年12月城乡低保花名册"))
        folders.append(folder)
    # two ingests started together, as two clerks (or the watcher and a clerk) would
    first = [_start(home, "ingest", str(f), "--json") for f in folders[:2]]
    for p in first:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
        assert json.loads(out)["archived"] == 1
    # two more while another writer (a web correction's sync, an older dibao) holds tantivy's writer
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(home), "20"], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    second = [_start(home, "ingest", str(f), "--json") for f in folders[2:]]
    for p in second:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]  # never "程序内部错误" from tantivy's LockBusy
        assert "程序内部错误" not in err
        assert json.loads(out)["archived"] == 1
    holder.wait(timeout=60)
    for town in towns:  # what the busy writer left queued is drained by the next sync (here: the search)
        r = dibao.json("search", f"{town}测试3甲", "--limit", "5")
        assert r["total"] >= 1, town
        assert r["results"][0]["township"] == town
    assert dibao("check").returncode == 0


# ---------------------------------------------------------------------- bounded decodes
def blank_tiff(path: Path, frames: int, side: int) -> Path:
    """A multi-page 1-bit TIFF written by hand: every frame points at one deflated blank strip, so 300
    frames of 4000×4000 are kilobytes on disk (and 4.8 gigapixels decoded)."""
    strip = zlib.compress(bytes((side + 7) // 8 * side), 9)  # 0 = white (PhotometricInterpretation 0)
    out = bytearray(b"II*\x00\x00\x00\x00\x00")
    strip_at = len(out)
    out += strip + b"\x00" * (len(strip) % 2)
    struct.pack_into("<I", out, 4, len(out))
    tags = [(256, 4, side), (257, 4, side), (258, 3, 1), (259, 3, 8), (262, 3, 0), (273, 4, strip_at),
            (277, 3, 1), (278, 4, side), (279, 4, len(strip))]
    for n in range(frames):
        following = len(out) + 2 + 12 * len(tags) + 4 if n + 1 < frames else 0
        out += struct.pack("<H", len(tags))
        for tag, typ, val in tags:
            out += struct.pack("<HHI", tag, typ, 1) + (struct.pack("<HH", val, 0) if typ == 3 else struct.pack("<I", val))
        out += struct.pack("<I", following)
    path.write_bytes(bytes(out))
    return path


def paragraphs_docx(path: Path, n: int) -> Path:
    """A .docx whose body is a title and `n` empty paragraphs: tens of kilobytes zipped."""
    main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
             'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
             'main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{main}"><w:body>'
                    '<w:p><w:r><w:t>最低生活保障申请书</w:t></w:r></w:p>'.encode())
            for left in range(n, 0, -100_000):
                f.write(b"<w:p/>" * min(left, 100_000))
            f.write(b"</w:body></w:document>")
    return path


MEASURED = """
import resource, sys
from dibao.cli import main
try:
    rc = main(sys.argv[1:])
finally:
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    sys.stderr.write(f"\\nPEAK_KB {peak}\\n")
sys.exit(rc)
"""


def _ingest_measured(home: Path, *paths: Path) -> tuple[dict, int]:
    """`dibao ingest --json` in a process of its own: its report and its peak memory (MB, OCR workers too)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run([sys.executable, "-c", MEASURED, "--home", str(home), "ingest", *map(str, paths), "--json"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # today: never finished
    assert r.returncode == 0, r.stderr[-2000:]
    peak = int(r.stderr.rsplit("PEAK_KB", 1)[1].split()[0]) // 1024
    return json.loads(r.stdout), peak


def _outcomes(report: dict) -> dict[str, dict]:
    return {o["source_name"]: o for o in report["files"]}


def test_huge_multi_frame_tiffs_and_docx_are_refused_before_decoding(dibao: Runner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    blank_tiff(inbox / "三百页.tif", 300, 4000)  # 4.8 gigapixels: more than 300 A4 pages at 300 dpi
    blank_tiff(inbox / "三百零一页.tif", 301, 64)  # small frames, but more than a file's 300 pages
    paragraphs_docx(inbox / "三百万段.docx", 3_000_000)
    paragraphs_docx(inbox / "正常申请书.docx", 12)
    assert sum(f.stat().st_size for f in inbox.iterdir()) < 300_000  # small on disk
    report, _ = _ingest_measured(dibao.home, inbox)
    got = _outcomes(report)
    assert got["三百页.tif"]["outcome"] == "quarantined"
    assert got["三百页.tif"]["reason"].startswith("图像各页合计像素超过上限")
    assert got["三百零一页.tif"]["outcome"] == "quarantined"
    assert got["三百零一页.tif"]["reason"].startswith("图像文件超过300页")
    assert got["三百万段.docx"]["outcome"] == "quarantined"
    assert got["三百万段.docx"]["reason"].startswith("Word文件超过20000个段落的上限")
    # the ordinary .docx beside them is read (its one line names no household: quarantined for that reason)
    assert "段落" not in got["正常申请书.docx"]["reason"] and "损坏" not in got["正常申请书.docx"]["reason"]
    listed = dibao("quarantine", "list").stdout
    assert "图像文件超过300页" in listed and "Word文件超过20000个段落" in listed
    assert dibao("check").returncode == 0


def test_a_tiff_is_read_one_frame_at_a_time(dibao: Runner, tmp_path: Path) -> None:
    """60 blank 4000×4000 frames (the 1.4 MB file that took 1.9 GB and never finished) are read one at a time."""
    tif = blank_tiff(tmp_path / "六十页.tif", 60, 4000)
    report, peak = _ingest_measured(dibao.home, tif)
    got = _outcomes(report)["六十页.tif"]
    assert got["outcome"] == "quarantined" and "上限" not in got["reason"]  # blank: no household, but read
    # memory does not grow with the frames: 60 frames of 16 MB each held at once would add ~800 MB over 4 frames
    few = blank_tiff(tmp_path / "四页.tif", 4, 4000)
    _, base = _ingest_measured(dibao.home, few)
    assert peak < base + 400, f"60 frames {peak} MB, 4 frames {base} MB"


def _zip(path: Path, members: dict[str, bytes], raw_names: dict[str, bytes] | None = None) -> Path:
    """A deflated zip of `members`; `raw_names` rewrites a placeholder name into other bytes (a GBK name
    without the UTF-8 flag, as Chinese Windows zip tools write; a `..\\` path)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members.items():
            z.writestr(name, data)
    data = path.read_bytes()
    for placeholder, raw in (raw_names or {}).items():
        assert len(placeholder.encode()) == len(raw)
        data = data.replace(placeholder.encode(), raw)
    path.write_bytes(data)
    return path


def test_a_nested_zip_bomb_is_refused_for_the_whole_upload(dibao: Runner, tmp_path: Path) -> None:
    """Zips inside a zip draw on the allowance of the file uploaded: 3 inner zips of 30 MB of zeros each
    (a 100-odd-KB upload) may not unpack 90 MB; today each inner zip had its own 4 GB."""
    inner = {i: _zip(tmp_path / f"inner{i}.zip", {f"zeros{i}.bin": bytes(30 * 1024**2)}).read_bytes() for i in (1, 2, 3)}
    outer = _zip(tmp_path / "炸弹.zip", {f"第{i}层.zip": inner[i] for i in (1, 2, 3)})
    assert outer.stat().st_size < 200_000
    report = dibao.json("ingest", str(outer))
    got = _outcomes(report)
    refused = [o for o in report["files"] if o["outcome"] == "quarantined" and "压缩炸弹" in o["reason"]]
    assert refused, [(o["source_name"], o["outcome"], o["reason"][:60]) for o in report["files"]]
    assert refused[0]["reason"].startswith("压缩包（含其中嵌套的压缩包）解压后过大")
    assert sum(1 for n in got if ".bin" in n) <= 2  # at most 64 MB of it unpacked
    assert not any((dibao.home / "tmp").glob("zip-*"))  # nothing left unpacked
    assert dibao("check").returncode == 0


def test_zip_members_are_counted_across_nested_zips(dibao: Runner, tmp_path: Path) -> None:
    """The 5,000-member cap is per batch: two inner zips of 2,600 members (5,200) are not all unpacked."""
    inner = [_zip(tmp_path / f"inner{k}.zip", {f"{k}_{i}.txt": b"x" for i in range(2600)}).read_bytes() for k in (1, 2)]
    outer = _zip(tmp_path / "两层.zip", {"甲.zip": inner[0], "乙.zip": inner[1]})
    assert outer.stat().st_size < 1_000_000
    report = dibao.json("ingest", str(outer))
    got = _outcomes(report)
    assert len(got) <= 5003  # today: 5,203 inputs
    refused = got["两层.zip/乙.zip"]
    assert refused["outcome"] == "quarantined"
    assert refused["reason"].startswith("压缩包（含其中嵌套的压缩包）内文件过多：本批最多解压5000个文件")


def test_zip_members_not_unpacked_are_listed_with_why(dibao: Runner, tmp_path: Path) -> None:
    rows = roster_rows(_county(3, 2, "东风镇"), title="东风镇2025年12月城乡低保花名册")
    write_xlsx(tmp_path / "r.xlsx", rows)
    gbk = "东风镇花名册.xlsx".encode("gbk")
    z = _zip(tmp_path / "批次.zip", {".x": b"hidden", "AAAAAAAAAAA": b"escape", "__MACOSX/._a.jpg": b"mac",
                                    "X" * len(gbk): (tmp_path / "r.xlsx").read_bytes()},
             {"AAAAAAAAAAA": b"..\\..\\x.jpg", "X" * len(gbk): gbk})
    report = dibao.json("ingest", str(z))
    ignored = {i["source_name"]: i["reason"] for i in report["ignored"]}
    assert set(ignored) == {"批次.zip/.x", "批次.zip/..\\..\\x.jpg", "批次.zip/__MACOSX/._a.jpg"}, ignored
    assert ignored["批次.zip/.x"].startswith("隐藏文件")
    assert ignored["批次.zip/..\\..\\x.jpg"].startswith("压缩包内文件的路径指向压缩包以外")
    got = _outcomes(report)
    assert got["批次.zip/东风镇花名册.xlsx"]["outcome"] == "archived"  # the GBK name read as the clerk wrote it
    text = dibao("ingest", str(z)).stdout  # and the plain report lists them too
    assert "忽略 批次.zip/.x：隐藏文件" in text


# ---------------------------------------------------------------------- policy values
HOSTILE_POLICY = [  # (table header as in the default policy.toml, the line put under it, what the refusal says)
    ("[notice]", "days = 99999999", "[notice] days = 99999999：应在1到365之间"),
    ("[notice]", "rounds = 0", "[notice] rounds = 0：应在1到10之间"),
    ("[age]", "adult = true", "[age] adult = True：应为整数"),
    ("[retention]", "routine_years = -5", "[retention] routine_years = -5：应在1到100之间"),
    ("[retention]", 'approval_years_after_stop = "三年"', "[retention] approval_years_after_stop = '三年'：应为整数"),
    ("[cases]", "decision_working_days = 1e300", "[cases] decision_working_days = 1e+300：应为整数"),
    ("[cases]", 'payment_start = "tomorrow"', "应为 next_month 或 same_month"),
    ("[calendar]", 'holidays = ["2027-02-30"]', "[calendar] holidays"),
    ("[population]", '"全县" = -1', "[population] 全县 = -1：应在1到2000000000之间"),
    ("[basis]", "elderly_age = 600", "[basis] elderly_age = 600：应在40到100之间"),
    ("[basis.taper]", "shares = [5]", "[basis.taper] shares = [5]：列表中的 5 应在0到1之间"),
    ("[review_months]", "D = 0", "[review_months] D = 0：应在1到60之间"),
    ("[standards.2025]", '"城市" = "七百"', "[standards.2025] 城市 = '七百'：应为数字"),
]


def _policy_with(dibao: Runner, header: str, line: str) -> int:
    """policy.toml with `line` added under `header` (appended as a new table when absent); its line number."""
    p = dibao.home / "policy.toml"
    lines = p.read_text(encoding="utf-8").splitlines()
    if header in lines:
        at = lines.index(header) + 1
        key = line.split("=")[0].strip()
        end = next((i for i in range(at, len(lines)) if lines[i].startswith("[")), len(lines))
        same = [i for i in range(at, end) if lines[i].split("=")[0].strip() == key]
        if same:  # the default sets it: change that line
            at = same[0]
            lines[at] = line
        else:
            lines.insert(at, line)
    else:
        lines += [header, line]
        at = len(lines) - 1
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def test_hostile_policy_values_are_refused_at_load_with_key_and_line(dibao: Runner, tmp_path: Path) -> None:
    original = (dibao.home / "policy.toml").read_text(encoding="utf-8")
    write_xlsx(tmp_path / "r.xlsx", roster_rows(_county(2, 2, "东风镇"), title="东风镇2025年12月城乡低保花名册"))
    cases = [*HOSTILE_POLICY, ("[columns]", "head_id = 123", "[columns] head_id = 123：应为列名或列名列表"),
             ("[[standard]]", 'from = "2025-07-01"\n"城市" = "abc"', "[standard] 城市 = 'abc'：应为数字")]
    for header, line, says in cases:
        (dibao.home / "policy.toml").write_text(original, encoding="utf-8")
        n = _policy_with(dibao, header, line)
        if header == "[[standard]]":
            n += 1
        for command in (["ingest", str(tmp_path / "r.xlsx")], ["inspect", "--year", "2025"],
                        ["report", "notice", "--village", "一村", "--kind", "新增", "-o", str(tmp_path / "n.docx")]):
            r = dibao(*command, check=False)
            assert r.returncode == 2, (line, command, r.stdout[-500:], r.stderr[-1500:])
            assert f"第{n}行" in r.stderr and says in r.stderr, (line, command, r.stderr[-800:])
            assert "Traceback" not in r.stderr and "内部错误" not in r.stderr
    (dibao.home / "policy.toml").write_text(original, encoding="utf-8")
    assert dibao("check").returncode == 0  # nothing was ingested while the policy was bad
    assert dibao.json("ingest", str(tmp_path / "r.xlsx"))["archived"] == 1


# ---------------------------------------------------------------------- every input accounted for
def test_inputs_with_the_same_bytes_are_each_recorded_with_one_stored_copy(dibao: Runner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("空白1.jpg", "空白2.pdf", "空白3.xlsx"):
        (inbox / name).write_bytes(b"")
    for name in ("扫描甲.dat", "扫描乙.dat", "副本/扫描甲.dat"):
        (inbox / name).parent.mkdir(exist_ok=True)
        (inbox / name).write_bytes(b"not a scan at all, twice")
    report = dibao.json("ingest", str(inbox))
    assert report["quarantined"] == 6 and len(report["files"]) == 6  # each input has its outcome
    items = dibao.json("quarantine", "list")["items"]
    assert len(items) == 2  # one item per content
    names = sorted(sorted(i["source_names"]) for i in items)
    assert names == [sorted(["扫描甲.dat", "扫描乙.dat", "副本/扫描甲.dat"]), ["空白1.jpg", "空白2.pdf", "空白3.xlsx"]]
    assert len(list((dibao.home / "quarantine").rglob("*"))) == 2  # one stored copy each, nothing orphaned
    c = dibao("check")
    assert "未登记" not in c.stdout and "orphan" not in c.stdout
    assert "同一内容共 3 个文件" in dibao("quarantine", "list").stdout
    # a later batch with the same bytes under a new name is accounted for on the same item
    (inbox / "空白4.png").write_bytes(b"")
    dibao("ingest", str(inbox / "空白4.png"))
    items = dibao.json("quarantine", "list")["items"]
    assert len(items) == 2 and any("空白4.png" in i["source_names"] for i in items)


def test_a_full_disk_while_unpacking_stops_the_batch_and_the_watcher_says_so_once(tmp_path: Path) -> None:
    from archiver.catalog import Catalog
    from archiver.home import Home
    from archiver.watch import Watcher

    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        run = Runner(disk / "home")
        run("init")
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        _zip(inbox / "扫描.zip", {f"{i}.bin": os.urandom(3_000_000) for i in range(4)})  # 12 MB, incompressible
        (disk / "filler").write_bytes(b"\0" * max(0, shutil.disk_usage(disk).free - 8_000_000))
        r = run("ingest", str(inbox), "--move", check=False)
        assert r.returncode == 1 and "无法解压压缩包" in r.stderr and "Traceback" not in r.stderr
        assert (inbox / "扫描.zip").exists() and not list((disk / "home" / "tmp").glob("zip-*"))
        assert run.json("quarantine", "list")["items"] == []  # nothing filed as "unreadable"
        notes: list[tuple[str, str, str]] = []
        home = Home(disk / "home")
        w = Watcher(home, Catalog(home.catalog_path), inbox, on_outcome=lambda *a: notes.append(a))
        for _ in range(3):  # every retry while the disk stays full: one message, the file kept waiting
            w.enqueue(inbox / "扫描.zip")
            w.process(inbox / "扫描.zip")
        assert len(notes) == 1 and "无法解压压缩包" in notes[0][2], notes
        assert w.blocked and w.state()["pending"] == 1 and not w.errors
        (disk / "filler").unlink()
        w.process(inbox / "扫描.zip")
        assert not w.blocked and not (inbox / "扫描.zip").exists()
        assert run("check").returncode == 0
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)

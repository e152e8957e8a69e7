"""What a file really is, from its first bytes — never from its extension."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from archiver import heif

SPREADSHEET = ("xlsx", "xls", "csv")
IMAGE = ("jpeg", "png", "tiff", "heic")


@dataclass(frozen=True)
class Sniffed:
    kind: str  # jpeg png tiff heic pdf docx xlsx xls csv | "" when unusable
    reason: str = ""  # why it is unusable, Chinese first

    @property
    def ok(self) -> bool:
        return bool(self.kind)


def sniff(path: Path) -> Sniffed:
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError as exc:
        return Sniffed("", f"文件无法读取 / unreadable file: {exc.strerror}")
    if size == 0:
        return Sniffed("", "空文件（0字节）/ empty file")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("png")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed("tiff")
    if b"%PDF-" in head[:1024]:
        return Sniffed("pdf")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(path)
    if heif.is_heif(head):
        return Sniffed("heic")
    if _looks_like_csv(head):
        return Sniffed("csv")
    if head[:3] == b"ID3" or head[4:8] == b"ftyp" or head[:4] in (b"RIFF", b"OggS", b"fLaC") or head[:2] == b"\xff\xfb":
        return Sniffed("", "暂不支持的文件类型（音频/视频）/ unsupported file type (audio/video)")
    return Sniffed("", "暂不支持的文件类型，无法识别文件内容 / unsupported or unrecognised file type")


def _zip_kind(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        return Sniffed("", "压缩文件损坏或不完整 / corrupt or truncated zip/office file")
    if "xl/workbook.xml" in names:
        return Sniffed("xlsx")
    if "word/document.xml" in names:
        return Sniffed("docx")
    # GB/T 33190 e-document. easyofd (evaluated 2026-12) renders through PyMuPDF, which is AGPL-3.0 — the
    # licence dibao removed — so OFD is quarantined with what to do instead of read.
    if "OFD.xml" in names:
        return Sniffed("", "OFD电子文件暂不能直接归档，请用OFD阅读器另存为PDF后再放入收件箱 / OFD not supported: "
                           "save it as PDF first")
    return Sniffed("zip")  # a zip of scans or sheets: archiver/archives.py unpacks it


def _ole_kind(path: Path) -> Sniffed:
    data = path.read_bytes()[:2_000_000]
    if "EncryptedPackage".encode("utf-16-le") in data:
        return Sniffed("", "文件有密码保护，无法读取 / password-protected office file")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return Sniffed("xls")
    if "WordDocument".encode("utf-16-le") in data:
        return Sniffed("", "暂不支持旧版Word(.doc)文件，请另存为.docx / legacy .doc not supported")
    return Sniffed("", "暂不支持的文件类型（OLE文档）/ unsupported OLE file")


def _looks_like_csv(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    text = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(enc)
            break
        except UnicodeDecodeError:
            # the 8 KiB cut may split a character: retry without the last few bytes
            try:
                text = head[:-3].decode(enc)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return len(lines) >= 2 and sum(("," in ln) or ("\t" in ln) for ln in lines[:10]) >= 2

"""Pre-filled forms (`dibao form`): 申请书, 入户调查表, 审批表, 不予批准告知书, 复核表, filled from the
catalog (names, masked ID numbers, members, address, class, amount, standard) with a QR code that files
the signed scan back to the household and the case step (archiver/qr.py). Word templates staff can
edit (templates/form_*.docx, `dibao templates export`); a PDF is the same Word file converted by
LibreOffice, so an edited template prints the same either way. A whole village goes into one file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from archiver import qr
from archiver.catalog.models import Household, today
from archiver.policy import Policy
from archiver.privacy import mask_id

from .cases import Case
from .documents import TemplateProblem, cn_date
from .render import template_path

KINDS = {"申请书": "form_application.docx", "入户调查表": "form_investigation.docx", "审批表": "form_approval.docx",
         "不予批准告知书": "form_refusal.docx", "复核表": "form_review.docx"}
STEP_OF_FORM = {"申请书": "申请", "入户调查表": "入户调查", "审批表": "审批", "不予批准告知书": "告知", "复核表": "复核"}
PLACEHOLDER = "【待填写：{}】"


class FormProblem(ValueError):
    pass


def _open_case(cases: list[Case]) -> Case | None:
    """The 新增 case the form belongs to: the latest one (an application in progress, or just decided)."""
    new = [c for c in cases if c.kind == "新增"]
    return new[-1] if new else None


def context(h: Household, kind: str, policy: Policy, cases: list[Case], day: str | None = None) -> dict[str, Any]:
    """One household's fields for the template (without the QR image, which needs the template)."""
    day = day or today()
    case = _open_case(cases)
    case_date = case.applied if case else None
    step = STEP_OF_FORM[kind]
    standard = policy.standard(int(day[:4]), h.area_type) if h.area_type else None
    members = [m for m in h.members if m.removed_on is None]
    decided = case.decided if case else None
    notice = case.step("告知") if case else None
    return {
        "kind": kind, "office": policy.office_name, "phone": policy.supervision_phone, "key": h.key,
        "township": h.township, "village": h.village, "address": h.address or PLACEHOLDER.format("家庭住址"),
        "phone_household": h.phone, "head_name": h.head_name, "head_id": mask_id(h.head_id_number),
        "area_type": h.area_type, "category": h.category or "", "persons": h.persons or len(members),
        "amount": f"{h.monthly_amount:.2f}" if h.monthly_amount else "", "standard": f"{standard:g}" if standard else "",
        "members": [{"name": m.name, "relation": m.relation, "sex": m.sex, "id": mask_id(m.id_number)} for m in members],
        "printed": cn_date(day), "case_date": case_date or "",
        "case_date_cn": cn_date(case_date) if case_date else PLACEHOLDER.format("申请日期"),
        "reason": (case.reason if case and case.reason else PLACEHOLDER.format("不予批准的理由")),
        "decided": decided or "", "decided_cn": cn_date(decided) if decided else PLACEHOLDER.format("决定日期"),
        "notice_date_cn": cn_date(notice.date) if notice and notice.date else cn_date(day),
        "payload": qr.payload(h.key, kind, step, case_date if step != "复核" else None),
        "qr_args": (h.key, kind, step, case_date if step != "复核" else None),
    }


def render(kind: str, items: list[dict[str, Any]], out: Path, home_templates: Path | None) -> Path:
    """Every household's form into one .docx or .pdf (by the output's suffix)."""
    if kind not in KINDS:
        raise FormProblem(f"未知的表单：{kind}（可用：{'、'.join(KINDS)}）/ unknown form")
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise FormProblem(f"输出文件应为 .docx 或 .pdf：{out.name} / output must be .docx or .pdf")
    with tempfile.TemporaryDirectory(prefix="dibao-form-") as tmp:
        docx = out if suffix == ".docx" else Path(tmp) / (out.stem + ".docx")
        _render_docx(KINDS[kind], items, docx, home_templates, Path(tmp))
        if suffix == ".pdf":
            _to_pdf(docx, out, Path(tmp))
    return out


def _render_docx(name: str, items: list[dict[str, Any]], out: Path, home_templates: Path | None, tmp: Path) -> None:
    import jinja2
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    path = template_path(name, home_templates)
    try:
        tpl = DocxTemplate(str(path))
    except Exception as exc:
        raise TemplateProblem(f"模板文件无法打开：{path}（{exc}）/ template unreadable") from exc
    forms = []
    for i, item in enumerate(items):
        png = tmp / f"qr{i}.png"
        key, kind, step, case = item["qr_args"]
        png.write_bytes(qr.png(key, scale=6, form=kind, step=step, case=case))
        forms.append({**item, "qr": InlineImage(tpl, str(png), width=Mm(32))})
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        tpl.render({"forms": forms}, jinja_env=env, autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"模板 {path.name} 使用了未知变量：{exc}（可用变量见 docs/templates.md）/ "
                              "template uses an unknown variable") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"模板 {path.name} 第{exc.lineno}处语法错误：{exc.message} / template syntax error") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(out))


def _to_pdf(docx: Path, out: Path, tmp: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise FormProblem("生成PDF需要LibreOffice（scripts/install-debian.sh 会安装）；也可输出 .docx / "
                          "PDF output needs LibreOffice")
    profile = (tmp / "lo-profile").as_uri()
    r = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(docx)], capture_output=True, text=True, timeout=300)
    made = tmp / (docx.stem + ".pdf")
    if r.returncode or not made.exists():
        raise FormProblem(f"LibreOffice 转换PDF失败：{(r.stderr or r.stdout)[-300:]} / PDF conversion failed")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(made), out)

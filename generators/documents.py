"""Word output from templates staff can edit: docxtpl with autoescape on (a value with & or < would
otherwise corrupt the file) and strict variables (an unknown variable is named, not a stack trace)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .render import TemplateProblem, template_path

__all__ = ["TemplateProblem", "cn_date", "render_docx", "wan"]  # TemplateProblem: callers catch it from here


def render_docx(name: str, home_templates: Path | None, context: dict[str, Any], out: Path,
                images: dict[str, Path] | None = None) -> Path:
    import jinja2
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    path = template_path(name, home_templates)
    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()  # opened now, so a damaged or non-Word file is named here, not deep inside render
    except Exception as exc:
        raise TemplateProblem(f"模板文件无法打开：{path}（{exc}）/ template unreadable") from exc
    ctx = dict(context)
    for key, img in (images or {}).items():
        ctx[key] = InlineImage(tpl, str(img), width=Mm(150))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        tpl.render(ctx, jinja_env=env, autoescape=True)
    except jinja2.UndefinedError as exc:
        m = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(exc))
        var = (m.group(2) or m.group(1)) if m else str(exc)
        raise TemplateProblem(f"模板 {path.name} 使用了未知变量：{var}（可用变量见 docs/templates.md）/ "
                              f"template uses an unknown variable: {var}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"模板 {path.name} 第{exc.lineno}处语法错误：{exc.message} / template syntax error") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(out))
    return out


def cn_date(iso: str) -> str:
    y, m, d = iso[:10].split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def wan(amount: float) -> str:
    """Yuan → 万元 with two decimals, as the seed reports write money."""
    return f"{amount / 10000:.2f}"

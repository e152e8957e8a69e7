"""Rendering helpers shared by the generators: HTML → PDF with a CJK font, template lookup, and the Jinja
templates the PDF documents are written in (templates/*.html, overridable from HOME/templates like the
Word ones, so an office changes a document's wording without touching code)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from archiver.errors import UserError

# installed: inside the package (pyproject maps templates/ there); in a checkout: the top-level templates/
_PACKAGED = Path(__file__).resolve().parent / "templates"
TEMPLATES = _PACKAGED if (_PACKAGED / "summary.docx").exists() else Path(__file__).resolve().parents[1] / "templates"
CJK_FONTS = "'Noto Serif CJK SC', 'Noto Sans CJK SC', 'Source Han Serif SC', 'SimSun', 'FangSong', serif"


class TemplateProblem(UserError, ValueError):
    """A template staff edited that cannot be opened or filled: named with the file and the variable."""


def template_path(name: str, home_templates: Path | None) -> Path:
    """HOME/templates/<name> overrides the default in templates/."""
    if home_templates is not None and (home_templates / name).exists():
        return home_templates / name
    return TEMPLATES / name


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def render_html(name: str, home_templates: Path | None, context: dict[str, Any]) -> str:
    """A templates/*.html page with strict variables (an unknown one is named) and HTML escaping on."""
    import jinja2
    from markupsafe import Markup

    path = template_path(name, home_templates)
    loader = jinja2.FileSystemLoader([str(path.parent), str(TEMPLATES)])
    env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, autoescape=True)
    env.globals["CJK_FONTS"] = Markup(CJK_FONTS)
    try:
        return env.get_template(path.name).render(**context)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"模板 {path.name} 使用了未知变量：{exc.message}（可用变量见 docs/templates.md）/ "
                              f"template uses an unknown variable") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"模板 {path.name} 第{exc.lineno}行语法错误：{exc.message} / template syntax error") from exc


def html_to_pdf(markup: str, out: Path) -> Path:
    from weasyprint import HTML

    out.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=markup, base_url=str(TEMPLATES)).write_pdf(str(out))
    return out

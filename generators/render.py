"""Rendering helpers shared by the generators: HTML → PDF with a CJK font, template lookup."""

from __future__ import annotations

import html
from pathlib import Path

# installed: inside the package (pyproject maps templates/ there); in a checkout: the top-level templates/
_PACKAGED = Path(__file__).resolve().parent / "templates"
TEMPLATES = _PACKAGED if (_PACKAGED / "summary.docx").exists() else Path(__file__).resolve().parents[1] / "templates"
CJK_FONTS = "'Noto Serif CJK SC', 'Noto Sans CJK SC', 'Source Han Serif SC', 'SimSun', 'FangSong', serif"


def template_path(name: str, home_templates: Path | None) -> Path:
    """HOME/templates/<name> overrides the default in templates/."""
    if home_templates is not None and (home_templates / name).exists():
        return home_templates / name
    return TEMPLATES / name


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def html_to_pdf(markup: str, out: Path) -> Path:
    from weasyprint import HTML

    out.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=markup, base_url=str(TEMPLATES)).write_pdf(str(out))
    return out


"""The summary's two charts (persons in 保 by month, money by quarter) as PNGs for the Word template."""

from __future__ import annotations

from pathlib import Path

from ..fonts import cjk_font_path
from .figures import QUARTERS


def charts(ctx: dict, folder: Path) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font = font_manager.FontProperties(fname=cjk_font_path())
    s = ctx["s"]
    out = {}
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=150)
    months = [f"{m}月" for m in range(1, 13)]
    ax.plot(months, s["persons_by_month"], marker="o", color="#b22222")
    ax.set_title(f"{ctx['year']}年逐月在保人数", fontproperties=font)
    ax.set_ylabel("人", fontproperties=font)
    ax.set_ylim(bottom=0, top=max(max(s["persons_by_month"], default=0) * 1.15, 1))  # from zero: no false swings
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out["chart_persons"] = folder / "persons.png"
    fig.savefig(out["chart_persons"])
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=150)
    values = [q / 10000 for q in s["disbursed_by_quarter"]]
    bars = ax.bar(QUARTERS, values, color="#1f4e79")
    ax.set_ylim(bottom=0, top=max(max(values, default=0) * 1.15, 0.01))
    for b, v in zip(bars, values, strict=True):
        ax.text(b.get_x() + b.get_width() / 2, v, f"{v:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set_title(f"{ctx['year']}年分季度低保金发放（万元）", fontproperties=font)
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    fig.tight_layout()
    out["chart_money"] = folder / "money.png"
    fig.savefig(out["chart_money"])
    plt.close(fig)
    return out

"""Chart images for DOCX and PDF documents (matplotlib, the machine's Noto CJK font).

XLSX documents carry native Excel charts instead (xlsxwriter); these PNGs go into
python-docx and Typst documents. Values are the figures files' ratios (0–1);
axes show percentages.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from jicai.errors import JicaiError

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"),
             Path("/usr/share/fonts/noto-cjk"))
SANS = "Noto Sans CJK SC"
SERIF = "Noto Serif CJK SC"
COLOURS = ("#1f4e79", "#c00000", "#548235", "#bf8f00", "#7030a0")


def font_dir() -> Path:
    """The folder of the Noto CJK fonts (Debian: fonts-noto-cjk)."""
    for d in FONT_DIRS:
        if (d / "NotoSansCJK-Regular.ttc").exists():
            return d
    raise JicaiError("未找到中文字体 Noto Sans CJK：请安装 fonts-noto-cjk",
                     "the Noto CJK font is missing: install fonts-noto-cjk")


@cache
def _pyplot() -> object:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for f in ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"):
        font_manager.fontManager.addfont(str(font_dir() / f))
    matplotlib.rcParams.update({
        "font.family": "sans-serif", "font.sans-serif": [SANS],
        "axes.unicode_minus": False, "svg.hashsalt": "jicai", "figure.dpi": 150,
        "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


def _percent_axis(ax: object) -> None:
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))  # type: ignore[attr-defined]


def line_chart(path: Path, categories: Sequence[str], series: dict[str, Sequence[float | None]],
               title: str, *, percent: bool = True) -> Path:
    """One line per series over ``categories`` (months); missing values are gaps."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 2.9))  # type: ignore[attr-defined]
    for (label, values), colour in zip(series.items(), COLOURS, strict=False):
        ys = [float("nan") if v is None else v for v in values]
        ax.plot(list(categories), ys, marker="o", markersize=3, linewidth=1.6, color=colour,
                label=label)
    if percent:
        _percent_axis(ax)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="best")
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)  # type: ignore[attr-defined]
    return path


def bar_chart(path: Path, labels: Sequence[str], values: Sequence[float | None], title: str, *,
              threshold: float | None = None, threshold_label: str = "",
              percent: bool = True) -> Path:
    """Horizontal bars, first label on top (a worst-first list reads top-down)."""
    plt = _pyplot()
    height = 0.9 + 0.32 * max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(6.4, height))  # type: ignore[attr-defined]
    ys = list(range(len(labels)))[::-1]
    vals = [0.0 if v is None else v for v in values]
    ax.barh(ys, vals, color=COLOURS[0], height=0.6)
    ax.set_yticks(ys, list(labels), fontsize=8)
    for y, v in zip(ys, values, strict=True):
        if v is not None:
            ax.text(v, y, f" {v * 100:.1f}%" if percent else f" {v:,.0f}", va="center",
                    fontsize=7)
    if threshold is not None:
        ax.axvline(threshold, color=COLOURS[1], linestyle="--", linewidth=1)
        if threshold_label:
            title = f"{title}（虚线：{threshold_label}）"
    if percent:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)  # type: ignore[attr-defined]
    return path

"""The report's chart: share of stations at minimum and at target per rule (matplotlib, Agg).

Drawn in Times New Roman like the rest of the report (ND 30/2020); where that font is not
installed, a metric-compatible serif stands in (Liberation Serif, the one LibreOffice itself
substitutes, or Tinos / Nimbus Roman / TeX Gyre Termes). Rule names wrap, never cut.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

TIMES_FAMILIES = (
    "Times New Roman",
    "Liberation Serif",
    "Tinos",
    "Nimbus Roman",
    "TeX Gyre Termes",
    "DejaVu Serif",
)
WRAP = 34  # characters per line of a rule name


@lru_cache(maxsize=1)
def chart_font() -> str:
    """The first Times-like family matplotlib can find on this machine."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in TIMES_FAMILIES:
        if family in installed:
            return family
    return "serif"


def compliance_chart(rows: Sequence[tuple[str, float | None, float | None]]) -> bytes:
    """Horizontal bars (rule name, share at minimum, share at target) as PNG bytes."""
    names = [textwrap.fill(name, WRAP) for name, _, _ in rows]
    at_min = [100 * (m or 0) for _, m, _ in rows]
    at_target = [100 * (t or 0) for _, _, t in rows]
    lines = sum(n.count("\n") + 1 for n in names)
    with plt.rc_context({"font.family": "serif", "font.serif": [chart_font()], "font.size": 9}):
        fig, ax = plt.subplots(figsize=(7.2, 0.32 * lines + 0.45 * len(rows) + 1.5), dpi=150)
        y = range(len(rows))
        ax.barh([i + 0.2 for i in y], at_min, height=0.38, color="#2e7d32", label="Đạt tối thiểu")
        ax.barh([i - 0.2 for i in y], at_target, height=0.38, color="#1565c0", label="Đạt mục tiêu")
        for i, (a, b) in enumerate(zip(at_min, at_target, strict=True)):
            ax.text(a + 1, i + 0.2, f"{a:.0f}%", va="center", fontsize=8)
            ax.text(b + 1, i - 0.2, f"{b:.0f}%", va="center", fontsize=8)
        ax.set_yticks(list(y))
        ax.set_yticklabels(names, fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, 112)
        ax.set_xlabel("Tỷ lệ đài (%)", fontsize=9)
        ax.legend(fontsize=8, loc="lower right")
        ax.tick_params(axis="x", labelsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()

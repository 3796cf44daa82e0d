"""The report's chart: share of channels at minimum and at target per rule (matplotlib, Agg)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from scheduler.compliance.reports import Report  # noqa: E402


def compliance_chart(report: Report, rule_names: dict[str, str]) -> bytes:
    """A horizontal bar chart as PNG bytes (no display, no network)."""
    rules = list(report.total.rules)
    labels = [rule_names.get(r, r) for r in rules]
    at_min = [100 * (report.total.rules[r].share_minimum or 0) for r in rules]
    at_target = [100 * (report.total.rules[r].share_target or 0) for r in rules]
    fig, ax = plt.subplots(figsize=(7.0, 0.55 * len(rules) + 1.4), dpi=150)
    y = range(len(rules))
    ax.barh([i + 0.2 for i in y], at_min, height=0.38, color="#2e7d32", label="Đạt tối thiểu")
    ax.barh([i - 0.2 for i in y], at_target, height=0.38, color="#1565c0", label="Đạt mục tiêu")
    for i, (a, b) in enumerate(zip(at_min, at_target, strict=True)):
        ax.text(a + 1, i + 0.2, f"{a:.0f}%", va="center", fontsize=7)
        ax.text(b + 1, i - 0.2, f"{b:.0f}%", va="center", fontsize=7)
    ax.set_yticks(list(y))
    ax.set_yticklabels([lbl if len(lbl) < 48 else lbl[:46] + "…" for lbl in labels], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel("Tỷ lệ đài (%)", fontsize=8)
    ax.set_title("Tỷ lệ đài đạt quy định tần suất phát sóng", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    ax.tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()

"""Measurements, budgets and the results table.

A ``Measurement`` holds the samples of our code path and (where the budget is a ratio) of the baseline, both
measured in the same run. ``verdict`` compares medians with the budget.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Budget = Literal["ratio", "ms", "s", "MB"]


@dataclass
class Measurement:
    what: str
    unit: str  # "s", "ms" or "MB" for the samples
    ours: list[float]
    budget_kind: Budget
    limit: float  # the ratio, or the absolute limit in the unit of budget_kind
    baseline: list[float] = field(default_factory=list)
    baseline_name: str = ""
    note: str = ""

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline) if self.baseline else None

    @property
    def ratio(self) -> float | None:
        b = self.baseline_median
        return self.ours_median / b if b else None

    @property
    def budget_text(self) -> str:
        if self.limit <= 0:
            return "—"
        if self.budget_kind == "ratio":
            return f"≤ {self.limit:g}× baseline"
        return f"≤ {self.limit:g} {self.budget_kind}"

    def value_in_budget_unit(self) -> float:
        v = self.ours_median
        if self.budget_kind == "ms" and self.unit == "s":
            return v * 1000
        if self.budget_kind == "s" and self.unit == "ms":
            return v / 1000
        return v

    @property
    def passed(self) -> bool | None:
        """True/False against the budget; None when there is no budget (information only)."""
        if self.limit <= 0:
            return None
        if self.budget_kind == "ratio":
            r = self.ratio
            return None if r is None else r <= self.limit
        return self.value_in_budget_unit() <= self.limit

    @property
    def verdict(self) -> str:
        p = self.passed
        return "info" if p is None else "PASS" if p else "FAIL"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def table(rows: list[Measurement]) -> list[str]:
    """Markdown table lines: what, our median, baseline median, ratio, budget, PASS/FAIL."""
    out = [
        "| what | our median | baseline median | ratio | budget | result |",
        "|---|---|---|---|---|---|",
    ]
    for m in rows:
        base = fmt(m.baseline_median, m.unit)
        if m.baseline_name and m.baseline:
            base += f" ({m.baseline_name})"
        ratio = f"{m.ratio:.2f}×" if m.ratio is not None else "—"
        n = f" ×{len(m.ours)}" if len(m.ours) > 1 else ""
        out.append(
            f"| {m.what} | {fmt(m.ours_median, m.unit)}{n} | {base} | {ratio} | {m.budget_text} | {m.verdict} |"
        )
    return out


def timed(fn: Callable[[], object], repeat: int, *, warmup: int = 0) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn`` (after ``warmup`` untimed calls)."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out

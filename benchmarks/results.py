"""The machine description and ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import os
import platform
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.measure import Measurement, table

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> list[str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = "load average at start " + " / ".join(f"{x:.2f}" for x in os.getloadavg())
    import PySide6
    import sqlalchemy

    versions = (f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
                f"SQLite {__import__('sqlite3').sqlite_version}")  # fmt: skip
    return [
        f"- {platform.system()} {platform.release()} ({platform.machine()}), {cpu}, {os.cpu_count()} CPUs, {mem}",
        f"- {versions}",
        f"- {load}" if load else "",
        f"- command: `{' '.join([Path(sys.executable).name, '-m', 'benchmarks', *sys.argv[1:]])}`",
    ]


def write(rows: list[Measurement], *, scale: str, gen: dict[str, Any], notes: list[str], started: datetime,
          path: Path = RESULTS, machine_lines: list[str] | None = None) -> None:  # fmt: skip
    lines = [
        "# Benchmark results",
        "",
        f"Latest run: {started:%Y-%m-%d %H:%M} (scale **{scale}**, medians of repeated runs; baselines measured in the "
        "same run on the same machine). Written by `python -m benchmarks`; never hand-edited.",
        "",
        "## Machine",
        "",
        *[m for m in (machine_lines or machine()) if m],
        "",
        "## Results",
        "",
        *table(rows),
        "",
    ]
    details = [f"- **{m.what.strip(' …')}**: {m.note}" for m in rows if m.note]
    if details:
        lines += ["Notes per row:", "", *details, ""]
    lines += ["## Reference database", "", *gen_lines(gen), ""]
    if notes:
        lines += ["## Findings", "", *notes, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def gen_lines(gen: dict[str, Any]) -> list[str]:
    rows = gen.get("rows", {})
    out = [
        f"Generated in {float(gen.get('seconds', 0)):.1f} s wall ({gen.get('generated_on', '?')}), "
        f"{int(gen.get('file_bytes', 0)) / 2**20:,.0f} MiB, {int(gen.get('audit_entries', 0)):,} audit entries; "
        f"workbooks in {float(gen.get('workbook_seconds', 0)):.1f} s.",
        "",
        "| phase | wall s | CPU s |",
        "|---|---|---|",
    ]
    cpu = gen.get("cpu", {})
    for name, secs in sorted(gen.get("phases", {}).items(), key=lambda kv: -kv[1]):
        out.append(f"| {name} | {secs:.1f} | {float(cpu.get(name, 0)):.1f} |")
    out += ["", "Rows: " + ", ".join(f"{k} {v:,}" for k, v in sorted(rows.items())) + "."]
    return out


def write_partial(rows: list[Measurement], *, names: list[str], scale: str, started: datetime,
                  path: Path = RESULTS) -> None:  # fmt: skip
    """A partial run (``--only … --write``) as its own section of RESULTS.md, replacing the section of an
    earlier partial run of the same benchmarks and leaving the rest of the file (the latest full run) as it is."""
    heading = f"## Partial run: {', '.join(names)}"
    section = [
        heading,
        "",
        f"Run {started:%Y-%m-%d %H:%M} (scale **{scale}**), on this machine:",
        "",
        *[m for m in machine() if m],
        "",
        *table(rows),
        "",
    ]
    details = [f"- **{m.what.strip(' …')}**: {m.note}" for m in rows if m.note]
    if details:
        section += ["Notes per row:", "", *details, ""]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    lines = text.splitlines()
    if heading in lines:  # drop the earlier section: up to the next "## " heading
        start = lines.index(heading)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        del lines[start:end]
    at = lines.index("## Reference database") if "## Reference database" in lines else len(lines)
    lines[at:at] = section
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

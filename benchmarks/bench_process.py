"""Whole-process measurements: start-up to the first window painted, and peak memory (RSS from the OS)."""

from __future__ import annotations

from benchmarks.assets import Assets, child_env, run_child, skip_daily_backup
from benchmarks.gen.common import ADMIN_USERNAME, BENCH_PASSWORD
from benchmarks.measure import Measurement

STARTUP_RATIO = 3.0
MEMORY_MB = 150.0


def startup(assets: Assets, repeat: int) -> list[Measurement]:
    env = child_env(assets)
    skip_daily_backup(assets.db)
    first_args = ["benchmarks.children.launch_app", "first", str(assets.db)]
    login_args = ["benchmarks.children.launch_app", "login", str(assets.db)]
    main_args = ["benchmarks.children.launch_app", "main", str(assets.db), ADMIN_USERNAME, BENCH_PASSWORD]
    bare_args = ["benchmarks.children.bare_window"]
    # Warm the OS file cache once for each (the budget is about a warm start, like its baseline).
    for args in (bare_args, first_args, login_args):
        run_child(args, env)
    bare, first, login, login_paint, main_paint = [], [], [], [], []
    for _ in range(repeat):
        wall, _lines, code, _rss = run_child(bare_args, env)
        if code == 0:
            bare.append(wall)
        wall, lines, code, _rss = run_child(first_args, env)
        if code != 0:
            raise RuntimeError(f"app start-up child failed (exit {code})")
        first.append(wall)
        wall, lines, code, _rss = run_child(login_args, env)
        if code != 0 or not lines:
            raise RuntimeError(f"app start-up child failed (exit {code})")
        login.append(wall)
        login_paint.append(float(lines[0]["painted"]) - float(lines[0]["t0"]))  # type: ignore[arg-type]
        wall, lines, code, _rss = run_child(main_args, env)
        if code == 0 and lines:
            main_paint.append(float(lines[0]["painted"]) - float(lines[0]["t0"]))  # type: ignore[arg-type]
    out = [
        Measurement("start-up to first window painted (start-up window), whole process", "s", first, "ratio",
                    STARTUP_RATIO, bare, "bare PySide6 window",
                    note="Process spawn to exit right after the first paint; app offscreen on the reference DB."),
        Measurement("  … start-up to login dialog painted (info), whole process", "s", login, "ratio", 0.0, bare,
                    "bare PySide6 window"),
        Measurement("  … of which spawn → login dialog painted", "s", login_paint, "ratio", 0.0, bare,
                    "bare PySide6 window"),
    ]  # fmt: skip
    if main_paint:
        out.append(Measurement("  … spawn → log in → main window painted (info)", "s", main_paint, "ratio", 0.0,
                               bare, "bare PySide6 window"))  # fmt: skip
    return out


def memory(assets: Assets) -> list[Measurement]:
    env = child_env(assets)
    _wall, lines, code, wait4_rss = run_child(
        ["benchmarks.children.visit_all", str(assets.db), ADMIN_USERNAME, BENCH_PASSWORD], env
    )
    if code != 0 or not lines:
        raise RuntimeError(f"memory child failed (exit {code})")
    _w, bare_lines, _c, _r = run_child(["benchmarks.children.bare_window"], env)
    rss = int(lines[-1]["peak_rss_kb"]) / 1024  # type: ignore[call-overload]
    bare_rss = int(bare_lines[-1]["peak_rss_kb"]) / 1024 if bare_lines else 0.0  # type: ignore[call-overload]
    pages = ", ".join(lines[-1].get("pages", []))  # type: ignore[arg-type]
    note = (f"pages visited: {pages}. Peak RSS is the child's VmHWM from /proc; ru_maxrss from wait4 said "
            f"{wait4_rss:.0f} MB, but on Linux that figure carries over the parent's size at fork.")  # fmt: skip
    return [
        Measurement(
            "peak RSS, reference DB open, every section visited (3 villages)",
            "MB",
            [rss],
            "MB",
            MEMORY_MB,
            [bare_rss] if bare_rss else [],
            "bare PySide6 window",
            note=note,
        )
    ]

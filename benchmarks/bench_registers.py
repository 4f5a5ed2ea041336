"""Registers (台账) open, sort and filter through the real Qt table models, offscreen, on the reference DB.

Where a section's page exists it is built exactly as the main window builds it (``gui.shell.sections.build_page``)
and driven through its own widgets: ``set_village`` (open), every sortable header of every ``PagedTableModel``
on the page in both directions (sort), every filter combo box and the search box (filter). A register whose
page has not landed yet is measured through ``PagedTableModel`` over its service's list/count functions.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.assets import Assets
from benchmarks.gen.common import ADMIN_USERNAME, BENCH_PASSWORD
from benchmarks.measure import Measurement

BUDGET_MS = 50.0
SEARCH_TEXT = "村道"


@dataclass
class Op:
    label: str
    run: Callable[[], object]
    undo: Callable[[], object] | None = None


def _median_ms(op: Op, repeat: int, app: Any) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        op.run()
        app.processEvents()
        out.append((time.perf_counter() - t) * 1000)
        if op.undo is not None:
            op.undo()
            app.processEvents()
    return out


def _worst(samples: dict[str, list[float]]) -> tuple[str, list[float]]:
    import statistics

    label = max(samples, key=lambda k: statistics.median(samples[k]))
    return label, samples[label]


def _model_ops(model: Any) -> list[Op]:
    from PySide6.QtCore import Qt

    ops = []
    for i, col in enumerate(model.columns):
        if col.sort is None:
            continue
        for order, word in ((Qt.SortOrder.DescendingOrder, "desc"), (Qt.SortOrder.AscendingOrder, "asc")):
            ops.append(Op(f"{col.title} {word}", lambda i=i, o=order: model.sort(i, o),
                          lambda: setattr(model, "sort_key", None)))  # fmt: skip
    return ops


def _page_filter_ops(page: Any, models: list[Any]) -> list[Op]:
    from PySide6.QtWidgets import QComboBox, QLineEdit

    ops = []
    for combo in page.findChildren(QComboBox):
        if combo.count() > 1 and combo.isEnabled():
            for idx in {1, combo.count() - 1}:
                ops.append(Op(f"{combo.itemText(idx)}", lambda c=combo, i=idx: c.setCurrentIndex(i),
                              lambda c=combo: c.setCurrentIndex(0)))  # fmt: skip
    edits = [e for e in page.findChildren(QLineEdit) if "查找" in e.placeholderText()]
    for edit in edits:
        own = _models_beside(
            edit, models
        )  # a page with tabs: the search box reloads its own tab's table only

        def search(e: Any = edit, own: list[Any] = own) -> None:
            e.setText(SEARCH_TEXT)
            for m in own:
                m.reload()  # what the tab's debounce timer calls

        def clear(e: Any = edit, own: list[Any] = own) -> None:
            e.setText("")
            for m in own:
                m.reload()

        where = f"（{edit.placeholderText()}）" if len(edits) > 1 else ""
        ops.append(Op(f"查找“{SEARCH_TEXT}”{where}", search, clear))
    return ops


def _models_beside(edit: Any, models: list[Any]) -> list[Any]:
    """The paged models shown by views that share the nearest ancestor of ``edit`` holding any (all if none)."""
    from PySide6.QtWidgets import QAbstractItemView

    w = edit.parentWidget()
    while w is not None:
        near = [v.model() for v in w.findChildren(QAbstractItemView)]
        own = [
            m for m in models if any(m is n or getattr(n, "sourceModel", lambda: None)() is m for n in near)
        ]
        if own:
            return own
        w = w.parentWidget()
    return list(models)


def _service_registers(ctx: Any, village_id: str) -> dict[str, tuple[Any, list[Op]]]:
    """Registers measured through ``PagedTableModel`` directly (their pages have not landed yet)."""
    from dataclasses import replace

    from quzhou_desktop.gui.widgets.paged_model import Column, PagedTableModel
    from quzhou_desktop.services.vouchers import queues as qsvc
    from quzhou_desktop.services.vouchers import voucher as vsvc

    out: dict[str, tuple[Any, list[Op]]] = {}
    state: dict[str, Any] = {"v": vsvc.VoucherFilter(village_id=village_id)}
    cols = [
        Column(k, (lambda r, k=k: getattr(r, "voucher_date" if k == "date" else k, "")), sort=k)
        for k in vsvc.SORTS
    ]
    model = PagedTableModel(cols, lambda o, n, s, d: vsvc.list_vouchers(ctx, state["v"], offset=o, limit=n, sort=s or "date",
                            descending=d), lambda: vsvc.count_vouchers(ctx, state["v"]), sort="date", descending=True)  # fmt: skip

    def set_v(**kw: Any) -> Callable[[], None]:
        def run() -> None:
            state["v"] = replace(vsvc.VoucherFilter(village_id=village_id), **kw)
            model.reload()

        return run

    reset = set_v()
    out["支出凭证 (service-backed model)"] = (model, [
        Op("年度", set_v(year=2024), reset), Op("状态", set_v(statuses=frozenset({"submitted"})), reset),
        Op(f"查找“{SEARCH_TEXT}”", set_v(text=SEARCH_TEXT), reset), Op("全镇（不限村）", set_v(village_id=None), reset)])  # fmt: skip
    lstate: dict[str, Any] = {"f": qsvc.LedgerFilter(village_id=village_id)}
    lcols = [
        Column(k, (lambda r, k=k: getattr(r, k if k != "date" else "voucher_date", "")), sort=k)
        for k in qsvc.LEDGER_SORTS
    ]
    lpages = qsvc.LedgerPages(ctx)  # as the 监督台账 tab holds one
    lmodel = PagedTableModel(lcols, lambda o, n, s, d: lpages.rows(lstate["f"], offset=o, limit=n, sort=s or "at",
                             descending=d), lambda: lpages.count(lstate["f"]), sort="at", descending=True)  # fmt: skip

    def set_l(**kw: Any) -> Callable[[], None]:
        def run() -> None:
            lstate["f"] = replace(qsvc.LedgerFilter(village_id=village_id), **kw)
            lmodel.reload()

        return run

    lreset = set_l()
    out["监督台账 (service-backed model)"] = (lmodel, [
        Op("年度+月份", set_l(year=2024, month=6), lreset), Op("异议", set_l(kind="objections"), lreset),
        Op(f"查找“{SEARCH_TEXT}”", set_l(text=SEARCH_TEXT), lreset), Op("全镇（不限村）", set_l(village_id=None), lreset)])  # fmt: skip
    return out


PAGE_KEYS = ("matters", "disclosures", "vouchers", "roster")


def registers(assets: Assets, repeat: int) -> list[Measurement]:
    """Each page in its own child process, so a crash in one page (a Qt-level abort) is reported, not fatal."""
    import subprocess
    import sys

    from benchmarks.assets import ROOT, child_env

    out: list[Measurement] = []
    for key in PAGE_KEYS:  # (the service-backed fallback models are used only for pages not built yet)
        cmd = [sys.executable, "-m", "benchmarks.bench_registers", str(assets.db), key, str(repeat)]
        proc = subprocess.run(cmd, env=child_env(assets), cwd=ROOT, capture_output=True, text=True)
        rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        out.extend(Measurement(**r) for r in rows)
        if proc.returncode != 0:
            why = next(
                (ln for ln in proc.stderr.splitlines() if "Fatal" in ln or "Error" in ln),
                f"exit {proc.returncode}",
            )
            out.append(Measurement(f"register page “{key}” crashed while measured: {why.strip()[:120]}", "ms", [0.0],
                                   "ms", 0.0, note=_tail(proc.stderr)))  # fmt: skip
    return out


def _tail(text: str) -> str:
    lines = [ln for ln in text.splitlines() if "propagateSizeHints" not in ln and ln.strip()]
    return " / ".join(ln.strip() for ln in lines[:6])[:600]


class _Emitting(list):  # type: ignore[type-arg]
    """A result list that also writes each measurement to stdout at once (survives a later crash)."""

    def append(self, m: Measurement) -> None:
        super().append(m)
        sys.stdout.write(json.dumps(asdict(m), ensure_ascii=False) + "\n")
        sys.stdout.flush()


def measure_in_process(
    db_path: Path, keys: tuple[str, ...], repeat: int, *, service: bool, emit: bool = False
) -> list[Measurement]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import text

    from quzhou_desktop.app import make_application
    from quzhou_desktop.gui.shell import sections
    from quzhou_desktop.gui.widgets.paged_model import PagedTableModel
    from quzhou_desktop.services.kernel import auth
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    app = QApplication.instance() or QApplication([])
    make_application([])
    ctx = AppContext(Database(db_path))
    auth.login(ctx, ADMIN_USERNAME, BENCH_PASSWORD)
    with ctx.db.read_engine.connect() as conn:
        village_id = conn.execute(
            text("SELECT village_id FROM voucher GROUP BY village_id ORDER BY count(*) DESC LIMIT 1")
        ).scalar_one()
    results: list[Measurement] = _Emitting() if emit else []
    missing: list[str] = []
    for key in keys:
        try:
            sec = sections.section(key)
        except KeyError:
            missing.append(key)
            continue
        page = sections.build_page(sec, ctx, None)
        page.resize(1100, 700)
        page.show()
        opened = []
        for _ in range(repeat):
            fresh = sections.build_page(sec, ctx, None)
            fresh.resize(1100, 700)
            fresh.show()
            app.processEvents()
            t = time.perf_counter()
            fresh.set_village(village_id)
            app.processEvents()
            opened.append((time.perf_counter() - t) * 1000)
            fresh.close()
            fresh.deleteLater()
        page.set_village(village_id)
        app.processEvents()
        models = [m for m in page.findChildren(QAbstractItemModel) if isinstance(m, PagedTableModel)]
        results.append(
            Measurement(f"{sec.title}: open (village with most rows)", "ms", opened, "ms", BUDGET_MS)
        )
        _sort_filter(
            results,
            sec.title,
            [op for m in models for op in _model_ops(m)],
            _page_filter_ops(page, models),
            repeat,
            app,
        )
        page.close()
        page.deleteLater()
    for name, (model, filters) in (_service_registers(ctx, village_id) if service else {}).items():
        opened = []
        for _ in range(repeat):
            t = time.perf_counter()
            model.reload()
            opened.append((time.perf_counter() - t) * 1000)
        results.append(Measurement(f"{name}: open", "ms", opened, "ms", BUDGET_MS))
        _sort_filter(results, name, _model_ops(model), filters, repeat, app)
    if missing:
        results.append(
            Measurement(f"pages not built yet (not measured): {', '.join(missing)}", "ms", [0.0], "ms", 0.0)
        )
    ctx.db.dispose()
    return results


def _sort_filter(
    results: list[Measurement], title: str, sorts: list[Op], filters: list[Op], repeat: int, app: Any
) -> None:
    for kind, ops in (("sort", sorts), ("filter", filters)):
        if not ops:
            continue
        samples = {op.label: _median_ms(op, repeat, app) for op in ops}
        label, worst = _worst(samples)
        results.append(
            Measurement(f"{title}: {kind} (worst of {len(ops)}: {label})", "ms", worst, "ms", BUDGET_MS)
        )


def _child(argv: list[str]) -> int:
    db, key, repeat = Path(argv[0]), argv[1], int(argv[2])
    keys = () if key == "service" else (key,)
    measure_in_process(db, keys, repeat, service=key == "service", emit=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))

"""Streaming helpers for the big exports: the 审批过程 text built by SQLite, and rows read ahead on a thread.

The export of 100,000 vouchers spends most of its time in openpyxl. The rows are read meanwhile on a second
thread with its own read connection (SQLite releases the GIL while it steps), in chunks through a bounded
queue, so reading overlaps writing instead of adding to it. Each voucher's trail is concatenated by SQLite
(``trail_sql``) rather than formatted in Python per event.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from sqlalchemy import String, case, func, literal, select

from quzhou_desktop.services.vouchers.common import EVENT_LABELS, OPINION_LABELS
from quzhou_desktop.store.dialects.sql import JsonRows, LocalMinute, StringAgg
from quzhou_desktop.store.models import VoucherEvent

__all__ = ["TRAIL_SEPARATOR", "json_page", "read_ahead", "trail_sql"]

T = TypeVar("T")
TRAIL_SEPARATOR = "；"
_DEPTH = 4  # chunks waiting in the queue (a chunk is one page of rows)


def trail_sql(voucher_id: Any) -> Any:
    """Scalar subquery: the voucher's events in trail order (at, created_at, id), each as
    “2026-11-24 09:30 张三村监会审核：同意（意见）” (Asia/Shanghai minutes = UTC + 8 h, as ``local_time``),
    joined with “；”; "" without events. Same text as formatting ``EVENT_LABELS``/``OPINION_LABELS`` in Python.

    The ordered derived table keeps group_concat in trail order: SQLite does not flatten a subquery with
    ORDER BY into an aggregate, so the rows reach group_concat in that order."""
    e = VoucherEvent.__table__.alias("trail_event")
    kind_label = case(EVENT_LABELS, value=e.c.kind, else_=e.c.kind)
    opinion = case({k: f"：{v}" for k, v in OPINION_LABELS.items()}, value=e.c.opinion, else_="")
    text = case((e.c.text != "", literal("（", String) + e.c.text + "）"), else_="")
    part = LocalMinute(e.c.at) + " " + func.coalesce(e.c.actor_name, "") + kind_label + opinion + text
    parts = (
        select(part.label("part"))
        .where(e.c.voucher_id == voucher_id)
        .order_by(e.c.at, e.c.created_at, e.c.id)
        .correlate(voucher_id.table)  # through the derived table to the outer query's voucher row
        .subquery("trail_parts")
    )
    return (
        select(func.coalesce(StringAgg(parts.c.part, TRAIL_SEPARATOR), ""))
        .select_from(parts)
        .scalar_subquery()
    )


def json_page(q: Any) -> Any:
    """``q`` (ordered, limited) as one row holding its rows as a JSON array of arrays.

    pysqlite releases and re-takes the GIL around every row it steps; while the writer thread holds the GIL
    each re-take waits for a switch interval, so a page fetched row by row on the reading thread crawls and
    reading no longer overlaps writing. One row per page is one step: SQLite computes the whole page with the
    GIL released, and ``json.loads`` (C) unpacks it. Values come back as JSON gives them (TEXT dates stay
    text, integers stay int)."""
    sub = q.subquery("page")
    return select(JsonRows(*sub.c))


class _Failed:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


def read_ahead(produce: Callable[[], Iterable[list[T]]], *, threaded: bool = True) -> Iterator[T]:
    """Yield the rows of the chunks ``produce()`` yields, produced on a background thread when ``threaded``.

    ``produce`` must open its own read session or connection (it runs on that thread). An error there is
    raised here; closing this iterator early (cancel, islice) stops the thread after its current chunk.
    ``threaded=False`` (an in-memory database shares one connection) produces inline."""
    if not threaded:
        for chunk in produce():
            yield from chunk
        return
    chunks: queue.Queue[Any] = queue.Queue(maxsize=_DEPTH)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        source: Iterable[list[T]] = ()
        try:
            source = produce()
            for chunk in source:
                if not put(chunk):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(_Failed(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:  # release the read connection on this thread
                close()

    worker = threading.Thread(target=run, name="export-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield from item
    finally:
        stop.set()
        worker.join()

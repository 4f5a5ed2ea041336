"""The demo township with attachments, for the village archive: a scanned invoice on a voucher of the year and a
photograph of the 公示 on a matter step, both in 溪口村 (the demo village with every kind of record, its 合同公开 and
民主评议结果公告 included)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import select

from quzhou_desktop.services.demo import DEMO_PASSWORD, DemoClock, build_demo
from quzhou_desktop.services.kernel.attachments import add_attachment
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.matters.files import add_step_scan
from quzhou_desktop.services.roster.villages import list_villages
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Matter, MatterStep, Voucher

TODAY = date(2026, 11, 24)
VILLAGE = "溪口村"
INVOICE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


PHOTO = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(64)) + b"\xff\xd9"
)


def build(path: Path) -> None:
    """The demo at ``path`` with one invoice on a 2026 voucher and one photograph on a 2026 step."""
    build_demo(path, today=TODAY)
    ctx = open_as(path, "wenshu")
    try:
        vid = village_id(ctx)
        with ctx.read() as s:
            voucher = s.scalars(
                select(Voucher.id).where(
                    Voucher.village_id == vid,
                    Voucher.voucher_date >= date(2026, 1, 1),
                    Voucher.status != "superseded",
                )
            ).first()
            step = s.scalars(
                select(MatterStep.id)
                .join(Matter, Matter.id == MatterStep.matter_id)
                .where(
                    Matter.village_id == vid,
                    MatterStep.state == "final",
                    MatterStep.meeting_date >= date(2026, 1, 1),
                )
            ).first()
        assert voucher is not None and step is not None
        add_attachment(ctx, owner_kind="voucher", owner_id=voucher, village_id=vid, perm=Perm.VOUCHER_EDIT,
                       data=INVOICE, filename="发票.pdf")  # fmt: skip
        add_step_scan(ctx, step, PHOTO, "公示现场照片.jpg", caption="方案公示现场照片")
    finally:
        ctx.db.dispose()


def copy_of(template: Path, folder: Path) -> Path:
    path = folder / "archive-demo.sqlite3"
    shutil.copyfile(template, path)
    return path


def open_as(path: Path, username: str) -> AppContext:
    ctx = AppContext(Database(path), clock=DemoClock(TODAY))
    login(ctx, username, DEMO_PASSWORD)
    return ctx


def village_id(ctx: AppContext, name: str = VILLAGE) -> str:
    from quzhou_desktop.services.kernel.context import CurrentUser
    from quzhou_desktop.services.kernel.roles import Role

    reader = AppContext(ctx.db, CurrentUser("", "t", "t", Role.TOWNSHIP_ADMIN, None), ctx.clock)
    return next(v.id for v in list_villages(reader) if v.name == name)

"""``staff``: the ``world`` set up for 三务公开 — the default 公开目录, a clerk of both villages, one 村监会 member
per village, a 主任 and a read-only user — and helpers that add vouchers and read audit actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from quzhou_desktop.services.disclosures import catalogue as cat
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.users import create_user
from quzhou_desktop.store.models import AuditEntry, LedgerLine, Membership, Person, Voucher
from tests.support.world import PASSWORD, World

VoucherSpec = tuple[date, str, int, str]  # voucher date, 凭证号, 分, status
LedgerSpec = tuple[date, str | None, str, int, int]  # entry date, 凭证号, 摘要, income 分, expense 分


@dataclass
class DisclosureStaff:
    world: World
    clerk: AppContext  # wenshu, both villages
    sup: AppContext  # 村监会 member of village 0 (郑监督)
    sup_other: AppContext  # 村监会 member of village 1 only (钱监督)
    director: AppContext
    reader: AppContext  # read-only, no village
    v0: str  # 溪口村
    v1: str  # 上洋村

    def item(self, village_id: str, category: str, cadence: str) -> str:
        """The id of the catalogue item of ``category`` and ``cadence`` for the village."""
        items = cat.list_items(self.clerk, village_id)
        return next(i.id for i in items if i.category == category and i.cadence == cadence)


def _supervisor(world: World, village_id: str, name: str, username: str) -> AppContext:
    with world.admin.write("test.roster") as s:
        p = Person(village_id=village_id, name=name, gender="男")
        s.add(p)
        s.flush()
        s.add(
            Membership(village_id=village_id, person_id=p.id, body="supervisory", start_date=date(2024, 1, 1))
        )
        pid = p.id
    info = create_user(
        world.admin, username=username, display_name=name, role=Role.SUPERVISOR, password=PASSWORD,
        village_ids=[village_id], person_id=pid, credential=PASSWORD,
    )  # fmt: skip
    return world.as_user(info.id)


def make_disclosure_staff(world: World) -> DisclosureStaff:
    cat.ensure_default_catalogue(world.admin)
    v0, v1 = world.village_ids
    clerk = world.new_user("wenshu", Role.CLERK, [v0, v1])
    return DisclosureStaff(
        world, clerk, _supervisor(world, v0, "郑监督", "jianwei"), _supervisor(world, v1, "钱监督", "jianwei2"),
        world.new_user("zhuren", Role.DIRECTOR), world.new_user("chakan", Role.READONLY, [v0, v1]), v0, v1,
    )  # fmt: skip


def add_vouchers(
    world: World, village_id: str, rows: list[VoucherSpec], *, ledger: list[LedgerSpec] | None = None
) -> None:
    """Vouchers and ledger lines written through the ORM inside ``ctx.write`` (audited like any change)."""
    with world.admin.write("test.vouchers") as s:
        for d, no, fen, status in rows:
            s.add(
                Voucher(village_id=village_id, year=d.year, number=no, voucher_date=d, handler_name="经手人",
                        payee="衢州某公司", purpose=f"支出{no}", amount_fen=fen, status=status)
            )  # fmt: skip
        for d, voucher_no, summary, inc, exp in ledger or []:
            s.add(LedgerLine(village_id=village_id, entry_date=d, voucher_no=voucher_no, summary=summary,
                             income_fen=inc, expense_fen=exp))  # fmt: skip


def audit_actions(world: World, entity_id: str) -> list[str]:
    """The audit actions recorded on ``entity_id``, oldest first."""
    with world.admin.read() as s:
        return list(
            s.scalars(
                select(AuditEntry.action).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.seq)
            )
        )

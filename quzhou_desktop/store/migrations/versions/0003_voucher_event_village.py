"""voucher_event.village_id (its voucher's village) and an index for the 监督台账 search within a village

The search looked at every voucher of the village and every review of each (≈15,000 vouchers and 45,000
events in the reference township's largest village); with the village on the event, the reviews that name
the searched text are found in one index range.

Every existing event gets its voucher's village. ``verify`` compares each audited row with the state its
latest audit entry records, so the new states are recorded too: one chained batch entry per 5,000 events
(``store.audit.batch``), as the system user, with the reason below.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 5000
REASON = "数据库升级（0003）：每条凭证审核签字记录写明所属的村（取自其凭证），以便在村内查找"


def upgrade() -> None:
    op.add_column("voucher_event", sa.Column("village_id", sa.String(length=36), nullable=True))
    op.execute(
        "UPDATE voucher_event SET village_id = "
        "(SELECT voucher.village_id FROM voucher WHERE voucher.id = voucher_event.voucher_id)"
    )
    op.create_index(
        "ix_voucher_event_village",
        "voucher_event",
        ["village_id", "kind", "actor_name", "text"],
        unique=False,
    )
    _record_new_states(op.get_bind())


def _record_new_states(conn: sa.Connection) -> None:
    from quzhou_desktop.store.audit.batch import append_batch, batch_json
    from quzhou_desktop.store.audit.chain import SYSTEM, norm_value
    from quzhou_desktop.store.models.base import utcnow

    table = sa.Table("voucher_event", sa.MetaData(), autoload_with=conn)  # as it is now, not as models say
    columns = [c.name for c in table.columns]
    when = utcnow()
    last = ""
    while True:  # in id order, so each batch covers one range of ids (verify opens them one at a time)
        rows = conn.execute(sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        values = [[norm_value(v) for v in r] for r in rows]  # canonical: dates and times as ISO text
        first, last = rows[0].id, rows[-1].id
        append_batch(
            conn,
            SYSTEM,
            action="schema.upgrade",
            table="voucher_event",
            first_id=first,
            after_json=batch_json(columns, {}, values),
            reason=REASON,
            when=when,
        )


def downgrade() -> None:
    op.drop_index("ix_voucher_event_village", table_name="voucher_event")
    with op.batch_alter_table("voucher_event") as batch_op:
        batch_op.drop_column("village_id")

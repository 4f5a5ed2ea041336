"""vouchers: drop the index on import_key (imports match vouchers by village, year and 凭证号)

Imports no longer write ``voucher.import_key`` (a hash of village + year + 凭证号, which the unique
constraint ``uq_voucher_number_version`` already identifies); the index only cost every voucher insert.
The column stays for vouchers imported before this revision.

Frozen: databases of every later release are upgraded through this file, so it imports nothing from
``quzhou_desktop`` and names the index and table outright; a later change is a new migration.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 15:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_voucher_import_key", table_name="voucher")


def downgrade() -> None:
    op.create_index("ix_voucher_import_key", "voucher", ["import_key"], unique=False)

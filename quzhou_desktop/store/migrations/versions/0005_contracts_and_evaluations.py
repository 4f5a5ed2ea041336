"""集体合同与资产资源台账 and 民主评议: eight new tables

Assets and resources (``asset``); contracts (``contract``) with their parties, payment schedule lines, the payments
tied to vouchers, ledger lines or receipts, and deposits; the yearly 民主评议 (``evaluation``) and the votes and
verdict of each person reviewed (``evaluation_entry``). Only new tables: no existing row changes, so nothing is
recorded in the audit chain.

Frozen: databases of every later release are upgraded through this file, so it imports nothing from
``quzhou_desktop`` and names every table, column, key and index outright (as the naming convention of the models
produced them once); a later change is a new migration.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Creation order (a table after those it refers to); downgrade drops them in reverse.
TABLES = (
    "asset",
    "contract",
    "contract_party",
    "contract_schedule_line",
    "contract_payment",
    "contract_deposit",
    "evaluation",
    "evaluation_entry",
)


def _record_columns() -> list[sa.Column[Any]]:
    """The columns every audited record ends with: UUID key, creation time (UTC), optimistic-lock version."""
    return [
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "asset",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(30)),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("location", sa.String(200)),
        sa.Column("area_centi", sa.Integer()),
        sa.Column("area_unit", sa.String(10)),
        sa.Column("value_fen", sa.Integer()),
        sa.Column("acquired_on", sa.Date()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_asset_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_asset"),
    )
    op.create_index("ix_asset_village_name", "asset", ["village_id", "name"])
    op.create_index("ix_asset_village_status", "asset", ["village_id", "status"])

    op.create_table(
        "contract",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("asset_id", sa.String(36)),
        sa.Column("subject", sa.String(200)),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date()),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("decision_step_id", sa.String(36)),
        sa.Column("decision_ref", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("terminated_on", sa.Date()),
        sa.Column("termination_reason", sa.Text()),
        sa.Column("disclosure_id", sa.String(36)),
        sa.Column("note", sa.Text()),
        sa.Column("created_by", sa.String(36)),
        *_record_columns(),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], name="fk_contract_asset_id_asset"),
        sa.ForeignKeyConstraint(
            ["decision_step_id"], ["matter_step.id"], name="fk_contract_decision_step_id_matter_step"
        ),
        sa.ForeignKeyConstraint(
            ["disclosure_id"], ["disclosure.id"], name="fk_contract_disclosure_id_disclosure"
        ),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_contract_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_contract"),
        sa.UniqueConstraint("village_id", "number", name="uq_contract_number"),
    )
    op.create_index("ix_contract_asset", "contract", ["asset_id", "status", "end_date"])
    op.create_index("ix_contract_status_end", "contract", ["status", "end_date"])
    op.create_index("ix_contract_village_end", "contract", ["village_id", "end_date"])

    op.create_table(
        "contract_party",
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("person_id", sa.String(36)),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("id_code", sa.String(30)),
        sa.Column("phone", sa.String(20)),
        sa.Column("address", sa.String(200)),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name="fk_contract_party_contract_id_contract"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_contract_party_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_contract_party"),
    )
    op.create_index("ix_contract_party_contract", "contract_party", ["contract_id", "seq"])
    op.create_index("ix_contract_party_person_id", "contract_party", ["person_id"])

    op.create_table(
        "contract_schedule_line",
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(12), nullable=False),
        sa.Column("note", sa.String(200)),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name="fk_contract_schedule_line_contract_id_contract"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contract_schedule_line"),
    )
    op.create_index("ix_contract_schedule_contract", "contract_schedule_line", ["contract_id", "seq"])
    op.create_index("ix_contract_schedule_due", "contract_schedule_line", ["due_on"])

    op.create_table(
        "contract_payment",
        sa.Column("line_id", sa.String(36), nullable=False),
        sa.Column("voucher_id", sa.String(36)),
        sa.Column("ledger_line_id", sa.String(36)),
        sa.Column("receipt_no", sa.String(40)),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(200)),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["ledger_line_id"], ["ledger_line.id"], name="fk_contract_payment_ledger_line_id_ledger_line"
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["contract_schedule_line.id"],
            name="fk_contract_payment_line_id_contract_schedule_line",
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["voucher.id"], name="fk_contract_payment_voucher_id_voucher"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contract_payment"),
    )
    op.create_index("ix_contract_payment_ledger_line_id", "contract_payment", ["ledger_line_id"])
    op.create_index("ix_contract_payment_line_id", "contract_payment", ["line_id"])
    op.create_index("ix_contract_payment_voucher_id", "contract_payment", ["voucher_id"])

    op.create_table(
        "contract_deposit",
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("direction", sa.String(12), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date()),
        sa.Column("returned_on", sa.Date()),
        sa.Column("note", sa.String(200)),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name="fk_contract_deposit_contract_id_contract"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contract_deposit"),
    )
    op.create_index("ix_contract_deposit_contract_id", "contract_deposit", ["contract_id"])

    op.create_table(
        "evaluation",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("body", sa.String(30), nullable=False),
        sa.Column("chair_person_id", sa.String(36)),
        sa.Column("place", sa.String(100)),
        sa.Column("participants", sa.Integer()),
        sa.Column("note", sa.Text()),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("finalized_at", sa.DateTime()),
        sa.Column("finalized_by", sa.String(36)),
        sa.Column("disclosure_id", sa.String(36)),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["chair_person_id"], ["person.id"], name="fk_evaluation_chair_person_id_person"
        ),
        sa.ForeignKeyConstraint(
            ["disclosure_id"], ["disclosure.id"], name="fk_evaluation_disclosure_id_disclosure"
        ),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_evaluation_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_evaluation"),
    )
    op.create_index("ix_evaluation_village_year", "evaluation", ["village_id", "year"])

    op.create_table(
        "evaluation_entry",
        sa.Column("evaluation_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("office", sa.String(30), nullable=False),
        sa.Column("role_text", sa.String(40), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("basically_satisfied", sa.Integer(), nullable=False),
        sa.Column("dissatisfied", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("office_ended", sa.Boolean(), nullable=False),
        sa.Column("ended_membership_id", sa.String(36)),
        sa.Column("consequence", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["ended_membership_id"],
            ["membership.id"],
            name="fk_evaluation_entry_ended_membership_id_membership",
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluation.id"], name="fk_evaluation_entry_evaluation_id_evaluation"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_evaluation_entry_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_evaluation_entry"),
    )
    op.create_index("ix_evaluation_entry_evaluation", "evaluation_entry", ["evaluation_id", "seq"])
    op.create_index("ix_evaluation_entry_person", "evaluation_entry", ["person_id", "office"])


def downgrade() -> None:
    for table in reversed(TABLES):  # a table's indexes go with it
        op.drop_table(table)

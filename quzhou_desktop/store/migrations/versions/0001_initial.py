"""The first schema: township, rosters, users, the audit log, attachments, matters, vouchers, disclosures.

Creates every table of the first release with its keys, foreign keys and indexes, and the two triggers that
make ``audit_log`` append-only. Names of constraints and indexes are written out in full (the naming
convention of the models produced them once; this file does not depend on it). On PostgreSQL (a unit's
server) three triggers, TRUNCATE too; money columns as BIGINT and text columns without a length limit, as
SQLite keeps them.

Frozen: this file is the schema as the first release shipped it, and databases made by that release are
upgraded from exactly this. It imports nothing from ``quzhou_desktop`` (no models, no helpers); a later change
to the models is a new migration, never an edit here. tests/store/test_migrations.py checks that the
migrations together still build exactly the models, and that no migration imports the package.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 05:04:35.929102
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Creation order (a table after those it refers to); downgrade drops them in reverse.
TABLES = (
    "attachment_blob",
    "audit_log",
    "notice_print",
    "township",
    "attachment",
    "village",
    "disclosure_item",
    "ledger_line",
    "matter",
    "monthly_review",
    "person",
    "kin_link",
    "matter_step",
    "membership",
    "user_account",
    "disclosure",
    "step_amendment",
    "step_attendance",
    "user_village",
    "voucher",
    "disclosure_feedback",
    "voucher_event",
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
        "attachment_blob",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_attachment_blob"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.String(36)),
        sa.Column("username", sa.String(40)),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("before_json", sa.Text()),
        sa.Column("after_json", sa.Text()),
        sa.Column("reason", sa.Text()),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
        sa.UniqueConstraint("hash", name="uq_audit_log_hash"),
    )
    op.create_index("ix_audit_entity", "audit_log", ["entity", "entity_id", "seq"])

    op.create_table(
        "notice_print",
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("audit_seq", sa.Integer()),
        sa.Column("audit_hash", sa.String(64)),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.Column("printed_by", sa.String(36)),
        *_record_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_notice_print"),
        sa.UniqueConstraint("code", name="uq_notice_print_code"),
    )
    op.create_index("ix_notice_print_record", "notice_print", ["kind", "record_id"])

    op.create_table(
        "township",
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("code", sa.String(20)),
        sa.Column("rules_json", sa.Text(), nullable=False),
        *_record_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_township"),
    )
    op.create_table(
        "attachment",
        sa.Column("owner_kind", sa.String(30), nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("mime", sa.String(80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("caption", sa.String(200)),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["sha256"], ["attachment_blob.sha256"], name="fk_attachment_sha256_attachment_blob"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_attachment"),
    )
    op.create_index("ix_attachment_owner", "attachment", ["owner_kind", "owner_id"])

    op.create_table(
        "village",
        sa.Column("township_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("code", sa.String(20)),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("finance_busy", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["township_id"], ["township.id"], name="fk_village_township_id_township"),
        sa.PrimaryKeyConstraint("id", name="pk_village"),
        sa.UniqueConstraint("township_id", "name", name="uq_village_township_id"),
    )
    op.create_table(
        "disclosure_item",
        sa.Column("village_id", sa.String(36)),
        sa.Column("category", sa.String(10), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("cadence", sa.String(20), nullable=False),
        sa.Column("basis", sa.String(200)),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_disclosure_item_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_disclosure_item"),
    )
    op.create_table(
        "ledger_line",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("voucher_no", sa.String(30)),
        sa.Column("summary", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(60)),
        sa.Column("income_fen", sa.Integer(), nullable=False),
        sa.Column("expense_fen", sa.Integer(), nullable=False),
        sa.Column("counterparty", sa.String(100)),
        sa.Column("import_key", sa.String(64)),
        *_record_columns(),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_ledger_line_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_line"),
    )
    op.create_index("ix_ledger_line_import_key", "ledger_line", ["import_key"])
    op.create_index("ix_ledger_village_date", "ledger_line", ["village_id", "entry_date"])

    op.create_table(
        "matter",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("amount_fen", sa.Integer()),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("suggested_by", sa.String(100)),
        sa.Column("description", sa.Text()),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("current_step", sa.String(30)),
        sa.Column("next_due_date", sa.Date()),
        sa.Column("next_deadline", sa.Date()),
        sa.Column("run_no", sa.Integer(), nullable=False),
        sa.Column("previous_run_id", sa.String(36)),
        sa.Column("created_by", sa.String(36)),
        *_record_columns(),
        sa.ForeignKeyConstraint(["previous_run_id"], ["matter.id"], name="fk_matter_previous_run_id_matter"),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_matter_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_matter"),
    )
    op.create_index("ix_matter_deadline", "matter", ["status", "next_deadline"])
    op.create_index("ix_matter_status", "matter", ["status", "current_step"])
    op.create_index("ix_matter_village_created", "matter", ["village_id", "created_at"])
    op.create_index("ix_matter_village_year", "matter", ["village_id", "year"])

    op.create_table(
        "monthly_review",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date()),
        sa.Column("place", sa.String(100)),
        sa.Column("attendee_ids_json", sa.Text(), nullable=False),
        sa.Column("voucher_count", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("item_opinions_json", sa.Text(), nullable=False),
        sa.Column("overall_opinion", sa.Text()),
        sa.Column("open_items", sa.Text()),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("signed_at", sa.DateTime()),
        sa.Column("signed_by", sa.String(36)),
        sa.Column("signature", sa.String(64)),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("locked_at", sa.DateTime()),
        sa.Column("lock_reason", sa.Text()),
        *_record_columns(),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_monthly_review_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_monthly_review"),
        sa.UniqueConstraint("village_id", "year", "month", name="uq_monthly_review_village_id"),
    )
    op.create_table(
        "person",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("gender", sa.String(2)),
        sa.Column("id_number", sa.String(18)),
        sa.Column("phone", sa.String(20)),
        sa.Column("group_name", sa.String(40)),
        sa.Column("household_head", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_person_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_person"),
    )
    op.create_index("ix_person_id_number", "person", ["id_number"])
    op.create_index("ix_person_village_name", "person", ["village_id", "name"])

    op.create_table(
        "kin_link",
        sa.Column("person_a_id", sa.String(36), nullable=False),
        sa.Column("person_b_id", sa.String(36), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["person_a_id"], ["person.id"], name="fk_kin_link_person_a_id_person"),
        sa.ForeignKeyConstraint(["person_b_id"], ["person.id"], name="fk_kin_link_person_b_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_kin_link"),
    )
    op.create_index("ix_kin_link_person_a_id", "kin_link", ["person_a_id"])
    op.create_index("ix_kin_link_person_b_id", "kin_link", ["person_b_id"])

    op.create_table(
        "matter_step",
        sa.Column("matter_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("step_type", sa.String(30), nullable=False),
        sa.Column("body", sa.String(30)),
        sa.Column("meeting_date", sa.Date()),
        sa.Column("place", sa.String(100)),
        sa.Column("notice_date", sa.Date()),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("chair_person_id", sa.String(36)),
        sa.Column("recorder_person_id", sa.String(36)),
        sa.Column("roster_count", sa.Integer()),
        sa.Column("entitled_count", sa.Integer()),
        sa.Column("present_count", sa.Integer()),
        sa.Column("households_count", sa.Integer()),
        sa.Column("household_reps_present", sa.Integer()),
        sa.Column("votes_for", sa.Integer()),
        sa.Column("votes_against", sa.Integer()),
        sa.Column("votes_abstain", sa.Integer()),
        sa.Column("vote_method", sa.String(10)),
        sa.Column("township_attendees", sa.Text()),
        sa.Column("plan_text", sa.Text()),
        sa.Column("minutes", sa.Text()),
        sa.Column("decision_text", sa.Text()),
        sa.Column("posting_from", sa.Date()),
        sa.Column("posting_to", sa.Date()),
        sa.Column("posting_place", sa.String(100)),
        sa.Column("valid", sa.Boolean()),
        sa.Column("passed", sa.Boolean()),
        sa.Column("outcome_text", sa.Text()),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("finalized_at", sa.DateTime()),
        sa.Column("finalized_by", sa.String(36)),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["chair_person_id"], ["person.id"], name="fk_matter_step_chair_person_id_person"
        ),
        sa.ForeignKeyConstraint(["matter_id"], ["matter.id"], name="fk_matter_step_matter_id_matter"),
        sa.ForeignKeyConstraint(
            ["recorder_person_id"], ["person.id"], name="fk_matter_step_recorder_person_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_matter_step"),
    )
    op.create_index("ix_matter_step_matter", "matter_step", ["matter_id", "seq"])
    op.create_index("ix_matter_step_posting_to", "matter_step", ["posting_to"])

    op.create_table(
        "membership",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("body", sa.String(30), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("party_status", sa.String(10)),
        sa.Column("group_name", sa.String(40)),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date()),
        sa.Column("end_reason", sa.String(200)),
        *_record_columns(),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_membership_person_id_person"),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_membership_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_membership"),
    )
    op.create_index("ix_membership_person_id", "membership", ["person_id"])
    op.create_index("ix_membership_village_body", "membership", ["village_id", "body"])

    op.create_table(
        "user_account",
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(40), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("person_id", sa.String(36)),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime()),
        sa.Column("last_login_at", sa.DateTime()),
        sa.Column("password_changed_at", sa.DateTime()),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_user_account_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_user_account"),
        sa.UniqueConstraint("username", name="uq_user_account_username"),
    )
    op.create_table(
        "disclosure",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("category", sa.String(10), nullable=False),
        sa.Column("item_id", sa.String(36)),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("period_start", sa.Date()),
        sa.Column("period_end", sa.Date()),
        sa.Column("due_on", sa.Date()),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text()),
        sa.Column("table_json", sa.Text()),
        sa.Column("total_income_fen", sa.Integer()),
        sa.Column("total_expense_fen", sa.Integer()),
        sa.Column("channels", sa.String(100)),
        sa.Column("posted_from", sa.Date()),
        sa.Column("posted_to", sa.Date()),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reviewed_by_person_id", sa.String(36)),
        sa.Column("reviewed_by_user", sa.String(36)),
        sa.Column("reviewed_at", sa.DateTime()),
        sa.Column("review_opinion", sa.Text()),
        sa.Column("review_signature", sa.String(64)),
        sa.Column("matter_id", sa.String(36)),
        sa.Column("step_id", sa.String(36)),
        sa.Column("supersedes_id", sa.String(36)),
        sa.Column("created_by", sa.String(36)),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["item_id"], ["disclosure_item.id"], name="fk_disclosure_item_id_disclosure_item"
        ),
        sa.ForeignKeyConstraint(["matter_id"], ["matter.id"], name="fk_disclosure_matter_id_matter"),
        sa.ForeignKeyConstraint(
            ["reviewed_by_person_id"], ["person.id"], name="fk_disclosure_reviewed_by_person_id_person"
        ),
        sa.ForeignKeyConstraint(["step_id"], ["matter_step.id"], name="fk_disclosure_step_id_matter_step"),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["disclosure.id"], name="fk_disclosure_supersedes_id_disclosure"
        ),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_disclosure_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_disclosure"),
    )
    op.create_index("ix_disclosure_status", "disclosure", ["status"])
    op.create_index("ix_disclosure_village_period", "disclosure", ["village_id", "category", "period_start"])

    op.create_table(
        "step_amendment",
        sa.Column("step_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.Column("amended_by", sa.String(36)),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["step_id"], ["matter_step.id"], name="fk_step_amendment_step_id_matter_step"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_step_amendment"),
    )
    op.create_index("ix_step_amendment_step_id", "step_amendment", ["step_id"])

    op.create_table(
        "step_attendance",
        sa.Column("step_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("party_status", sa.String(10)),
        *_record_columns(),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_step_attendance_person_id_person"),
        sa.ForeignKeyConstraint(
            ["step_id"], ["matter_step.id"], name="fk_step_attendance_step_id_matter_step"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_step_attendance"),
    )
    op.create_index("ix_step_attendance_step", "step_attendance", ["step_id"])

    op.create_table(
        "user_village",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_user_village_user_id_user_account"
        ),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_user_village_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_user_village"),
        sa.UniqueConstraint("user_id", "village_id", name="uq_user_village_user_id"),
    )
    op.create_index("ix_user_village_user_id", "user_village", ["user_id"])

    op.create_table(
        "voucher",
        sa.Column("village_id", sa.String(36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.String(36)),
        sa.Column("voucher_date", sa.Date(), nullable=False),
        sa.Column("handler_name", sa.String(40), nullable=False),
        sa.Column("handler_person_id", sa.String(36)),
        sa.Column("witness_name", sa.String(40)),
        sa.Column("payee", sa.String(100), nullable=False),
        sa.Column("payee_person_id", sa.String(36)),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("funding_source", sa.String(60)),
        sa.Column("budget_line", sa.String(60)),
        sa.Column("invoice_count", sa.Integer(), nullable=False),
        sa.Column("decision_ref", sa.String(200)),
        sa.Column("decision_step_id", sa.String(36)),
        sa.Column("resolution_ref", sa.String(200)),
        sa.Column("resolution_step_id", sa.String(36)),
        sa.Column("submitted_at", sa.DateTime()),
        sa.Column("note", sa.Text()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("prepared_by", sa.String(36)),
        sa.Column("import_key", sa.String(64)),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["decision_step_id"], ["matter_step.id"], name="fk_voucher_decision_step_id_matter_step"
        ),
        sa.ForeignKeyConstraint(
            ["handler_person_id"], ["person.id"], name="fk_voucher_handler_person_id_person"
        ),
        sa.ForeignKeyConstraint(["payee_person_id"], ["person.id"], name="fk_voucher_payee_person_id_person"),
        sa.ForeignKeyConstraint(
            ["resolution_step_id"], ["matter_step.id"], name="fk_voucher_resolution_step_id_matter_step"
        ),
        sa.ForeignKeyConstraint(["supersedes_id"], ["voucher.id"], name="fk_voucher_supersedes_id_voucher"),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name="fk_voucher_village_id_village"),
        sa.PrimaryKeyConstraint("id", name="pk_voucher"),
        sa.UniqueConstraint("village_id", "year", "number", "version", name="uq_voucher_number_version"),
    )
    op.create_index("ix_voucher_import_key", "voucher", ["import_key"])
    op.create_index("ix_voucher_status", "voucher", ["status"])
    op.create_index("ix_voucher_village_date", "voucher", ["village_id", "voucher_date", "number", "version"])
    op.create_index("ix_voucher_date", "voucher", ["voucher_date", "number", "version", "id"])
    op.create_index("ix_voucher_village_id", "voucher", ["village_id", "status", "id"])
    op.create_index("ix_voucher_village_amount", "voucher", ["village_id", "amount_fen"])

    op.create_table(
        "disclosure_feedback",
        sa.Column("disclosure_id", sa.String(36), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("from_name", sa.String(40)),
        sa.Column("channel", sa.String(20)),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text()),
        sa.Column("replied_on", sa.Date()),
        sa.Column("replied_by", sa.String(36)),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["disclosure_id"], ["disclosure.id"], name="fk_disclosure_feedback_disclosure_id_disclosure"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_disclosure_feedback"),
    )
    op.create_index("ix_disclosure_feedback_disclosure_id", "disclosure_feedback", ["disclosure_id"])

    op.create_table(
        "voucher_event",
        sa.Column("voucher_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("opinion", sa.String(10)),
        sa.Column("text", sa.Text()),
        sa.Column("user_id", sa.String(36)),
        sa.Column("person_id", sa.String(36)),
        sa.Column("actor_name", sa.String(40)),
        sa.Column("actor_role", sa.String(30)),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("signature", sa.String(64)),
        *_record_columns(),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_voucher_event_person_id_person"),
        sa.ForeignKeyConstraint(["voucher_id"], ["voucher.id"], name="fk_voucher_event_voucher_id_voucher"),
        sa.PrimaryKeyConstraint("id", name="pk_voucher_event"),
    )
    op.create_index("ix_voucher_event_voucher", "voucher_event", ["voucher_id", "kind", "opinion", "at"])

    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
        return
    # The audit log is append-only: refuse UPDATE and DELETE from any client that keeps the triggers.
    op.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )


# PostgreSQL (a township or county server): money in 分 as BIGINT (SQLite's INTEGER is 64-bit already; a
# 4-byte integer stops at 21,474,836.47 元), and the same append-only rule for audit_log as triggers over
# one function, TRUNCATE included. The app's login role can neither drop nor disable them: only the owner of
# audit_log can, and ``server init`` keeps that a separate role.
MONEY_COLUMNS = (
    ("ledger_line", "income_fen"),
    ("ledger_line", "expense_fen"),
    ("matter", "amount_fen"),
    ("monthly_review", "total_fen"),
    ("disclosure", "total_income_fen"),
    ("disclosure", "total_expense_fen"),
    ("voucher", "amount_fen"),
)


def _postgresql_upgrade() -> None:
    for table, column in MONEY_COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())
    # SQLite never enforces a VARCHAR length and the app's own codes rely on it (党员大会's party_status
    # "probationary" in a String(10)); user text is length-checked by the app. So on PostgreSQL the same
    # columns are TEXT (a change of type that rewrites nothing), and the two engines accept the same rows.
    bind = op.get_bind()
    for table, column in bind.exec_driver_sql(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND data_type = 'character varying' ORDER BY 1, 2"
    ).all():
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE text')
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    for name, event, each in (
        ("audit_log_no_update", "UPDATE", "ROW"),
        ("audit_log_no_delete", "DELETE", "ROW"),
        ("audit_log_no_truncate", "TRUNCATE", "STATEMENT"),
    ):
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON audit_log "
            f"FOR EACH {each} EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
        for table in reversed(TABLES):
            op.drop_table(table)
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for table in reversed(TABLES):  # a table's indexes go with it
        op.drop_table(table)

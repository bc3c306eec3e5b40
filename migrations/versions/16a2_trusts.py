"""Trusts: a trust (or local authority) groups schools; its accounts have a trust, no school

Adds `trusts`, `schools.trust_id`, `staff.trust_id` (staff.school_id becomes nullable, with a
CHECK that a trust account has a trust and no school, every other account a school and no
trust) and `audit_events.trust_id` (a trust account's own lines have no school). No existing
row changes. Downgrading removes trust accounts and their audit lines, which the older
schema cannot hold; every school's rows stay.

Revision ID: 16a2
Revises: 16a1
Create Date: 2026-12-01 23:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "16a2"
down_revision = "16a1"
branch_labels = None
depends_on = None

# As assistant.record.models.STAFF_BELONGS (a migration keeps its own copy: the model may change).
STAFF_BELONGS = (
    "(role = 'trust' AND trust_id IS NOT NULL AND school_id IS NULL) OR "
    "(role <> 'trust' AND school_id IS NOT NULL AND trust_id IS NULL)"
)


def upgrade() -> None:
    op.create_table(
        "trusts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("schools") as batch_op:
        batch_op.add_column(sa.Column("trust_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_schools_trust_id", ["trust_id"], unique=False)
        batch_op.create_foreign_key("fk_schools_trust_id", "trusts", ["trust_id"], ["id"], ondelete="SET NULL")
    for table in ("staff", "audit_events"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("trust_id", sa.Integer(), nullable=True))
            batch_op.alter_column("school_id", existing_type=sa.Integer(), nullable=True)
            batch_op.create_index(f"ix_{table}_trust_id", ["trust_id"], unique=False)
            batch_op.create_foreign_key(f"fk_{table}_trust_id", "trusts", ["trust_id"], ["id"], ondelete="CASCADE")
            if table == "staff":
                batch_op.create_check_constraint("ck_staff_school_or_trust", sa.text(STAFF_BELONGS))


def downgrade() -> None:
    # Rows without a school cannot stay once school_id is NOT NULL again.
    op.execute("DELETE FROM audit_events WHERE school_id IS NULL")
    op.execute("DELETE FROM staff_sessions WHERE staff_id IN (SELECT id FROM staff WHERE school_id IS NULL)")
    op.execute("DELETE FROM staff_groups WHERE staff_id IN (SELECT id FROM staff WHERE school_id IS NULL)")
    op.execute(
        "UPDATE conversation_sessions SET started_by_id = NULL "
        "WHERE started_by_id IN (SELECT id FROM staff WHERE school_id IS NULL)"
    )
    op.execute("DELETE FROM staff WHERE school_id IS NULL")
    for table in ("audit_events", "staff"):
        with op.batch_alter_table(table) as batch_op:
            if table == "staff":
                batch_op.drop_constraint("ck_staff_school_or_trust", type_="check")
            batch_op.drop_constraint(f"fk_{table}_trust_id", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_trust_id")
            batch_op.drop_column("trust_id")
            batch_op.alter_column("school_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("schools") as batch_op:
        batch_op.drop_constraint("fk_schools_trust_id", type_="foreignkey")
        batch_op.drop_index("ix_schools_trust_id")
        batch_op.drop_column("trust_id")
    op.drop_table("trusts")

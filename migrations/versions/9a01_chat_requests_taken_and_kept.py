"""chat requests: when the assistant took the answer, and the draft kept while it could not

Revision ID: 9a01
Revises: 12a2
Create Date: 2026-12-01 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "9a01"
down_revision = "12a2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("kept_entry_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            "fk_chat_requests_kept_entry_id_entries", "entries", ["kept_entry_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("chat_requests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_chat_requests_kept_entry_id_entries", type_="foreignkey")
        batch_op.drop_column("kept_entry_id")
        batch_op.drop_column("taken_at")

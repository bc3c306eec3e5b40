"""Concerns: words that may disclose harm, for the designated safeguarding lead.

Revision ID: 12a1
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "12a1"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pupil_id", sa.Integer, sa.ForeignKey("pupils.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "session_id", sa.String(32), sa.ForeignKey("conversation_sessions.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("words", sa.Text, nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("question", sa.Text, nullable=False, server_default=""),
        sa.Column("input_mode", sa.String(20), nullable=False),
        sa.Column("provenance", sa.String(20), nullable=False),
        sa.Column("adult_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=True),
        sa.Column("seen_by", sa.Integer, sa.ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_concerns_pupil_id", "concerns", ["pupil_id"])


def downgrade():
    op.drop_index("ix_concerns_pupil_id", "concerns")
    op.drop_table("concerns")

"""Settings per school: retention period, default voice, what the review summary includes

One optional row per school; a NULL column (or no row) means the server's default.

Revision ID: 16a3
Revises: 16a1
Create Date: 2026-12-01 23:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "16a3"
down_revision = "16a2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_settings",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("default_voice", sa.String(length=50), nullable=True),
        sa.Column("summary_adult_notes", sa.Boolean(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_school_settings_school_id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("school_id"),
    )


def downgrade() -> None:
    op.drop_table("school_settings")

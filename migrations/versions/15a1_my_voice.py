"""My voice: consent, speech threshold and scale per pupil, and voice templates (features only)

Revision ID: 15a1
Revises: 10a1
Create Date: 2026-12-01 06:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "15a1"
down_revision = "10a1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_profiles",
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("consent_given_by", sa.String(length=200), nullable=False),
        sa.Column("consent_recorded_by", sa.Integer(), nullable=True),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("floor_db", sa.Float(), nullable=True),
        sa.Column("scale", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupils.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["consent_recorded_by"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("pupil_id"),
    )
    op.create_table(
        "voice_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.String(length=40), nullable=False),
        sa.Column("features", sa.LargeBinary(), nullable=False),
        sa.Column("level_db", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupils.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_voice_templates_pupil_id", "voice_templates", ["pupil_id"])


def downgrade() -> None:
    op.drop_index("ix_voice_templates_pupil_id", table_name="voice_templates")
    op.drop_table("voice_templates")
    op.drop_table("voice_profiles")

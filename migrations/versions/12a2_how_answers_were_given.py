"""How each answer was given (time to answer, card position), corrections on the final
mat, and the wait before the adult is offered help.

Revision ID: 12a2
Revises: 12a1
"""

import sqlalchemy as sa
from alembic import op

revision = "12a2"
down_revision = "12a1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("corrects_entry_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("response_ms", sa.Integer, nullable=True))
        batch.add_column(sa.Column("card_position", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_entries_corrects_entry_id", "entries", ["corrects_entry_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("communication_profiles") as batch:
        batch.add_column(sa.Column("help_after_seconds", sa.Integer, nullable=False, server_default="30"))


def downgrade():
    with op.batch_alter_table("communication_profiles") as batch:
        batch.drop_column("help_after_seconds")
    with op.batch_alter_table("entries") as batch:
        batch.drop_constraint("fk_entries_corrects_entry_id", type_="foreignkey")
        batch.drop_column("card_position")
        batch.drop_column("response_ms")
        batch.drop_column("corrects_entry_id")

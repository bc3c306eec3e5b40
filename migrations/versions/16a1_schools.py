"""Schools as tenants: a school owns staff, pupils, groups, encounters and audit lines

The first school is created here (named by SCHOOL_NAME, else "Our school") and every
existing row is brought under it, so a single-school database upgrades in place.

Revision ID: 16a1
Revises: 15a1
Create Date: 2026-12-01 08:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "16a1"
down_revision = "15a1"
branch_labels = None
depends_on = None

OWNED = ("staff", "pupils", "groups", "encounters", "audit_events")
# The single-column unique constraints that become per school: (column, old name, new name).
# groups.name's was unnamed (SQLite names it by CONVENTION when reflected; PostgreSQL named
# it groups_name_key); 0004 named pupils.reference's.
PER_SCHOOL = {
    "groups": ("name", "groups_name_key", "uq_groups_school_name"),
    "pupils": ("reference", "uq_pupils_reference", "uq_pupils_school_reference"),
}
CONVENTION = {"uq": "%(table_name)s_%(column_0_name)s_key"}


def _first_school_name() -> str:
    from assistant.settings import load_settings

    name = str(load_settings().get("SCHOOL_NAME") or "").strip()
    return name[:200] or "Our school"


def upgrade() -> None:
    schools = op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    from assistant.record.models import utcnow

    op.bulk_insert(schools, [{"id": 1, "name": _first_school_name(), "created_at": utcnow()}])
    if op.get_bind().dialect.name == "postgresql":
        # The explicit id leaves the sequence behind: the next school must not take 1 again.
        op.execute("SELECT setval(pg_get_serial_sequence('schools', 'id'), 1)")
    for table in OWNED:
        # Added nullable, filled, then made NOT NULL: no existing row is left without a school.
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET school_id = 1")
        with op.batch_alter_table(table, naming_convention=CONVENTION) as batch_op:
            batch_op.alter_column("school_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(f"ix_{table}_school_id", ["school_id"], unique=False)
            batch_op.create_foreign_key(f"fk_{table}_school_id", "schools", ["school_id"], ["id"], ondelete="CASCADE")
            if table in PER_SCHOOL:
                column, old, new = PER_SCHOOL[table]
                batch_op.drop_constraint(old, type_="unique")
                batch_op.create_unique_constraint(new, ["school_id", column])


def downgrade() -> None:
    for table in reversed(OWNED):
        with op.batch_alter_table(table, naming_convention=CONVENTION) as batch_op:
            if table in PER_SCHOOL:
                column, old, new = PER_SCHOOL[table]
                batch_op.drop_constraint(new, type_="unique")
                batch_op.create_unique_constraint(old, [column])
            batch_op.drop_constraint(f"fk_{table}_school_id", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_school_id")
            batch_op.drop_column("school_id")
    op.drop_table("schools")

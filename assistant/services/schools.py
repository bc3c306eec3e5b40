"""Schools: the tenants of one deployment. Every row a school owns carries its school_id
(staff, pupils, groups, encounters, audit lines); the rest reach it through their pupil.
Services take the school from the member of staff acting, so one school's staff find no
other school's rows: a lookup by id of another school's row is "not found", like a row that
does not exist."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound
from assistant.record.models import School
from assistant.record.unit_of_work import transaction
from assistant.services.text import clean_name
from symbols.sets import INSTANCE_SUBDIR, move_server_wide_sets


def create_school(db: Session, name: str) -> School:
    """A new school (a tenant) with no staff or pupils yet."""
    name = clean_name(name)
    if not name or len(name) > 200:
        raise InvalidInput("A school needs a name (at most 200 characters).")
    with transaction(db):
        if db.execute(select(School).where(func.lower(School.name) == name.lower())).scalar_one_or_none():
            raise InvalidInput("There is already a school with that name.")
        school = School(name=name)
        db.add(school)
    return school


def list_schools(db: Session) -> list[School]:
    return list(db.execute(select(School).order_by(School.id)).scalars())


def school_named(db: Session, name: str | None) -> School:
    """The school of this name, or the only school when no name is given (commands run on
    a single-school server need none). NotFound or InvalidInput otherwise."""
    if name:
        school = db.execute(
            select(School).where(func.lower(School.name) == clean_name(name).lower())
        ).scalar_one_or_none()
        if school is None:
            raise NotFound(f"No school named {name!r}.")
        return school
    schools = list_schools(db)
    if len(schools) != 1:
        raise InvalidInput(
            "This server has several schools: say which one (--school NAME)."
            if schools
            else "This server has no school yet: create one first."
        )
    return schools[0]


def school_id_or_only(db: Session, school_id: int | None) -> int:
    """`school_id`, or the only school's id when none is given."""
    return school_id if school_id is not None else school_named(db, None).id


def upgrade_symbol_sets(db: Session, instance: Path) -> list[str]:
    """Upgrade: a single-school install's symbol sets (once straight under
    <instance>/symbol_sets) move under its first school. Run with every migration."""
    schools = list_schools(db)
    return move_server_wide_sets(instance / INSTANCE_SUBDIR, schools[0].id) if schools else []

"""Pupils, their communication profiles, and who may see them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound
from assistant.models import CommunicationProfile, Group, Pupil, Staff
from assistant.unit_of_work import transaction

WHOLE_SCHOOL_ROLES = ("admin", "careers_lead")


def create_pupil(db: Session, given_name: str, family_name: str = "", year_group: str | None = None,
                 group_name: str | None = None, cards_per_board: int = 6) -> Pupil:
    """Add a pupil with a default communication profile."""
    given_name = (given_name or "").strip()
    if not given_name or len(given_name) > 100 or len(family_name or "") > 100:
        raise InvalidInput("A pupil needs a given name of at most 100 characters.")
    if cards_per_board not in (2, 4, 6, 9):
        raise InvalidInput("Cards per board must be 2, 4, 6 or 9.")
    with transaction(db):
        group = None
        if group_name:
            group = db.execute(select(Group).where(Group.name == group_name)).scalar_one_or_none() \
                or Group(name=group_name)
        pupil = Pupil(given_name=given_name, family_name=(family_name or "").strip(),
                      year_group=year_group, group=group)
        pupil.profile = CommunicationProfile(cards_per_board=cards_per_board)
        db.add(pupil)
    return pupil


def can_see(staff: Staff, pupil: Pupil) -> bool:
    """Careers leads and administrators see everyone; advocates the pupils of their groups."""
    if staff.role in WHOLE_SCHOOL_ROLES:
        return True
    return pupil.group_id is not None and pupil.group_id in {g.id for g in staff.groups}


def visible_pupils(db: Session, staff: Staff) -> list[Pupil]:
    """The pupils this member of staff may work with, by name."""
    query = select(Pupil).order_by(Pupil.given_name, Pupil.family_name, Pupil.id)
    if staff.role not in WHOLE_SCHOOL_ROLES:
        query = query.where(Pupil.group_id.in_([g.id for g in staff.groups] or [-1]))
    return list(db.execute(query).scalars())


def pupil_for(db: Session, staff: Staff, pupil_id: int) -> Pupil:
    """One pupil this member of staff may see; NotFound otherwise (never says which)."""
    pupil = db.get(Pupil, pupil_id) if isinstance(pupil_id, int) else None
    if pupil is None or not can_see(staff, pupil):
        raise NotFound("No such pupil.")
    return pupil


def profile_of(pupil: Pupil) -> CommunicationProfile:
    """The pupil's communication profile (defaults if none was saved)."""
    if pupil.profile is not None:
        return pupil.profile
    defaults = {c.name: c.default.arg for c in CommunicationProfile.__table__.columns
                if c.default is not None and not callable(c.default.arg)}
    return CommunicationProfile(pupil_id=pupil.id, input_modes=["touch", "typed"], **defaults)

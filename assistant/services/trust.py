"""Trusts (or local authorities): a set of schools on one deployment, and their accounts.

A trust account belongs to a trust, not a school. It sees figures across its own schools
only (assistant/reports/trust.py) and never a pupil: opening a pupil's record needs a role
in that pupil's school (assistant/services/pupils.py).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound
from assistant.record.models import School, Staff, Trust
from assistant.record.unit_of_work import transaction
from assistant.services.accounts import new_account
from assistant.services.text import clean_name
from assistant.vocabulary import TRUST_ROLE


def create_trust(db: Session, name: str) -> Trust:
    """A new trust (or local authority) with no schools yet."""
    name = clean_name(name)
    if not name or len(name) > 200:
        raise InvalidInput("A trust needs a name (at most 200 characters).")
    with transaction(db):
        if db.execute(select(Trust).where(func.lower(Trust.name) == name.lower())).scalar_one_or_none():
            raise InvalidInput("There is already a trust with that name.")
        trust = Trust(name=name)
        db.add(trust)
    return trust


def trust_named(db: Session, name: str) -> Trust:
    """The trust of this name (any case); NotFound otherwise."""
    trust = db.execute(
        select(Trust).where(func.lower(Trust.name) == clean_name(name or "").lower())
    ).scalar_one_or_none()
    if trust is None:
        raise NotFound(f"No trust named {name!r}.")
    return trust


def add_school_to_trust(db: Session, school: School, trust: Trust) -> School:
    """Put a school in a trust (a school is in one trust at most: moving it is refused, so
    a trust never takes another's school by a slip)."""
    if school.trust_id is not None and school.trust_id != trust.id:
        raise InvalidInput(f"{school.name!r} is already in another trust.")
    with transaction(db):
        school.trust_id = trust.id
    return school


def create_trust_account(
    db: Session, email: str, display_name: str, trust: Trust, password: str, must_change_password: bool = False
) -> Staff:
    """An account of the trust (no school), under the same rules as a school's accounts."""
    return new_account(
        db, email, display_name, password, role=TRUST_ROLE, trust_id=trust.id, must_change_password=must_change_password
    )

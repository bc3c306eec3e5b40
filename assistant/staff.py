"""Staff accounts: creation, login with argon2 hashes and a lockout after failures."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, LoginFailed
from assistant.models import ROLES, Group, Staff, utcnow
from assistant.unit_of_work import transaction

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_hasher = PasswordHasher()


def create_staff(db: Session, email: str, display_name: str, role: str, password: str,
                 group_names: list[str] | None = None) -> Staff:
    """Add a member of staff; the password is stored only as an argon2 hash."""
    email = (email or "").strip().lower()
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if "@" not in email or len(email) > 200:
        raise InvalidInput("Please give a valid email address.")
    if len(password or "") < 10:
        raise InvalidInput("A password needs at least 10 characters.")
    with transaction(db):
        if db.execute(select(Staff).where(Staff.email == email)).scalar_one_or_none():
            raise InvalidInput("There is already an account with that email.")
        staff = Staff(email=email, display_name=display_name.strip() or email, role=role,
                      password_hash=_hasher.hash(password))
        for name in group_names or []:
            group = db.execute(select(Group).where(Group.name == name)).scalar_one_or_none()
            staff.groups.append(group or Group(name=name))
        db.add(staff)
    return staff


def authenticate(db: Session, email: str, password: str) -> Staff:
    """The staff member with these credentials; LoginFailed otherwise (same message either way)."""
    email = (email or "").strip().lower()
    with transaction(db):
        staff = db.execute(select(Staff).where(func.lower(Staff.email) == email)).scalar_one_or_none()
        if staff is None:
            _hasher.hash(password or "x")  # same cost as a real check, so timing tells nothing
            raise LoginFailed("Wrong email or password.")
        now = utcnow()
        if staff.locked_until and staff.locked_until > now:
            raise LoginFailed("Too many failed logins. Try again in 15 minutes.")
        try:
            _hasher.verify(staff.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            staff.failed_logins += 1
            if staff.failed_logins >= MAX_FAILED_LOGINS:
                staff.locked_until = now + LOCKOUT
                staff.failed_logins = 0
            db.commit()
            raise LoginFailed("Wrong email or password.")
        staff.failed_logins = 0
        staff.locked_until = None
    return staff


def get_staff(db: Session, staff_id: int) -> Staff | None:
    """The staff member with this id, or None."""
    return db.get(Staff, staff_id)

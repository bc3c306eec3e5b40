"""Staff accounts: creation, login with argon2 hashes, the password policy, disabling and
resetting accounts, and staff sessions held on the server (revocable, with an idle timeout
and an absolute lifetime).

Guessing is slowed per client at the web edge (assistant/web/security.py), not by locking
the account: a lock per account would let anyone lock the administrator out, and a
different message for a locked account would tell that the account exists."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, LoginFailed, NotFound
from assistant.record.models import Group, Staff, StaffSession, utcnow
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.services.pupils import group_named, groups_of
from assistant.services.schools import school_id_or_only
from assistant.services.text import clean_name
from assistant.vocabulary import ROLES

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 200
# zxcvbn's score (0 to 4): 3 is "safely unguessable" against online and slowed offline guessing.
MIN_PASSWORD_SCORE = 3
LOGIN_FAILED = "Wrong email or password."
_hasher = PasswordHasher()


def check_password(password: str, *personal: str) -> None:
    """InvalidInput unless the password is long enough and not weak or common.

    zxcvbn knows the common passwords, names and words, keyboard runs, repeats and dates;
    `personal` (the email, the name) counts as known to a guesser."""
    from zxcvbn import zxcvbn  # its word lists load on first use: only where passwords are chosen

    password = password or ""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInput(f"A password has at most {MAX_PASSWORD_CHARS} characters.")
    words = [
        w.lower()
        for p in personal
        if p
        for w in p.replace("@", " ").replace(".", " ").replace("_", " ").split()
        if len(w) >= 3
    ]
    result = zxcvbn(password, user_inputs=words)
    # The person's own name or email with a year or a number added is not a password:
    # what is left without them must be strong too.
    rest = password.lower()
    for word in words:
        rest = rest.replace(word, "")
    if rest != password.lower() and zxcvbn(rest or "x")["score"] < MIN_PASSWORD_SCORE:
        result["score"] = 0
    if result["score"] < MIN_PASSWORD_SCORE:
        advice = (result.get("feedback") or {}).get("warning") or "It would be easy to guess."
        raise InvalidInput(f"Please choose a stronger password. {advice} A few unrelated words make a good one.")


def generated_password() -> str:
    """A one-time password to hand over once (the account must change it at first login)."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def create_staff(
    db: Session,
    email: str,
    display_name: str,
    role: str,
    password: str,
    group_names: list[str] | None = None,
    must_change_password: bool = False,
    school_id: int | None = None,
) -> Staff:
    """Add a member of staff to `school_id` (or the only school)."""
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    return new_account(
        db,
        email,
        display_name,
        password,
        role=role,
        school_id=school_id_or_only(db, school_id),
        group_names=group_names or [],
        must_change_password=must_change_password,
    )


def new_account(
    db: Session,
    email: str,
    display_name: str,
    password: str,
    *,
    role: str,
    school_id: int | None = None,
    trust_id: int | None = None,
    group_names: list[str] = (),
    must_change_password: bool = False,
) -> Staff:
    """Add an account of a school or of a trust. An email names one account on the whole
    server; the password passes the policy and is stored only as an argon2 hash."""
    email = (email or "").strip().lower()
    display_name = clean_name(display_name)
    if "@" not in email or len(email) > 200:
        raise InvalidInput("Please give a valid email address.")
    check_password(password, email, display_name)
    with transaction(db):
        if db.execute(select(Staff).where(Staff.email == email)).scalar_one_or_none():
            raise InvalidInput("There is already an account with that email.")
        staff = Staff(
            school_id=school_id,
            trust_id=trust_id,
            email=email,
            display_name=display_name.strip() or email,
            role=role,
            password_hash=_hasher.hash(password),
            must_change_password=must_change_password,
        )
        for name in group_names:
            staff.groups.append(group_named(db, school_id, name))
        db.add(staff)
    return staff


def authenticate(db: Session, email: str, password: str) -> Staff:
    """The staff member with these credentials; LoginFailed otherwise, with one message
    whether the email is unknown, the password wrong or the account disabled."""
    email = (email or "").strip().lower()
    with transaction(db):
        staff = db.execute(select(Staff).where(func.lower(Staff.email) == email)).scalar_one_or_none()
        if staff is None:
            _hasher.hash(password or "x")  # same cost as a real check, so timing tells nothing
            raise LoginFailed(LOGIN_FAILED)
        try:
            _hasher.verify(staff.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            staff.failed_logins += 1
            db.commit()
            raise LoginFailed(LOGIN_FAILED) from None
        if staff.disabled_at is not None:
            raise LoginFailed(LOGIN_FAILED)
        staff.failed_logins = 0
        staff.locked_until = None
    return staff


def get_staff(db: Session, staff_id: int) -> Staff | None:
    """The staff member with this id, or None."""
    return db.get(Staff, staff_id)


def accounts_of(db: Session, admin: Staff) -> list[Staff]:
    """The accounts of the administrator's school, by name."""
    return list(
        db.execute(
            select(Staff).where(Staff.school_id == admin.school_id).order_by(Staff.display_name, Staff.id)
        ).scalars()
    )


def accounts_overview(db: Session, admin: Staff) -> tuple[list[Staff], list[Group]]:
    """The accounts page: the school's accounts, and its groups to put a new one in."""
    return accounts_of(db, admin), groups_of(db, admin.school_id)


def groups_overview(db: Session, staff: Staff) -> tuple[list[Group], dict[int, list[str]], list[Staff]]:
    """The groups page: the school's groups, the names of each group's staff by group id,
    and the advocates who may be put in one."""
    people = accounts_of(db, staff)
    members: dict[int, list[str]] = {}
    for person in people:
        for group in person.groups:
            members.setdefault(group.id, []).append(person.display_name)
    return groups_of(db, staff.school_id), members, [p for p in people if p.role == "advocate"]


def managed_account(db: Session, admin: Staff, staff_id: object) -> Staff:
    """One account of the administrator's school; NotFound otherwise."""
    person = db.get(Staff, staff_id) if isinstance(staff_id, int) else None
    if person is None or person.school_id != admin.school_id:
        raise NotFound("No such account.")
    return person


# ---------------------------------------------------------------- passwords and accounts


def change_password(db: Session, staff: Staff, current: str, new: str) -> None:
    """The member of staff chooses a new password; every session of theirs ends."""
    try:
        _hasher.verify(staff.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise InvalidInput("Your current password is not right.") from None
    if new == current:
        raise InvalidInput("Please choose a password you have not used here.")
    check_password(new, staff.email, staff.display_name)
    with transaction(db):
        staff.password_hash = _hasher.hash(new)
        staff.must_change_password = False
        _revoke_all(db, staff.id)
        audit.record(db, staff, "change_password", None, staff.email)


def _managed(db: Session, admin: Staff, staff_id: int) -> Staff:
    person = managed_account(db, admin, staff_id)
    if person.id == admin.id:
        raise InvalidInput("You cannot disable or reset your own account here.")
    return person


def set_disabled(db: Session, admin: Staff, staff_id: int, disabled: bool) -> Staff:
    """An administrator disables (ending every session) or enables an account."""
    person = _managed(db, admin, staff_id)
    with transaction(db):
        person.disabled_at = utcnow() if disabled else None
        if disabled:
            _revoke_all(db, person.id)
        audit.record(db, admin, "disable_account" if disabled else "enable_account", None, person.email)
    return person


def reset_password(db: Session, admin: Staff, staff_id: int) -> str:
    """An administrator forces a reset: a one-time password, shown once, which must be
    changed at the next login; every session of the account ends."""
    person = _managed(db, admin, staff_id)
    password = generated_password()
    with transaction(db):
        person.password_hash = _hasher.hash(password)
        person.must_change_password = True
        _revoke_all(db, person.id)
        audit.record(db, admin, "reset_password", None, person.email)
    return password


# ---------------------------------------------------------------- the server's own command line


def server_authority(school_id: int | None, trust_id: int | None = None) -> Staff:
    """The authority of the person who runs the server, for its command line: a stand-in
    administrator of the school (or, for a trust's account, of the trust) concerned. Never
    stored, so it can do nothing an administrator of that school could not."""
    return Staff(
        id=None,
        school_id=school_id,
        trust_id=trust_id,
        role="admin",
        display_name="command line",
        email="",
        password_hash="",
    )


def account_by_email(db: Session, email: str) -> Staff:
    """The account with this email (any school or trust); NotFound if there is none."""
    person = db.execute(select(Staff).where(Staff.email == (email or "").strip().lower())).scalar_one_or_none()
    if person is None:
        raise NotFound(f"No account with the email {email}.")
    return person


def reset_password_as_server(db: Session, email: str) -> tuple[Staff, str]:
    """The command line's forced reset: the account and its one-time password."""
    person = account_by_email(db, email)
    return person, reset_password(db, server_authority(person.school_id, person.trust_id), person.id)


def set_password_as_server(db: Session, email: str, password: str) -> Staff:
    """The command line chooses an account's password: the same policy as at login, checked
    before anything changes, and the account need not change it."""
    person = account_by_email(db, email)
    check_password(password, person.email, person.display_name)
    one_time = reset_password(db, server_authority(person.school_id, person.trust_id), person.id)
    change_password(db, person, one_time, password)
    return person


# ---------------------------------------------------------------- sessions on the server


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_staff_session(db: Session, staff: Staff) -> str:
    """A new login: the token for the cookie (the server keeps only its hash)."""
    token = secrets.token_urlsafe(32)
    with transaction(db):
        now = utcnow()
        db.add(StaffSession(id=_token_hash(token), staff_id=staff.id, created_at=now, last_seen_at=now))
    return token


def staff_for_session(db: Session, token: object, idle_minutes: int, lifetime_hours: int) -> Staff | None:
    """The member of staff a session token opens, or None: unknown, ended, idle for longer
    than `idle_minutes`, older than `lifetime_hours`, or the account is disabled."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    row = db.get(StaffSession, _token_hash(token))
    now = utcnow()
    if (
        row is None
        or row.revoked_at is not None
        or row.last_seen_at + timedelta(minutes=idle_minutes) < now
        or row.created_at + timedelta(hours=lifetime_hours) < now
    ):
        return None
    staff = db.get(Staff, row.staff_id)
    if staff is None or staff.disabled_at is not None:
        return None
    if now - row.last_seen_at > timedelta(seconds=30):  # one write a half-minute is enough
        with transaction(db):
            row.last_seen_at = now
    return staff


def end_staff_session(db: Session, token: object) -> None:
    """Logout: the session's token opens nothing from now on."""
    if not isinstance(token, str) or len(token) > 100:
        return
    with transaction(db):
        row = db.get(StaffSession, _token_hash(token))
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()


def _revoke_all(db: Session, staff_id: int) -> None:
    db.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )

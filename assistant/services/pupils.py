"""Pupils, their communication profiles, and who may see them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound
from assistant.record.models import CommunicationProfile, Group, Pupil, Staff, is_id
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.services.school_settings import effective
from assistant.services.schools import school_id_or_only
from assistant.services.text import clean_name
from assistant.uploads import parse, read_pupils_csv
from assistant.vocabulary import INPUT_MODES, WHOLE_SCHOOL_ROLES, InputMode
from symbols.sets import SymbolSets, UnknownSymbolSet


def create_pupil(
    db: Session,
    given_name: str,
    family_name: str = "",
    year_group: str | None = None,
    group_name: str | None = None,
    cards_per_board: int = 6,
    school_id: int | None = None,
) -> Pupil:
    """Add a pupil with a default communication profile, to `school_id` (or the only school)."""
    given_name, family_name = clean_name(given_name), clean_name(family_name)
    year_group = clean_name(year_group) or None
    group_name = clean_name(group_name) or None
    if not given_name or len(given_name) > 100 or len(family_name or "") > 100:
        raise InvalidInput("A pupil needs a given name of at most 100 characters.")
    if cards_per_board not in (2, 4, 6, 9):
        raise InvalidInput("Cards per board must be 2, 4, 6 or 9.")
    school_id = school_id_or_only(db, school_id)
    voice = effective(db, school_id).default_voice  # a new pupil starts with the school's voice
    with transaction(db):
        group = group_named(db, school_id, group_name) if group_name else None
        pupil = Pupil(
            school_id=school_id,
            given_name=given_name,
            family_name=(family_name or "").strip(),
            year_group=year_group,
            group=group,
        )
        pupil.profile = CommunicationProfile(cards_per_board=cards_per_board, voice=voice)
        db.add(pupil)
    return pupil


def group_named(db: Session, school_id: int, name: str) -> Group:
    """The school's group of this name, made (unsaved until the transaction ends) if new."""
    return db.execute(
        select(Group).where(Group.school_id == school_id, Group.name == name)
    ).scalar_one_or_none() or Group(school_id=school_id, name=name)


def groups_of(db: Session, school_id: int) -> list[Group]:
    """A school's groups, by name."""
    return list(db.execute(select(Group).where(Group.school_id == school_id).order_by(Group.name)).scalars())


def can_see(staff: Staff, pupil: Pupil) -> bool:
    """Only pupils of the staff member's own school; careers leads and administrators see
    all of them, advocates the pupils of their groups."""
    if pupil.school_id != staff.school_id:
        return False
    if staff.role in WHOLE_SCHOOL_ROLES:
        return True
    return pupil.group_id is not None and pupil.group_id in {g.id for g in staff.groups}


def visible_pupils(db: Session, staff: Staff) -> list[Pupil]:
    """The pupils this member of staff may work with, by name."""
    query = (
        select(Pupil).where(Pupil.school_id == staff.school_id).order_by(Pupil.given_name, Pupil.family_name, Pupil.id)
    )
    if staff.role not in WHOLE_SCHOOL_ROLES:
        query = query.where(Pupil.group_id.in_([g.id for g in staff.groups] or [-1]))
    return list(db.execute(query).scalars())


def pupils_of_school(db: Session, school_id: int) -> list[Pupil]:
    """Every pupil of a school, by id (for the server's own command line)."""
    return list(db.execute(select(Pupil).where(Pupil.school_id == school_id).order_by(Pupil.id)).scalars())


def pupil_for(db: Session, staff: Staff, pupil_id: int) -> Pupil:
    """One pupil this member of staff may see; NotFound otherwise (never says which)."""
    pupil = db.get(Pupil, pupil_id) if is_id(pupil_id) else None
    if pupil is None or not can_see(staff, pupil):
        raise NotFound("No such pupil.")
    return pupil


def open_record(db: Session, staff: Staff, pupil_id: int) -> Pupil:
    """Open one pupil's record (their profile page): only with a role in the pupil's
    school that may see them (NotFound otherwise), and every opening is audited."""
    pupil = pupil_for(db, staff, pupil_id)
    audit.log(db, staff, "view", pupil.id, "pupil page")
    return pupil


def profile_of(pupil: Pupil) -> CommunicationProfile:
    """The pupil's communication profile (defaults if none was saved)."""
    if pupil.profile is not None:
        return pupil.profile
    defaults = {
        c.name: c.default.arg
        for c in CommunicationProfile.__table__.columns
        if c.default is not None and not callable(c.default.arg)
    }
    return CommunicationProfile(
        pupil_id=pupil.id, input_modes=[InputMode.TOUCH.value, InputMode.TYPED.value], **defaults
    )


PROFILE_CHOICES = {
    "cards_per_board": (2, 4, 6, 9),
    "text_size": ("large", "x-large", "xx-large"),
    "selection": ("two_tap", "single_tap"),
    "scanning": ("off", "auto", "step"),
}


def update_profile(
    db: Session, staff: Staff, pupil_id: int, values: dict, sets_root: Path | None = None
) -> CommunicationProfile:
    """Change a pupil's communication profile and sharing flags (validated, audited).
    A symbol set must be one of the pupil's school's, in `sets_root` (the folder of every
    school's sets, <instance>/symbol_sets, from the caller; the default set alone if not given)."""
    pupil = pupil_for(db, staff, pupil_id)
    profile = pupil.profile or CommunicationProfile()
    changes: dict = {}
    for key, allowed in PROFILE_CHOICES.items():
        if key in values:
            value = int(values[key]) if key == "cards_per_board" and str(values[key]).isdigit() else values[key]
            if value not in allowed:
                raise InvalidInput(
                    f"{key.replace('_', ' ').capitalize()} must be one of {', '.join(map(str, allowed))}."
                )
            changes[key] = value
    for key in ("auto_speak", "high_contrast", "reduced_motion", "show_mic"):
        if key in values:
            changes[key] = bool(values[key])
    for key, low, high in (
        ("speech_rate", 80, 220),
        ("scan_interval_ms", 500, 10000),
        ("listen_seconds", 2, 30),
        ("help_after_seconds", 5, 300),
    ):
        if key in values:
            try:
                number = int(values[key])
            except (TypeError, ValueError):
                raise InvalidInput(f"{key.replace('_', ' ').capitalize()} must be a number.") from None
            if not low <= number <= high:
                raise InvalidInput(f"{key.replace('_', ' ').capitalize()} must be from {low} to {high}.")
            changes[key] = number
    if "voice" in values:
        voice = str(values["voice"]).strip()
        if not voice or len(voice) > 50 or not all(c.isalnum() or c in "-+/_" for c in voice):
            raise InvalidInput("Choose a voice such as en-gb.")
        changes["voice"] = voice
    if "symbol_set" in values:
        try:
            SymbolSets.for_school(sets_root, pupil.school_id).get(str(values["symbol_set"]))
        except UnknownSymbolSet:
            raise InvalidInput("No such symbol set.") from None
        changes["symbol_set"] = str(values["symbol_set"])
    if "input_modes" in values:
        modes = [m for m in values["input_modes"] if m in INPUT_MODES]
        if not modes:
            raise InvalidInput("Choose at least one way to answer.")
        changes["input_modes"] = modes
    with transaction(db):
        for key, value in changes.items():
            setattr(profile, key, value)
        pupil.profile = profile
        if "words_shareable" in values:
            pupil.words_shareable = bool(values["words_shareable"])
        if "sharing_note" in values:
            note = str(values["sharing_note"] or "").strip()
            if len(note) > 1000:
                raise InvalidInput("The sharing note is too long.")
            pupil.sharing_note = note
        audit.record(db, staff, "change", pupil.id, "communication profile and sharing")
    return profile


NAME_COLUMNS = ("given_name", "family_name", "year_group", "group")


def import_pupils_file(db: Session, data: bytes, staff: Staff | None = None, school_id: int | None = None) -> dict:
    """Add or update the pupils of a CSV file, read in the parsing sandbox (a malformed file
    cannot take the server down): {"created": n, "updated": n}."""
    return import_pupils(db, parse(read_pupils_csv, data), staff, school_id)


def import_pupils(db: Session, rows: list[dict], staff: Staff | None = None, school_id: int | None = None) -> dict:
    """Add or update pupils from rows read by `uploads.read_pupils_csv` (reference,
    given_name, family_name, year_group, group), in the school of `staff` (or `school_id`,
    or the only school). Matched by reference within that school when given.
    All or nothing: one bad row leaves the database as it was, and says which row."""
    if not rows:
        raise InvalidInput("The CSV file has no pupils in it.")
    school_id = staff.school_id if staff is not None else school_id_or_only(db, school_id)
    created = updated = 0
    voice = effective(db, school_id).default_voice  # a new pupil starts with the school's voice
    with transaction(db):
        groups = {g.name: g for g in db.execute(select(Group).where(Group.school_id == school_id)).scalars()}
        for row in rows:
            row = {k: (clean_name(v) if k in NAME_COLUMNS else v) for k, v in row.items()}
            if not row.get("given_name"):
                raise InvalidInput(f"Row {row.get('row', '?')}: a given name is needed.")
            group = None
            if row.get("group"):
                group = groups.get(row["group"]) or Group(school_id=school_id, name=row["group"][:120])
                groups[group.name] = group
            pupil = None
            if row.get("reference"):
                pupil = db.execute(
                    select(Pupil).where(Pupil.school_id == school_id, Pupil.reference == row["reference"])
                ).scalar_one_or_none()
            if pupil is None:
                pupil = Pupil(
                    school_id=school_id,
                    reference=row.get("reference") or None,
                    profile=CommunicationProfile(voice=voice),
                )
                db.add(pupil)
                created += 1
            else:
                updated += 1
            pupil.given_name, pupil.family_name = row["given_name"], row.get("family_name", "")
            pupil.year_group = row.get("year_group") or None
            pupil.group = group
            db.flush()
        audit.record(
            db, staff, "import", None, f"{created} pupils added, {updated} updated from CSV", school_id=school_id
        )
    return {"created": created, "updated": updated}


def create_group(db: Session, name: str, staff_ids: list[int] | None = None, school_id: int | None = None) -> Group:
    """A class or tutor group of `school_id` (or the only school), with the advocates of
    that school who work with it."""
    name = clean_name(name)
    if not name or len(name) > 120:
        raise InvalidInput("A group needs a name (at most 120 characters).")
    school_id = school_id_or_only(db, school_id)
    with transaction(db):
        if db.execute(select(Group).where(Group.school_id == school_id, Group.name == name)).scalar_one_or_none():
            raise InvalidInput("There is already a group with that name.")
        group = Group(school_id=school_id, name=name)
        db.add(group)
        for staff_id in staff_ids or []:
            member = db.get(Staff, staff_id) if is_id(staff_id) else None
            if member is None or member.school_id != school_id:
                raise NotFound("No such member of staff.")
            member.groups.append(group)
    return group

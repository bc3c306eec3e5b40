"""Careers encounters and the Gatsby Benchmarks each type evidences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound
from assistant.matcher import INTEREST_TO_JOB, default_matcher
from assistant.record.models import FIRST_DATE, LAST_DATE, Encounter, Pupil, Staff, is_id
from assistant.record.unit_of_work import transaction
from assistant.services.photos import check_photo, photo_file, store_photo
from assistant.services.pupils import can_see, visible_pupils
from assistant.services.schools import school_id_or_only
from assistant.services.text import clean_name, clean_note
from assistant.vocabulary import WHOLE_SCHOOL_ROLES
from symbols.catalogue import Catalogue

# From symbols/vocabulary.yml `encounters` (a test keeps the two in step).
ENCOUNTER_TYPES: dict[str, tuple[str, tuple[int, ...]]] = {
    "careers_lesson": ("Careers lesson", (4,)),
    "employer_talk": ("Talk from an employer", (5,)),
    "enterprise_project": ("Enterprise project", (5,)),
    "workplace_visit": ("Workplace visit", (6,)),
    "work_experience": ("Work experience", (6,)),
    "virtual_experience": ("Virtual work experience", (6,)),
    "careers_fair": ("Careers or transition fair", (2, 5, 7)),
    "college_visit": ("College visit", (7,)),
    "university_visit": ("University visit", (7,)),
    "provider_visit": ("Visit to a day centre or training provider", (7,)),
    "guidance_interview": ("Careers guidance meeting", (8,)),
}


def create_encounter(
    db: Session,
    type: str,
    title: str,
    on: date,
    place: str = "",
    provider: str = "",
    notes: str = "",
    pupil_ids: list[int] | None = None,
    gatsby_benchmarks: list[int] | None = None,
    school_id: int | None = None,
) -> Encounter:
    """Record an encounter of `school_id` (or the only school), with pupils of that school;
    its benchmarks come from its type unless given."""
    if type not in ENCOUNTER_TYPES:
        raise InvalidInput(f"Unknown encounter type {type!r}.")
    title = clean_name(title) or ENCOUNTER_TYPES[type][0]
    place, provider, notes = clean_name(place), clean_name(provider), clean_note(notes)
    if len(title) > 200:
        raise InvalidInput("The title is too long (200 characters at most).")
    if not FIRST_DATE <= on <= LAST_DATE:
        raise InvalidInput(f"Give a date from {FIRST_DATE.year} to {LAST_DATE.year}.")
    benchmarks = sorted(set(gatsby_benchmarks)) if gatsby_benchmarks else list(ENCOUNTER_TYPES[type][1])
    if any(b not in range(1, 9) for b in benchmarks):
        raise InvalidInput("Gatsby benchmarks are numbered 1 to 8.")
    school_id = school_id_or_only(db, school_id)
    with transaction(db):
        encounter = Encounter(
            school_id=school_id,
            type=type,
            title=title,
            date=on,
            place=place or "",
            provider=provider or "",
            notes=notes or "",
            gatsby_benchmarks=benchmarks,
        )
        for pupil_id in pupil_ids or []:
            pupil = db.get(Pupil, pupil_id) if is_id(pupil_id) else None
            if pupil is None or pupil.school_id != school_id:
                raise NotFound("No such pupil.")
            encounter.pupils.append(pupil)
        db.add(encounter)
    return encounter


# What a kind of encounter is usually about, when its title and place name no sector.
TYPE_TOPICS = {
    "college_visit": ("computers", "art", "cooking", "science", "sport", "music"),
    "university_visit": ("science", "computers", "art", "reading", "sport", "music"),
    "provider_visit": ("cooking", "crafts", "gardening", "computers", "caring", "shops"),
    "careers_fair": ("shops", "cafe", "office", "caring", "building", "computers"),
    "employer_talk": ("office", "shops", "building", "caring", "computers", "cafe"),
}


def encounter_topics(encounter: Encounter | None, catalogue: Catalogue) -> list[str]:
    """The interests an encounter is about, for its prepare and debrief boards: what its
    title, place, provider and notes name ("Hilltop Garden Centre" -> gardening), then
    what its kind is usually about."""
    if encounter is None:
        return []
    interests_of_job: dict[str, list[str]] = {}
    for interest, job in INTEREST_TO_JOB.items():
        interests_of_job.setdefault(job, []).append(interest)
    text = " . ".join([encounter.title, encounter.place, encounter.provider, encounter.notes])
    topics: list[str] = []
    for found in default_matcher().match_text(text, expect=("interest", "job")):
        if found["entity"] == "interest":
            topics.append(found["value"])
        elif found["entity"] == "job":
            topics += interests_of_job.get(found["value"], [])
    topics += TYPE_TOPICS.get(encounter.type, ())
    return [t for t in dict.fromkeys(topics) if catalogue.get(t) is not None]


def can_see_encounter(staff: Staff, encounter: Encounter) -> bool:
    """Only encounters of the staff member's own school: careers leads and administrators
    see every one, an advocate those with a pupil of their groups (its notes and photo are
    about that visit)."""
    if encounter.school_id != staff.school_id:
        return False
    return staff.role in WHOLE_SCHOOL_ROLES or any(can_see(staff, p) for p in encounter.pupils)


def list_encounters(db: Session, staff: Staff) -> list[Encounter]:
    """The encounters this member of staff may see, newest first."""
    found = db.execute(
        select(Encounter)
        .where(Encounter.school_id == staff.school_id)
        .order_by(Encounter.date.desc(), Encounter.id.desc())
    ).scalars()
    return [e for e in found if can_see_encounter(staff, e)]


def encounter_for(db: Session, staff: Staff, encounter_id: object) -> Encounter:
    """One encounter this member of staff may see; NotFound otherwise (never says which)."""
    encounter = db.get(Encounter, encounter_id) if is_id(encounter_id) else None
    if encounter is None or not can_see_encounter(staff, encounter):
        raise NotFound("No such encounter.")
    return encounter


@dataclass
class EncounterList:
    """The encounters page: the encounters this adult may see, and the pupils to add to one."""

    encounters: list[Encounter]
    pupils: list[Pupil]


def encounter_list(db: Session, staff: Staff) -> EncounterList:
    """The encounters and the pupils this member of staff may see."""
    return EncounterList(list_encounters(db, staff), visible_pupils(db, staff))


def record_encounter(
    db: Session,
    staff: Staff,
    type: str,
    title: str,
    on: date,
    place: str = "",
    provider: str = "",
    notes: str = "",
    pupil_ids: list[int] | None = None,
    gatsby_benchmarks: list[int] | None = None,
    photo: bytes = b"",
    photo_consent: str = "",
    instance: Path | None = None,
) -> Encounter:
    """An encounter of the staff member's school, with a photo of its place if one is sent
    (with how consent was given): the photo is checked before anything is recorded."""
    checked = check_photo(photo, photo_consent)
    encounter = create_encounter(
        db, type, title, on, place, provider, notes, pupil_ids, gatsby_benchmarks, school_id=staff.school_id
    )
    if checked is not None:
        store_photo(db, encounter, checked, instance)
    return encounter


def encounter_view(db: Session, staff: Staff, encounter_id: object) -> tuple[Encounter, list[Pupil]]:
    """One encounter this member of staff may see, and those of its pupils they may see."""
    encounter = encounter_for(db, staff, encounter_id)
    return encounter, [p for p in encounter.pupils if can_see(staff, p)]


def encounter_photo(db: Session, staff: Staff, encounter_id: object, instance: Path) -> Path:
    """The photo file of an encounter this member of staff may see; NotFound otherwise."""
    return photo_file(encounter_for(db, staff, encounter_id), instance)

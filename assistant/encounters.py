"""Careers encounters and the Gatsby Benchmarks each type evidences."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound
from assistant.models import Encounter, Pupil
from assistant.unit_of_work import transaction

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


def create_encounter(db: Session, type: str, title: str, on: date, place: str = "",
                     provider: str = "", notes: str = "", pupil_ids: list[int] | None = None,
                     gatsby_benchmarks: list[int] | None = None) -> Encounter:
    """Record an encounter; its benchmarks come from its type unless given."""
    if type not in ENCOUNTER_TYPES:
        raise InvalidInput(f"Unknown encounter type {type!r}.")
    title = (title or "").strip() or ENCOUNTER_TYPES[type][0]
    if len(title) > 200:
        raise InvalidInput("The title is too long (200 characters at most).")
    benchmarks = sorted(set(gatsby_benchmarks)) if gatsby_benchmarks else list(ENCOUNTER_TYPES[type][1])
    if any(b not in range(1, 9) for b in benchmarks):
        raise InvalidInput("Gatsby benchmarks are numbered 1 to 8.")
    with transaction(db):
        encounter = Encounter(type=type, title=title, date=on, place=place or "",
                              provider=provider or "", notes=notes or "",
                              gatsby_benchmarks=benchmarks)
        for pupil_id in pupil_ids or []:
            pupil = db.get(Pupil, pupil_id)
            if pupil is None:
                raise NotFound(f"No pupil with id {pupil_id}.")
            encounter.pupils.append(pupil)
        db.add(encounter)
    return encounter


def list_encounters(db: Session) -> list[Encounter]:
    """All encounters, newest first."""
    return list(db.execute(select(Encounter).order_by(Encounter.date.desc(), Encounter.id.desc()))
                .scalars())

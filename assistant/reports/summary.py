"""The EHCP review pupil-voice summary: one pupil, one period, everything the renderers need.

Built from confirmed entries (drafts only when asked, and the document says how many were
left out). The pupil's voice and the adult's view are kept apart: points come only from the
pupil's own answers; observations and adult_view answers are `adult_notes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.conversation.plans import steps_for
from assistant.errors import InvalidInput, NotFound
from assistant.record.models import (
    FIRST_DATE,
    LAST_DATE,
    Annotation,
    Encounter,
    Entry,
    Pupil,
    encounter_pupils,
    is_id,
    utcnow,
)
from assistant.reports.changes import Change, Opinion, changes_between, opinions
from assistant.reports.gatsby import PupilBenchmarks, pupil_benchmarks
from assistant.reports.points import Point, area_order, collect_points, pupil_words
from assistant.reports.thread import EncounterStory, ThreadLink, encounter_stories, golden_thread
from assistant.reports.wording import ADULT_NOTE_LABELS, AREAS, CATEGORIES, OTHER_AREA, OTHER_AREA_TITLE
from assistant.services.pupils import profile_of
from assistant.services.school_settings import effective
from assistant.vocabulary import CONVERSATIONS, Provenance
from symbols.catalogue import Catalogue, Concept, load_catalogue


@dataclass
class Section:
    """One PfA area: its parts (interests, good at, help, aspirations), each a list of points."""

    key: str
    title: str
    parts: list[tuple[str, str, list[Point]]]

    @property
    def points(self) -> list[Point]:
        return [p for _, _, points in self.parts for p in points]


@dataclass
class AdultNote:
    """What an adult noticed or thought: never the pupil's voice."""

    entry_id: str
    when: datetime
    adult_name: str
    moment: str
    question: str
    concepts: list[Concept]
    text: str | None
    kind: str  # observation (on the tablet) | review (written at review) | answer (the adult's view)
    encounter_title: str = ""

    @property
    def label(self) -> str:
        return ADULT_NOTE_LABELS[self.kind]


@dataclass
class ReviewSummary:
    """The pupil-voice summary for one pupil and one period."""

    pupil: Pupil
    start: date | None
    end: date | None
    made_at: datetime
    include_drafts: bool
    drafts_left_out: int
    symbol_set: str
    sections: list[Section]
    adult_notes: list[AdultNote]
    changes: list[Change]
    compared: bool  # there were confirmed answers before the period
    encounters: list[EncounterStory]
    thread: list[ThreadLink]
    benchmarks: PupilBenchmarks
    points: list[Point] = field(default_factory=list)
    # The latest opinion per (topic, concept id) in the period (the pupil-friendly version).
    now: dict[tuple[str, str], Opinion] = field(default_factory=dict)
    # The school's choice (school_settings): False leaves the adults' section out entirely.
    adult_notes_included: bool = True

    @property
    def words_shareable(self) -> bool:
        return bool(self.pupil.words_shareable)

    @property
    def sharing_note(self) -> str:
        return (self.pupil.sharing_note or "").strip()

    @property
    def aspirations(self) -> list[Point]:
        return [p for p in self.points if p.category == "aspirations"]


def _period(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    if start and end and start > end:
        raise InvalidInput("The period starts after it ends.")
    return (
        datetime.combine(start, time.min) if start else None,
        datetime.combine(end + timedelta(days=1), time.min) if end else None,
    )


def _entries(
    db: Session, pupil_id: int, statuses: tuple[str, ...], since: datetime | None, until: datetime | None
) -> list[Entry]:
    query = select(Entry).where(Entry.pupil_id == pupil_id, Entry.status.in_(statuses))
    if since:
        query = query.where(Entry.created_at >= since)
    if until:
        query = query.where(Entry.created_at < until)
    return list(db.execute(query.order_by(Entry.created_at, Entry.id)).scalars())


def _recalled(db: Session, entries: list[Entry]) -> dict[str, Entry]:
    ids = {e.recalls_entry_id for e in entries if e.recalls_entry_id}
    known = {e.id: e for e in entries if e.id in ids}
    missing = ids - set(known)
    if missing:
        known.update({e.id: e for e in db.execute(select(Entry).where(Entry.id.in_(missing))).scalars()})
    return known


def _sections(points: list[Point]) -> list[Section]:
    sections = []
    for key in [*AREAS, OTHER_AREA]:
        mine = [p for p in points if p.area == key and p.category in CATEGORIES]
        parts = [(cat, title, [p for p in mine if p.category == cat]) for cat, title in CATEGORIES.items()]
        parts = [part for part in parts if part[2]]
        if parts:
            sections.append(Section(key, AREAS.get(key, OTHER_AREA_TITLE), parts))
    return sorted(sections, key=lambda s: area_order(s.key))


# Where an adult's note was made when its step is not a question: never the words on the
# screen then, which during a check-back are a reading the pupil may have rejected.
PHASE_ABOUT = {
    "check": "While an answer was checked back",
    "confirm_stop": "When the pupil asked to stop",
    "end": "At \u201canything else?\u201d",
    "mat": "At the final mat",
    "move": "At the final mat",
}
ASKED_AGAIN = ("recall", "control")


def about(entry: Entry, place: str = "") -> str:
    """What an adult's note is about: the question of the entry's step as the plan words
    it, never a check-back's reading (which the pupil may have rejected)."""
    if entry.step in ASKED_AGAIN:
        return entry.question
    if entry.moment in CONVERSATIONS:
        for step in steps_for(entry.moment):
            if step.id == entry.step:
                return step.text(place or "the encounter")
    return PHASE_ABOUT.get(entry.step, "During the conversation")


def _adult_notes(
    db: Session,
    pupil_id: int,
    entries: list[Entry],
    catalogue: Catalogue,
    titles: dict[int, str],
    since: datetime | None,
    until: datetime | None,
) -> list[AdultNote]:
    """The adults' own views: answers recorded as the adult's view, observations made on
    the tablet, and observations written at review (with who wrote them and when)."""
    notes = []
    for entry in entries:
        if entry.provenance != Provenance.ADULT_VIEW and entry.answer_kind != "observation":
            continue
        concepts = [c for c in (catalogue.get(cid) for cid in entry.concept_ids or []) if c]
        if entry.answer_kind == "rating" and entry.rating and catalogue.get(entry.rating):
            concepts.append(catalogue.get(entry.rating))
        title = titles.get(entry.encounter_id, "")
        notes.append(
            AdultNote(
                entry.id,
                entry.created_at,
                entry.adult_name or "an adult",
                entry.moment,
                about(entry, title),
                concepts,
                (entry.words or "").strip() or None,
                "observation" if entry.answer_kind == "observation" else "answer",
                title,
            )
        )
    query = (
        select(Annotation, Entry)
        .join(Entry, Entry.id == Annotation.entry_id)
        .where(Entry.pupil_id == pupil_id, Annotation.kind == "observation")
    )
    if since:
        query = query.where(Annotation.at >= since)
    if until:
        query = query.where(Annotation.at < until)
    for note, entry in db.execute(query.order_by(Annotation.at, Annotation.id)):
        title = titles.get(entry.encounter_id, "")
        notes.append(
            AdultNote(
                entry.id,
                note.at,
                note.staff.display_name if note.staff else "an adult",
                entry.moment,
                about(entry, title),
                [],
                note.text,
                "review",
                title,
            )
        )
    return sorted(notes, key=lambda n: n.when)


def adult_notes_for(db: Session, pupil_id: int, catalogue: Catalogue | None = None) -> list[AdultNote]:
    """Every adult's note about a pupil (the pupil page's "What adults noticed")."""
    catalogue = catalogue or load_catalogue()
    entries = _entries(db, pupil_id, ("confirmed",), None, None)
    ids = {e.encounter_id for e in entries if e.encounter_id}
    ids |= set(
        db.execute(
            select(Entry.encounter_id)
            .join(Annotation, Annotation.entry_id == Entry.id)
            .where(Entry.pupil_id == pupil_id, Annotation.kind == "observation", Entry.encounter_id.is_not(None))
        ).scalars()
    )
    titles = dict(db.execute(select(Encounter.id, Encounter.title).where(Encounter.id.in_(ids or [-1]))).all())
    return _adult_notes(db, pupil_id, entries, catalogue, titles, None, None)


def review_summary(
    db: Session,
    pupil_id: int,
    start: date | None = None,
    end: date | None = None,
    include_drafts: bool = False,
    catalogue: Catalogue | None = None,
) -> ReviewSummary:
    """The review summary for one pupil between two dates (inclusive; open ends allowed).

    NotFound for an unknown pupil; InvalidInput when start is after end.
    """
    pupil = db.get(Pupil, pupil_id) if is_id(pupil_id) else None
    if pupil is None:
        raise NotFound(f"No pupil with id {pupil_id}.")
    if any(day is not None and not FIRST_DATE <= day <= LAST_DATE for day in (start, end)):
        raise InvalidInput(f"Choose dates from {FIRST_DATE.year} to {LAST_DATE.year}.")
    catalogue = catalogue or load_catalogue()
    since, until = _period(start, end)
    statuses = ("confirmed", "draft") if include_drafts else ("confirmed",)
    entries = _entries(db, pupil.id, statuses, since, until)
    drafts_left_out = 0
    if not include_drafts:
        query = select(func.count()).select_from(Entry).where(Entry.pupil_id == pupil.id, Entry.status == "draft")
        if since:
            query = query.where(Entry.created_at >= since)
        if until:
            query = query.where(Entry.created_at < until)
        drafts_left_out = db.execute(query).scalar_one()
    shareable = bool(pupil.words_shareable)
    recalled = _recalled(db, entries)

    voice = [e for e in entries if e.moment in ("interests", "aspirations")]
    points = collect_points(voice, catalogue, shareable, recalled)

    now = opinions(voice, catalogue, recalled)
    earlier = _entries(db, pupil.id, ("confirmed",), None, since) if since else []
    changes = changes_between(opinions(earlier, catalogue, _recalled(db, earlier)), now) if earlier else []

    encounter_ids = {e.encounter_id for e in entries if e.encounter_id}
    listed = (
        select(Encounter)
        .join(encounter_pupils, encounter_pupils.c.encounter_id == Encounter.id)
        .where(encounter_pupils.c.pupil_id == pupil.id)
    )
    if start:
        listed = listed.where(Encounter.date >= start)
    if end:
        listed = listed.where(Encounter.date <= end)
    encounters = {e.id: e for e in db.execute(listed).scalars()}
    missing = encounter_ids - set(encounters)
    if missing:
        encounters.update({e.id: e for e in db.execute(select(Encounter).where(Encounter.id.in_(missing))).scalars()})
    # A prepare conversation may come before the period starts: fetch all of its answers.
    linked = list(
        db.execute(
            select(Entry)
            .where(
                Entry.pupil_id == pupil.id, Entry.status.in_(statuses), Entry.encounter_id.in_(list(encounters) or [-1])
            )
            .order_by(Entry.created_at, Entry.id)
        ).scalars()
    )
    stories = encounter_stories(list(encounters.values()), linked, catalogue, shareable)
    aspirations = [p for p in points if p.category == "aspirations"]
    with_notes = effective(db, pupil.school_id).summary_adult_notes

    return ReviewSummary(
        pupil=pupil,
        start=start,
        end=end,
        made_at=utcnow(),
        include_drafts=include_drafts,
        drafts_left_out=drafts_left_out,
        symbol_set=profile_of(pupil).symbol_set,
        sections=_sections(points),
        adult_notes=_adult_notes(
            db, pupil.id, entries, catalogue, {i: e.title for i, e in encounters.items()}, since, until
        )
        if with_notes
        else [],
        adult_notes_included=with_notes,
        changes=changes,
        compared=bool(earlier),
        encounters=stories,
        thread=golden_thread(aspirations, stories, catalogue),
        benchmarks=pupil_benchmarks(db, pupil.id, start, end),
        points=points,
        now=now,
    )


__all__ = ["AdultNote", "ReviewSummary", "Section", "about", "adult_notes_for", "review_summary", "pupil_words"]

"""Points: what a report says an entry means, in the pupil's voice, with its provenance.

An entry becomes one point per PfA area it touches ("I like cooking" is independent living,
"I like animals" employment). Entries saying the same thing with the same provenance are
one point with several pieces of evidence (dates and verbatim words), so a stable interest
reads as one line said many times, not as a wall of repeats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from assistant.conversation.plans import describe, describe_rating, plain_label
from assistant.record.models import Entry
from assistant.reports.wording import (
    AREAS,
    OTHER_AREA,
    STEP_AREAS,
    WORDS_WITHHELD,
    area_of,
    first_person,
    provenance_label,
    said_when,
)
from assistant.vocabulary import Provenance
from symbols.catalogue import Catalogue, Concept

# The part of an area each interests/aspirations question feeds.
STEP_CATEGORIES = {
    "likes": "interests",
    "dislikes": "interests",
    "important": "interests",
    "recall": "interests",
    "good_at": "good_at",
    "help_needed": "help",
    "work_learning": "aspirations",
    "job": "aspirations",
    "living": "aspirations",
    "community": "aspirations",
    "health": "aspirations",
}
ASPIRATION_TYPES = ("job", "pathway", "living")
RECALLED_STANCES = ("good_at", "aspire")
# A rating on the scale read as the stance of a chosen card.
RATING_STANCES = {"like": "like", "dont_like": "dont_like", "not_sure": "not_sure"}


@dataclass
class Evidence:
    """One entry behind a point: when, and the pupil's words (or the withheld marker)."""

    entry_id: str
    when: datetime
    words: str | None
    status: str


@dataclass
class Point:
    """One thing the pupil said, in the first person, with symbols and provenance."""

    statement: str
    concepts: list[Concept]
    provenance: str
    adult_name: str
    area: str
    category: str
    step: str
    question: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def provenance_label(self) -> str:
        return provenance_label(self.provenance, self.adult_name)

    @property
    def words(self) -> list[str]:
        """The distinct verbatim words behind this point, oldest first."""
        return list(dict.fromkeys(e.words for e in self.evidence if e.words))

    @property
    def first(self) -> datetime:
        return min(e.when for e in self.evidence)

    @property
    def last(self) -> datetime:
        return max(e.when for e in self.evidence)

    @property
    def times(self) -> int:
        return len(self.evidence)

    @property
    def when(self) -> str:
        """'said 2 times on 1 December 2026', and so on (see wording.said_when)."""
        return said_when(self.times, self.first, self.last)

    @property
    def drafts(self) -> int:
        return sum(1 for e in self.evidence if e.status == "draft")


def pupil_words(entry: Entry, shareable: bool) -> str | None:
    """The entry's verbatim words as a report may show them (None when there are none)."""
    words = (entry.words or "").strip()
    if not words or words.startswith("/"):  # a card tap reaches the record as an intent
        return None
    return words if shareable else WORDS_WITHHELD


def entry_points(
    entry: Entry, catalogue: Catalogue, recalled: dict[str, Entry] | None = None
) -> list[tuple[str, str, str, list[Concept]]]:
    """(area, category, statement, concepts) for each thing an entry says; [] for none.

    Observations are the adult's, never the pupil's: they give no points.
    """
    if entry.answer_kind == "observation":
        return []
    step = entry.step
    category = STEP_CATEGORIES.get(step, step)
    concepts = [c for c in (catalogue.get(cid) for cid in entry.concept_ids or []) if c]
    if entry.answer_kind == "concept" and concepts:
        by_area: dict[str, list[Concept]] = {}
        for concept in concepts:
            by_area.setdefault(area_of(concept, step), []).append(concept)
        stance = entry.stance or ""
        return [(area, category, first_person(describe(stance, members)), members) for area, members in by_area.items()]
    if entry.answer_kind == "rating" and entry.rating:
        if step == "recall" and concepts:
            concept = concepts[0]
            before = (recalled or {}).get(entry.recalls_entry_id or "")
            stance = before.stance if before is not None else None
            if stance in RECALLED_STANCES and entry.rating == "like":
                clause = describe(stance, [concept])
            elif entry.rating in RATING_STANCES:
                # Worded as the first answer was ("I don't like it when it is noisy."), so
                # the two are one point said twice, not two near-identical points.
                clause = describe(RATING_STANCES[entry.rating], [concept])
            else:
                clause = describe_rating("recall", entry.rating, plain_label(concept))
            if concept.type in ASPIRATION_TYPES:
                category = "aspirations"
            return [(area_of(concept, step), category, first_person(clause), [concept])]
        if step in ("again", "do_job"):
            return [
                (
                    OTHER_AREA,
                    category,
                    first_person(describe_rating(step, entry.rating)),
                    [c for c in (catalogue.get(entry.rating),) if c],
                )
            ]
    area = STEP_AREAS.get(step, OTHER_AREA)
    if entry.answer_kind == "dont_know":
        return [(area, category, "I don't know.", [])]
    if entry.words and entry.answer_kind in ("words", "not_understood", "concept", "rating"):
        return [(area, category, "I said it in my own words.", concepts)]
    return []


def collect_points(
    entries: list[Entry], catalogue: Catalogue, shareable: bool, recalled: dict[str, Entry] | None = None
) -> list[Point]:
    """Points from the pupil's own entries (not the adult's view), merged, oldest first."""
    merged: dict[tuple, Point] = {}
    for entry in entries:
        if entry.provenance == Provenance.ADULT_VIEW:
            continue
        for area, category, statement, concepts in entry_points(entry, catalogue, recalled):
            key = (area, category, statement, entry.provenance, entry.adult_name or "", tuple(c.id for c in concepts))
            point = merged.get(key)
            if point is None:
                point = merged[key] = Point(
                    statement,
                    concepts,
                    entry.provenance,
                    entry.adult_name or "",
                    area,
                    category,
                    entry.step,
                    entry.question,
                )
            point.evidence.append(Evidence(entry.id, entry.created_at, pupil_words(entry, shareable), entry.status))
    return sorted(merged.values(), key=lambda p: (p.first, p.statement))


def area_order(area: str) -> int:
    """Areas in EHCP order, the 'other' bucket last."""
    keys = list(AREAS)
    return keys.index(area) if area in keys else len(keys)

"""A pupil's answers over time, concept by concept: stable interests are evidence for a
review, and a change (liked cooking in March, not in June) is worth noticing, not an error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import Entry

# The answer an entry gives about its concept, on one scale, so answers can be compared.
POSITIVE = {"like", "good_at", "aspire", "liked", "expect_like", "important", "community", "health"}
NEGATIVE = {"dont_like", "hard", "worry", "need"}


@dataclass
class Point:
    when: datetime
    view: str          # like | not_sure | dont_like | other
    entry_id: str
    step: str
    words: str | None
    provenance: str


@dataclass
class ConceptHistory:
    concept_id: str
    points: list[Point] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when confirmed answers about this concept disagree."""
        return len({p.view for p in self.points if p.view != "other"}) > 1


def _view(entry: Entry) -> str:
    if entry.rating:
        return entry.rating
    if entry.stance in POSITIVE:
        return "like"
    if entry.stance in NEGATIVE:
        return "dont_like"
    return "other"


def concept_histories(db: Session, pupil_id: int) -> list[ConceptHistory]:
    """Each concept the pupil's confirmed answers name, with every answer about it by date;
    the ones that changed come first."""
    entries = db.execute(select(Entry).where(Entry.pupil_id == pupil_id, Entry.status == "confirmed")
                         .order_by(Entry.created_at, Entry.id)).scalars()
    by_concept: dict[str, ConceptHistory] = {}
    for entry in entries:
        for concept_id in entry.concept_ids or []:
            history = by_concept.setdefault(concept_id, ConceptHistory(concept_id))
            history.points.append(Point(entry.created_at, _view(entry), entry.id, entry.step,
                                        entry.words, entry.provenance))
    return sorted(by_concept.values(), key=lambda h: (not h.changed, h.concept_id))

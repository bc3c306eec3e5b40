"""A pupil's answers over time, concept by concept: stable interests are evidence for a
review, and a change (liked cooking in March, not in June) is worth noticing, not an error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.record.models import Entry
from assistant.vocabulary import Provenance
from symbols.catalogue import Catalogue, load_catalogue

# What an answer says about its concept, by the stance it was given with. Needs, things
# found hard, worries and strengths are their own views, never "likes" or "does not like":
# "A quiet space" to "What help do you need?" is a need.
STANCE_VIEWS = {
    "like": "like",
    "liked": "like",
    "expect_like": "like",
    "community": "like",
    "dont_like": "dont_like",
    "dont_want": "dont_like",
    "not_sure": "not_sure",
    "need": "need",
    "hard": "hard",
    "worry": "worry",
    "good_at": "good_at",
    "important": "important",
    "aspire": "aspire",
    "live": "aspire",
    "health": "helps",
}
VIEW_LABELS = {
    "like": "likes it",
    "not_sure": "not sure",
    "dont_like": "does not like it",
    "need": "needs it",
    "need_help": "needs help with it",
    "hard": "found it hard",
    "worry": "worried about it",
    "good_at": "good at it",
    "important": "important to them",
    "aspire": "would like it after school",
    "helps": "helps them feel well",
    "felt": "felt it",
    "other": "mentioned it",
}
# The views on one scale, like to dislike: a change among them is a change of mind.
LIKE_SCALE = ("like", "not_sure", "dont_like")


@dataclass
class Point:
    when: datetime
    view: str  # a key of VIEW_LABELS
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
        """True when confirmed likes and dislikes of this concept disagree."""
        return len({p.view for p in self.points if p.view in LIKE_SCALE}) > 1


def view_of(entry: Entry, concept_type: str = "") -> str:
    """The view an entry gives of its concept (see STANCE_VIEWS)."""
    if entry.rating and entry.stance not in ("need", "good_at", "important", "hard", "worry"):
        return entry.rating
    view = STANCE_VIEWS.get(entry.stance or "", "other")
    if view == "need" and concept_type not in ("support", ""):
        return "need_help"  # "reading" to "What help do you need?": help with reading
    if entry.stance in ("felt", "expect_felt"):
        return "felt"
    return view


def concept_histories(db: Session, pupil_id: int, catalogue: Catalogue | None = None) -> list[ConceptHistory]:
    """Each concept the pupil's own confirmed answers name (never the adult's view or an
    observation), with every answer about it by date; the ones that changed come first."""
    catalogue = catalogue or load_catalogue()
    entries = db.execute(
        select(Entry)
        .where(Entry.pupil_id == pupil_id, Entry.status == "confirmed")
        .order_by(Entry.created_at, Entry.id)
    ).scalars()
    by_concept: dict[str, ConceptHistory] = {}
    for entry in entries:
        if entry.provenance == Provenance.ADULT_VIEW or entry.answer_kind == "observation":
            continue
        for concept_id in entry.concept_ids or []:
            history = by_concept.setdefault(concept_id, ConceptHistory(concept_id))
            concept = catalogue.get(concept_id)
            history.points.append(
                Point(
                    entry.created_at,
                    view_of(entry, concept.type if concept else ""),
                    entry.id,
                    entry.step,
                    entry.words,
                    entry.provenance,
                )
            )
    return sorted(by_concept.values(), key=lambda h: (not h.changed, h.concept_id))

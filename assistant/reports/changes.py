"""What changed since the last review: the pupil's opinions before the period and in it.

A change is information for the review, not an error: interests come and go. Only the
pupil's own answers count (the adult's view never does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assistant.conversation.plans import describe
from assistant.record.models import Entry
from assistant.reports.wording import first_person, month_year
from assistant.vocabulary import Provenance
from symbols.catalogue import Catalogue, Concept

ASPIRATION_STANCES = ("aspire", "live")


@dataclass(frozen=True)
class Opinion:
    """The latest thing the pupil said about one concept, of one kind."""

    topic: str  # interest | good_at | aspiration
    concept: Concept
    value: str  # like | not_sure | dont_like (interest); yes (good_at, aspiration)
    when: datetime

    @property
    def statement(self) -> str:
        if self.topic == "interest":
            return first_person(describe(self.value, [self.concept]))  # like | not_sure | dont_like
        stance = "good_at" if self.topic == "good_at" else "aspire"
        if self.concept.type == "living":
            stance = "live"
        return first_person(describe(stance, [self.concept]))


@dataclass(frozen=True)
class Change:
    """One difference between the last period and this one."""

    kind: str  # new | changed | not_mentioned
    topic: str  # interest | good_at | aspiration
    concept: Concept
    before: Opinion | None
    after: Opinion | None

    @property
    def text(self) -> str:
        if self.kind == "changed":
            return (
                f"{month_year(self.before.when)}: {self.before.statement} "
                f"{month_year(self.after.when)}: {self.after.statement}"
            )
        if self.kind == "new":
            return f"New since the last review: {self.after.statement} ({month_year(self.after.when)})"
        return f"Not said this time: {self.before.statement} (said in {month_year(self.before.when)})"


def opinions(
    entries: list[Entry], catalogue: Catalogue, recalled: dict[str, Entry] | None = None
) -> dict[tuple[str, str], Opinion]:
    """The latest opinion per (topic, concept id) in these entries (pupil's own voice only)."""
    latest: dict[tuple[str, str], Opinion] = {}

    def keep(topic: str, concept: Concept | None, value: str, when: datetime) -> None:
        if concept is None:
            return
        key = (topic, concept.id)
        if key not in latest or latest[key].when <= when:
            latest[key] = Opinion(topic, concept, value, when)

    for entry in sorted(entries, key=lambda e: e.created_at):
        if entry.provenance == Provenance.ADULT_VIEW or entry.answer_kind == "observation":
            continue
        if entry.moment not in ("interests", "aspirations"):
            continue
        concepts = [catalogue.get(cid) for cid in entry.concept_ids or []]
        if entry.answer_kind == "rating" and entry.step == "recall" and entry.rating:
            for concept in concepts:
                keep("interest", concept, entry.rating, entry.created_at)
                before = (recalled or {}).get(entry.recalls_entry_id or "")
                if before is not None and before.stance in ("good_at", *ASPIRATION_STANCES):
                    topic = "good_at" if before.stance == "good_at" else "aspiration"
                    if entry.rating == "like":
                        keep(topic, concept, "yes", entry.created_at)
                    else:
                        latest.pop((topic, concept.id), None)
            continue
        if entry.answer_kind != "concept":
            continue
        for concept in concepts:
            if entry.stance in ("like", "dont_like") and concept is not None and concept.type == "interest":
                keep("interest", concept, entry.stance, entry.created_at)
            elif entry.stance == "good_at":
                keep("good_at", concept, "yes", entry.created_at)
            elif entry.stance in ASPIRATION_STANCES:
                keep("aspiration", concept, "yes", entry.created_at)
    return latest


def changes_between(before: dict[tuple[str, str], Opinion], after: dict[tuple[str, str], Opinion]) -> list[Change]:
    """New, changed and no-longer-mentioned opinions, changes first."""
    out: list[Change] = []
    for key, now in after.items():
        was = before.get(key)
        if was is None:
            if now.topic != "interest" or now.value == "like":
                out.append(Change("new", now.topic, now.concept, None, now))
        elif was.value != now.value:
            out.append(Change("changed", now.topic, now.concept, was, now))
    for key, was in before.items():
        if key not in after and (was.topic != "interest" or was.value == "like"):
            out.append(Change("not_mentioned", was.topic, was.concept, was, None))
    order = {"changed": 0, "new": 1, "not_mentioned": 2}
    return sorted(out, key=lambda c: (order[c.kind], c.topic, c.concept.label))

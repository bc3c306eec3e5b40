"""The pupil-friendly version ("my profile"): mostly symbols, very short words, first person.

Made from the same summary as the staff version, so the two never disagree. Only the
pupil's own answers appear (never an adult's view); the latest answer about each thing wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.reports.summary import ReviewSummary
from assistant.reports.wording import day_month_year
from symbols.catalogue import Concept

HEADINGS = {
    "like": "I like",
    "dont_like": "I don't like",
    "good_at": "I am good at",
    "important": "Important to me",
    "need": "I need",
    "aspiration": "When I leave school I want",
    "places": "Places I went",
}


@dataclass
class Card:
    """A big symbol with a very short caption."""

    concept: Concept | None
    caption: str
    feelings: tuple[Concept, ...] = ()


@dataclass
class PupilProfile:
    """My profile: headings with cards."""

    given_name: str
    sections: list[tuple[str, str, list[Card]]]
    words_shareable: bool


def _unique(concepts) -> list[Concept]:
    return list({c.id: c for c in concepts}.values())


def pupil_profile(summary: ReviewSummary) -> PupilProfile:
    """The pupil's own view of their summary."""
    now = sorted(summary.now.values(), key=lambda o: o.concept.label)
    important = _unique(c for p in summary.points if p.step == "important" for c in p.concepts)
    need = _unique(c for p in summary.points if p.category == "help" for c in p.concepts)
    groups = {
        "like": [o.concept for o in now if o.topic == "interest" and o.value == "like"],
        "dont_like": [o.concept for o in now if o.topic == "interest" and o.value == "dont_like"],
        "good_at": [o.concept for o in now if o.topic == "good_at"],
        "important": important,
        "need": need,
        "aspiration": [o.concept for o in now if o.topic == "aspiration"],
    }
    sections = [
        (key, HEADINGS[key], [Card(c, c.label) for c in concepts]) for key, concepts in groups.items() if concepts
    ]
    places = []
    for story in summary.encounters:
        felt = story.row("How I felt")
        feelings = tuple(_unique(c for p in (felt.after if felt else []) for c in p.concepts))
        places.append(Card(None, f"{story.encounter.title}, {day_month_year(story.encounter.date)}", feelings))
    if places:
        sections.append(("places", HEADINGS["places"], places))
    return PupilProfile(summary.pupil.given_name, sections, summary.words_shareable)

"""How reports put things into words: provenance labels, first-person sentences, PfA areas.

Sentences come from assistant.conversation.plans (`describe`, `describe_rating`), which speak to the
pupil ("you like cooking"); reports turn them into the pupil's own voice ("I like cooking").
"""

from __future__ import annotations

from datetime import date, datetime

from assistant.conversation.plans import first_person  # noqa: F401  (reports word points in the first person)
from assistant.vocabulary import PROVENANCE_LABELS, Provenance  # noqa: F401  (the points' labels)
from symbols.catalogue import Concept

# Said after the provenance legend when the summary includes the adults' section.
ADULTS_APART = " The adults' own views are kept apart, in \u201cWhat adults noticed\u201d."

# How each kind of adult's note is labelled: always as the adult's, never the pupil's.
ADULT_NOTE_LABELS = {
    "observation": "Observation by the adult, during the session",
    "review": "Observation by the adult, written at review",
    "answer": "The adult's view",
}

WORDS_WITHHELD = "(words kept in school at the pupil's request)"

# Preparing for Adulthood areas, in the order EHCP reviews use them.
AREAS = {
    "employment": "Work and learning (employment)",
    "independent_living": "Independent living",
    "community": "Friends and community",
    "health": "Health",
}
OTHER_AREA = "other"
OTHER_AREA_TITLE = "Other answers"

# The parts of each area, in order.
CATEGORIES = {
    "interests": "My interests",
    "good_at": "What I'm good at",
    "help": "Help I need",
    "aspirations": "My aspirations",
}

# The area an aspirations question belongs to, whatever the answer.
STEP_AREAS = {
    "work_learning": "employment",
    "job": "employment",
    "living": "independent_living",
    "community": "community",
    "health": "health",
}

# The area of a concept without one in the catalogue, by concept type (or id for support).
TYPE_AREAS = {
    "job": "employment",
    "pathway": "employment",
    "living": "independent_living",
    "sensory": "health",
    "feeling": "health",
}
SUPPORT_AREAS = {
    "reading_help": "employment",
    "writing_help": "employment",
    "extra_time": "employment",
    "step_by_step": "employment",
    "visual_timetable": "employment",
    "travel_help": "independent_living",
    "money_help": "independent_living",
    "someone_with_me": "community",
    "communication_help": "community",
    "quiet_space": "health",
    "breaks": "health",
}


def provenance_label(provenance: str, adult_name: str = "") -> str:
    """The plain-English label of a provenance, naming the adult who interpreted."""
    label = PROVENANCE_LABELS.get(provenance, provenance)
    if provenance == Provenance.INTERPRETED and adult_name:
        label += f" ({adult_name})"
    return label


def area_of(concept: Concept, step: str) -> str:
    """The PfA area a concept answer belongs to (the question's area for aspirations)."""
    if step in STEP_AREAS:
        return STEP_AREAS[step]
    if concept.pfa in AREAS:
        return concept.pfa
    if concept.type == "support":
        return SUPPORT_AREAS.get(concept.id, OTHER_AREA)
    return TYPE_AREAS.get(concept.type, OTHER_AREA)


def month_year(when: date | datetime) -> str:
    """'March 2026'."""
    return when.strftime("%B %Y")


def day_month_year(when: date | datetime) -> str:
    """'4 March 2026'."""
    return f"{when.day} {when.strftime('%B %Y')}"


def period_text(start: date | None, end: date | None) -> str:
    """The period a report covers, in words."""
    if start and end:
        return f"from {day_month_year(start)} to {day_month_year(end)}"
    if start:
        return f"from {day_month_year(start)} on"
    if end:
        return f"up to {day_month_year(end)}"
    return "from every session so far"


def said_when(times: int, first: date | datetime, last: date | datetime) -> str:
    """When a point was said, for people: '1 December 2026', 'said 2 times on 1 December
    2026', 'said 3 times in December 2026', 'said 3 times between October and December 2026',
    'said 4 times between October 2025 and March 2026'."""
    if times <= 1:
        return day_month_year(first)
    said = f"said {times} times"
    if (first.year, first.month, first.day) == (last.year, last.month, last.day):
        return f"{said} on {day_month_year(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{said} in {month_year(first)}"
    if first.year == last.year:
        return f"{said} between {first.strftime('%B')} and {month_year(last)}"
    return f"{said} between {month_year(first)} and {month_year(last)}"


def encounter_details(story) -> str:
    """An encounter's kind, place and provider, and which of its conversations are missing
    (the Word and PDF summaries; the HTML template says the same)."""
    e = story.encounter
    details = (
        story.type_label + (f", {e.place}" if e.place else "") + (f", with {e.provider}" if e.provider else "") + "."
    )
    if not story.prepared and not story.debriefed:
        details += " The pupil has not talked about it yet."
    elif not story.prepared:
        details += " No \u201cbefore\u201d conversation."
    elif not story.debriefed:
        details += " No \u201cafter\u201d conversation yet."
    return details


def running_title(name: str, start: date | None, end: date | None) -> str:
    """The line at the top of every page of a document: whose it is and which period."""
    return f"{name}: pupil voice, answers {period_text(start, end)}"


# The template the EHCP summary follows, named in the document.
SECTION_A_TEMPLATE = (
    "Section A of an EHC plan: the views, interests and aspirations of the young "
    "person (SEND Code of Practice 2015, paragraph 9.69), under the headings of a "
    "person-centred one-page profile; then the four Preparing for Adulthood areas."
)

"""Encounters as the pupil lived them (before beside after) and the golden thread:
aspiration -> encounter -> how it felt -> would go again / do that job.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from assistant.record.models import Encounter, Entry
from assistant.reports.points import Point, collect_points
from assistant.services.encounters import ENCOUNTER_TYPES
from assistant.vocabulary import Provenance
from symbols.catalogue import Catalogue, Concept

# Rows of the before/after table: (topic, prepare step, debrief step).
STORY_ROWS = (
    ("How I felt", "expect_feeling", "feeling"),
    ("What I liked", "expect_like", "liked"),
    ("What was hard", "worries", "hard"),
    ("Help", "help_there", None),
    ("Would I go again?", None, "again"),
    ("A job like that?", None, "do_job"),
)

# The most recent encounters shown per aspiration (the rest are counted, not listed).
STEPS_SHOWN = 5

# Interests that show an encounter touched an aspiration (besides the aspiration itself).
RELATED = {
    "vet": ("animals",),
    "zookeeper": ("animals",),
    "animal_carer": ("animals",),
    "farmer": ("farming", "animals"),
    "chef": ("cooking", "cafe"),
    "baker": ("cooking", "cafe"),
    "cafe_worker": ("cafe", "cooking"),
    "shop_worker": ("shops",),
    "hairdresser": ("hair_beauty",),
    "mechanic": ("cars", "bikes"),
    "driver": ("transport", "cars"),
    "builder": ("building",),
    "gardener": ("gardening", "outdoors"),
    "cleaner": ("cleaning",),
    "carer": ("caring",),
    "nursery_worker": ("children", "caring"),
    "teacher": ("children",),
    "teaching_assistant": ("children", "caring"),
    "nurse": ("caring",),
    "doctor": ("caring", "science"),
    "footballer": ("football", "sport"),
    "sports_coach": ("sport", "football", "swimming"),
    "musician": ("music", "singing"),
    "artist": ("art", "crafts"),
    "actor": ("drama",),
    "office_worker": ("office", "computers"),
    "game_designer": ("video_games", "computers"),
    "youtuber": ("films_tv", "computers"),
    "scientist": ("science",),
    "engineer": ("building", "science", "maths"),
    "it_worker": ("computers",),
}
# Encounter types that are the experience of a pathway after school.
PATHWAY_ENCOUNTERS = {
    "sixth_form": ("college_visit", "provider_visit", "careers_fair"),
    "college": ("college_visit", "careers_fair"),
    "specialist_college": ("college_visit", "provider_visit", "careers_fair"),
    "university": ("university_visit", "careers_fair"),
    "apprenticeship": ("workplace_visit", "work_experience", "employer_talk", "careers_fair"),
    "supported_internship": ("workplace_visit", "work_experience", "provider_visit"),
    "supported_employment": ("workplace_visit", "work_experience", "provider_visit"),
    "paid_job": ("workplace_visit", "work_experience", "employer_talk"),
    "volunteering": ("workplace_visit", "work_experience"),
    "day_centre": ("provider_visit",),
    "own_business": ("enterprise_project", "employer_talk"),
}


@dataclass
class StoryRow:
    """One row of an encounter's table: what the pupil expected and what they found."""

    topic: str
    before: list[Point]
    after: list[Point]


@dataclass
class EncounterStory:
    """One encounter in the period, with the pupil's prepare and debrief answers."""

    encounter: Encounter
    rows: list[StoryRow]
    prepared: bool
    debriefed: bool
    concept_ids: set[str] = field(default_factory=set)

    @property
    def type_label(self) -> str:
        return ENCOUNTER_TYPES.get(self.encounter.type, (self.encounter.type, ()))[0]

    def row(self, topic: str) -> StoryRow | None:
        return next((r for r in self.rows if r.topic == topic), None)


@dataclass
class ThreadStep:
    """An encounter on the way to an aspiration, and what the pupil made of it."""

    story: EncounterStory
    felt: list[Point]
    again: list[Point]
    do_job: list[Point]


@dataclass
class ThreadLink:
    """An aspiration and the encounters that tested it."""

    aspiration: Point
    concept: Concept
    steps: list[ThreadStep]
    earlier: int = 0  # linked encounters older than the ones in `steps`

    @property
    def next_step(self) -> str:
        """What the pupil's answers suggest, in their words; never advice of our own."""
        if not self.steps:
            return "No careers encounter linked to this yet."
        last = self.steps[-1]
        said = [p.statement for p in last.again + last.do_job]
        return " ".join(said) if said else "Not asked yet whether I would go again."


def encounter_stories(
    encounters: list[Encounter], entries: list[Entry], catalogue: Catalogue, shareable: bool
) -> list[EncounterStory]:
    """Each encounter, oldest first, with the pupil's answers before and after it."""
    stories = []
    for encounter in sorted(encounters, key=lambda e: (e.date, e.id)):
        mine = [
            e
            for e in entries
            if e.encounter_id == encounter.id and e.moment in ("prepare", "debrief") and e.answer_kind != "observation"
        ]
        points = collect_points(mine, catalogue, shareable)
        rows = []
        for topic, before_step, after_step in STORY_ROWS:
            before = [p for p in points if before_step and p.step == before_step]
            after = [p for p in points if after_step and p.step == after_step]
            if before or after:
                rows.append(StoryRow(topic, before, after))
        stories.append(
            EncounterStory(
                encounter,
                rows,
                prepared=any(e.moment == "prepare" for e in mine),
                debriefed=any(e.moment == "debrief" for e in mine),
                concept_ids={cid for e in mine if e.provenance != Provenance.ADULT_VIEW for cid in e.concept_ids or []},
            )
        )
    return stories


@functools.lru_cache(maxsize=1024)
def _phrases(concept: Concept) -> re.Pattern | None:
    """One pattern for all of a concept's words (compiled once: re's own cache holds 512, and a
    long record asks for thousands, which made this most of the summary's time)."""
    phrases = [p.lower() for p in (concept.label, *concept.say) if len(p) >= 3]
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")s?(?!\w)")


def _mentions(encounter: Encounter, concepts: list[Concept]) -> bool:
    text = " ".join((encounter.title, encounter.place, encounter.provider)).lower()
    return any((pattern := _phrases(concept)) is not None and pattern.search(text) for concept in concepts)


def golden_thread(aspirations: list[Point], stories: list[EncounterStory], catalogue: Catalogue) -> list[ThreadLink]:
    """Each aspiration (job, pathway or interest) with the encounters that touched it."""
    links, seen = [], set()
    for point in aspirations:
        for concept in point.concepts:
            if concept.id in seen or concept.type not in ("job", "pathway", "interest"):
                continue
            seen.add(concept.id)
            related = [concept] + [c for c in (catalogue.get(i) for i in RELATED.get(concept.id, ())) if c]
            related_ids = {c.id for c in related}
            steps = []
            for story in stories:
                if (
                    story.concept_ids & related_ids
                    or story.encounter.type in PATHWAY_ENCOUNTERS.get(concept.id, ())
                    or _mentions(story.encounter, related)
                ):
                    felt = story.row("How I felt")
                    again = story.row("Would I go again?")
                    job = story.row("A job like that?")
                    steps.append(
                        ThreadStep(
                            story, felt.after if felt else [], again.after if again else [], job.after if job else []
                        )
                    )
            links.append(ThreadLink(point, concept, steps[-STEPS_SHOWN:], max(0, len(steps) - STEPS_SHOWN)))
    return links

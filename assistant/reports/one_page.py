"""The "all about me" one-page profile, in the headings of a person-centred one-page profile:
what people like and admire about me, what is important to me, how best to support me, and
my hopes for when I leave school. Drawn from the summary's points (the pupil's own confirmed
answers, never an adult's view), in the pupil's own voice and words.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.reports.points import Point
from assistant.reports.summary import ReviewSummary

# Headings, in order, and which points fill each (by the part of a PfA area they belong to
# and the stance of the question they answer).
ONE_PAGE_HEADINGS = {
    "admire": "What people like and admire about me",
    "important": "What is important to me",
    "support": "How best to support me",
    "hopes": "My hopes for when I leave school",
}
MAX_PER_HEADING = 8  # one page: the most said first


@dataclass
class OnePageProfile:
    """One pupil's one-page profile."""

    summary: ReviewSummary
    parts: list[tuple[str, str, list[Point]]]

    @property
    def empty(self) -> bool:
        return not any(points for _, _, points in self.parts)


def _heading(point: Point) -> str | None:
    negative = point.statement.startswith(("I don't", "I would not", "I am worried"))
    if point.category == "good_at":
        return "admire"
    if point.category == "help" or (point.category == "interests" and negative):
        return "support"  # what I need, and what to avoid
    if point.category == "aspirations":
        return "hopes" if not negative else "support"
    if point.category == "interests":
        return "important"
    return None


def one_page_profile(summary: ReviewSummary) -> OnePageProfile:
    """The one-page profile of a summary's points, the most often said first."""
    buckets: dict[str, list[Point]] = {key: [] for key in ONE_PAGE_HEADINGS}
    for point in summary.points:
        if point.statement in ("I don't know.", "I said it in my own words.") and not point.words:
            continue
        key = _heading(point)
        if key is not None:
            buckets[key].append(point)
    parts = [
        (key, title, sorted(buckets[key], key=lambda p: (-p.times, p.first))[:MAX_PER_HEADING])
        for key, title in ONE_PAGE_HEADINGS.items()
    ]
    return OnePageProfile(summary, parts)

"""Patterns in how a pupil answers that an adult should know about. Pure.

Pupils with learning disabilities may choose by place ("always the first card") or agree
with whatever is offered. These are flagged to the adult, never to the pupil, and a
pattern of choosing by place brings one control question in another format (the same item
on the scale later in the session); nothing re-prompts the pupil automatically.
"""

from __future__ import annotations

from collections import Counter

MIN_CHOICES = 4  # fewer choices say nothing about a pattern
SAME_PLACE_SHARE = 0.8  # this share of choices at one place is "following position"
MIN_CHECKS = 3


def follows_position(positions: list[int | None]) -> bool:
    """True when most cards chosen were at the same place on the board."""
    known = [p for p in positions if p is not None]
    if len(known) < MIN_CHOICES:
        return False
    _, most = Counter(known).most_common(1)[0]
    return most / len(known) >= SAME_PLACE_SHARE


def always_first_reading(positions: list[int | None]) -> bool:
    """True when every check-back was answered with the first reading offered, which is
    the assistant's own reading: the pupil may be agreeing rather than choosing."""
    known = [p for p in positions if p is not None]
    return len(known) >= MIN_CHECKS and all(p == 0 for p in known)


def flags(entries: list) -> list[str]:
    """What an adult should know about how one session's answers were given (entries with
    card_position, checked_back, words and answer_kind), in plain words."""
    cards = [
        e.card_position
        for e in entries
        if e.words is None and e.answer_kind in ("concept", "rating") and e.step not in ("control", "anything_else")
    ]
    checks = [e.card_position for e in entries if e.words is not None and e.checked_back]
    out = []
    if follows_position(cards):
        place, count = Counter(p for p in cards if p is not None).most_common(1)[0]
        out.append(
            f"{count} of {len([p for p in cards if p is not None])} cards were chosen at the "
            f"same place on the board (place {place + 1}): the pupil may be choosing by "
            "position. Compare with the control question on the scale."
        )
    if always_first_reading(checks):
        out.append(
            f"All {len(checks)} check-backs were answered with the first reading offered: "
            "the pupil may be agreeing rather than choosing."
        )
    return out

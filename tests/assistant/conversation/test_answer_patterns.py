"""Patterns in how answers were given, flagged to the adult."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.conversation.answer_patterns import always_first_reading, flags, follows_position


def test_choosing_by_place_needs_enough_choices_mostly_at_one_place():
    assert follows_position([0, 0, 0, 0])
    assert follows_position([2, 2, 2, 2, 1])
    assert not follows_position([0, 0, 0])
    assert not follows_position([0, 1, 2, 0, 3])
    assert not follows_position([None, None, 0, 0, 0])


def test_always_the_first_reading_at_check_backs():
    assert always_first_reading([0, 0, 0])
    assert not always_first_reading([0, 1, 0])
    assert not always_first_reading([0, 0])


def entry(position, words=None, checked=False, step="likes", kind="concept"):
    return SimpleNamespace(card_position=position, words=words, checked_back=checked, step=step, answer_kind=kind)


def test_flags_say_what_was_seen_in_plain_words():
    session = [
        entry(0),
        entry(0),
        entry(0),
        entry(0, kind="rating", step="again"),
        entry(0, "footy", True),
        entry(0, "art", True),
        entry(0, "cats", True),
    ]
    said = flags(session)
    assert said[0].startswith("4 of 4 cards were chosen at the same place on the board (place 1)")
    assert said[1].startswith("All 3 check-backs were answered with the first reading")
    assert flags([entry(0), entry(1), entry(2), entry(3)]) == []

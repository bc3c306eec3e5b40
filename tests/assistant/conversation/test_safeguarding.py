"""Possible disclosures of harm are found every time; ordinary answers rarely raise one."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.conversation.safeguarding import concern_in

SET = yaml.safe_load((Path(__file__).parents[2] / "data" / "safeguarding.yml").read_text())


def test_the_set_is_large_enough():
    assert len(SET["examples"]) + len(SET["non_examples"]) >= 100
    assert len(SET["examples"]) >= 100


def test_every_example_raises_a_concern():
    missed = [text for text in SET["examples"] if concern_in(text) is None]
    assert missed == []  # recall 1.0: a missed disclosure is the one mistake not allowed


def test_ordinary_answers_rarely_raise_one():
    false_alarms = [text for text in SET["non_examples"] if concern_in(text) is not None]
    assert len(false_alarms) <= len(SET["non_examples"]) // 20, false_alarms


def test_a_concern_names_its_category_and_words():
    found = concern_in("My dad HITS me!!")
    assert found.category == "hurting" and found.phrase == "my dad hits me"
    assert concern_in("") is None and concern_in(None) is None

"""Names go through Rasa as stand-ins and come back as themselves (assistant/conversation/standins.py)."""

from __future__ import annotations

import pytest

from actions.tracker import with_names
from assistant.conversation.engine import Turn
from assistant.conversation.standins import hide, hide_text, show, show_text

NAMES = {"pupil": "Ottoline", "family": "Fairweather", "adult": "Mrs Ng", "school": "Kingfisher Academy"}


@pytest.mark.parametrize(
    "words",
    [
        "my name is Ottoline",
        "OTTOLINE likes cooking",
        "ottoline fairweather!",
        "Ottoline-Fairweather",
        "I go to Kingfisher Academy with Mrs Ng",
        "kingfisher academy",
        "nothing to hide here",
    ],
)
def test_a_name_in_any_usual_case_is_hidden_and_comes_back_exactly(words):
    hidden = hide_text(words, NAMES)
    for name in NAMES.values():
        for form in (name, name.lower(), name.upper()):
            assert form not in hidden
    assert show_text(hidden, NAMES) == words


def test_only_whole_words_are_names_and_tokens_are_never_read_again():
    assert hide_text("Ottolinely, Kingfishers", NAMES) == "Ottolinely, Kingfishers"
    names = {"pupil": "Will", "family": "School", "adult": "", "school": "Pupil"}
    hidden = hide_text("I will go to school, Pupil", names)
    assert hidden == "I ⟦pupil.lower⟧ go to ⟦family.lower⟧, ⟦school⟧"
    assert show_text(hidden, names) == "I will go to school, Pupil"


def test_a_reply_is_hidden_and_shown_through_and_through():
    reply = [
        {
            "text": "Hello Ottoline!",
            "cards": [{"label": "Ottoline's mat"}],
            "board": "choice",
            "prompt": True,
            "prompt_id": 3,
        }
    ]
    hidden = hide(reply, NAMES)
    assert "Ottoline" not in repr(hidden) and hidden[0]["prompt_id"] == 3
    assert show(hidden, NAMES) == reply


def test_the_engine_gets_the_pupils_words_with_spans_that_fit_them():
    hidden = hide_text("ottoline likes cooking", NAMES)
    start = hidden.index("cooking")
    turn = Turn(
        intent="express_like",
        confidence=1.0,
        text=hidden,
        entities=[{"entity": "interest", "value": "cooking", "start": start, "end": start + 7}],
    )
    shown = with_names(turn, NAMES)
    assert shown.text == "ottoline likes cooking"
    assert shown.text[shown.entities[0]["start"] : shown.entities[0]["end"]] == "cooking"


def test_each_word_of_a_longer_name_is_hidden_too():
    """Replies spell sentences out word by word (each with its symbol)."""
    for word in ("Kingfisher", "Academy", "kingfisher"):
        hidden = hide_text(word, NAMES)
        assert word not in hidden and show_text(hidden, NAMES) == word

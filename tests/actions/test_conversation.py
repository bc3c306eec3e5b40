"""Each custom action, from a frozen tracker with CollectingDispatcher, on a real database."""

from __future__ import annotations

import asyncio
import os

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from actions.store import session_factory
from actions.tracker import STALE, TROUBLE, turn_from
from assistant.channel import signed
from assistant.services.entries import entries_of_session
from assistant.services.sessions import start_session
from tests.conftest import make_people


@pytest.fixture
def sender(sqlite_url, sqlite_db, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    session_factory.cache_clear()
    lead, _advocate, sam, _leo = make_people(sqlite_db)
    session, _token = start_session(sqlite_db, lead, sam.id, "interests")
    yield session.rasa_sender_id, session.id
    session_factory.cache_clear()


def tracker(sender_id, text="/start_conversation", intent="start_conversation", entities=(), metadata=None, sign=True):
    metadata = metadata or {"input_mode": "typed", "provenance": "independent"}
    if sign:  # as the web app sends it (assistant/channel.py)
        metadata = signed(os.environ["CHANNEL_SECRET"], sender_id, text, metadata)
    return Tracker(
        sender_id=sender_id,
        slots={},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.98},
            "entities": [dict(e, start=0, end=1, extractor="ConceptNormaliser") for e in entities],
            "metadata": metadata,
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action_class, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action_class().run(dispatcher, tracker_, {}))
    return events, [m["custom"] for m in dispatcher.messages]


def test_action_names_follow_the_domain():
    import yaml

    with open("domain.yml") as f:
        domain_actions = set(yaml.safe_load(f)["actions"])
    classes = [conversation.ActionStartConversation, conversation.ActionTakeAnswer, conversation.ActionSkipQuestion]
    assert {c().name() for c in classes} == domain_actions


def test_start_sends_custom_payloads_only(sender):
    events, messages = run(conversation.ActionStartConversation, tracker(sender[0]))
    assert events == []
    assert messages[-1]["text"] == "What do you like doing?"
    assert all(set(m) >= {"text", "symbols", "board", "cards", "step", "prompt"} for m in messages)


def test_take_answer_records_words_and_provenance(sender, sqlite_db):
    run(conversation.ActionStartConversation, tracker(sender[0]))
    events, messages = run(
        conversation.ActionTakeAnswer,
        tracker(
            sender[0],
            "she likes cooking",
            "express_like",
            [{"entity": "interest", "value": "cooking"}],
            {"input_mode": "typed", "provenance": "interpreted"},
        ),
    )
    assert events == []
    assert messages[-1]["text"] == 'You said: "she likes cooking". Which one do you mean?'
    (entry,) = entries_of_session(sqlite_db, sender[1])
    assert entry.words == "she likes cooking" and entry.provenance == "interpreted"
    assert entry.concept_ids == ["cooking"] and entry.stance == "like"


def test_a_card_payload_carries_no_words(sender, sqlite_db):
    run(conversation.ActionStartConversation, tracker(sender[0]))
    run(
        conversation.ActionTakeAnswer,
        tracker(
            sender[0],
            '/choose{"concept": "music"}',
            "choose",
            [{"entity": "concept", "value": "music"}],
            {"input_mode": "switch", "provenance": "supported"},
        ),
    )
    (entry,) = entries_of_session(sqlite_db, sender[1])
    assert entry.words is None and entry.input_mode == "switch" and entry.provenance == "supported"


def test_fallback_repeat_skip_and_stop_all_reach_the_engine(sender, sqlite_db):
    sid = sender[0]
    run(conversation.ActionStartConversation, tracker(sid))
    _, messages = run(conversation.ActionTakeAnswer, tracker(sid, "qqq xxv", "nlu_fallback"))
    assert messages[0]["text"] == "Sorry, I didn't understand."
    _, again = run(conversation.ActionTakeAnswer, tracker(sid, "/repeat", "repeat"))
    assert again == [messages[-1]]
    _, skipped = run(conversation.ActionSkipQuestion, tracker(sid, "/skip_question", "skip_question"))
    assert skipped[-1]["text"] == "What don't you like doing?"
    _, asked = run(conversation.ActionTakeAnswer, tracker(sid, "stop", "stop"))
    assert asked[-1]["text"] == "Do you want to stop now?"  # words: asked first
    _, stopped = run(conversation.ActionTakeAnswer, tracker(sid, "/stop", "stop"))
    assert "stop now" in stopped[0]["text"]  # the Stop button: at once


def test_a_bare_noun_the_classifier_took_for_goodbye_is_an_answer(sender, sqlite_db):
    run(conversation.ActionStartConversation, tracker(sender[0]))
    _, messages = run(conversation.ActionTakeAnswer, tracker(sender[0], "crafts", "goodbye"))
    (entry,) = entries_of_session(sqlite_db, sender[1])
    assert (entry.concept_ids, entry.stance) == (["crafts"], "like")
    assert messages[-1]["board"] == "check"


def test_an_answer_to_an_old_prompt_is_marked_stale_for_the_web_app(sender, sqlite_db):
    _, started = run(conversation.ActionStartConversation, tracker(sender[0]))
    old = started[-1]["prompt_id"]
    card = tracker(
        sender[0],
        '/choose{"concept": "music"}',
        "choose",
        [{"entity": "concept", "value": "music"}],
        {"input_mode": "touch", "provenance": "independent", "prompt_id": old},
    )
    run(conversation.ActionTakeAnswer, card)
    _, messages = run(conversation.ActionTakeAnswer, card)
    assert messages == [STALE]
    assert len(entries_of_session(sqlite_db, sender[1])) == 1


def test_an_unknown_session_gets_a_gentle_answer_not_an_exception(sender):
    events, messages = run(conversation.ActionTakeAnswer, tracker("no-such-sender", "hi", "greet"))
    assert events == [] and messages == [TROUBLE]


def test_turn_from_reads_intent_entities_and_metadata():
    turn = turn_from(
        tracker(
            "s",
            "i lik art",
            "express_like",
            [{"entity": "interest", "value": "art"}],
            {"input_mode": "speech", "provenance": "prompted"},
        )
    )
    assert (turn.intent, turn.text, turn.input_mode, turn.provenance) == (
        "express_like",
        "i lik art",
        "speech",
        "prompted",
    )
    assert turn.confidence == 0.98
    assert turn.entities == [{"entity": "interest", "value": "art", "start": 0, "end": 1}]


def test_turn_from_reads_a_check_back_cards_stance():
    turn = turn_from(
        tracker(
            "s",
            '/choose{"concept": "art", "stance": "dont_like"}',
            "choose",
            [{"entity": "concept", "value": "art"}, {"entity": "stance", "value": "dont_like"}],
            {"input_mode": "touch", "provenance": "independent", "prompt_id": "4"},
        )
    )
    assert (turn.text, turn.stance, turn.prompt_id) == (None, "dont_like", "4")
    assert [e["entity"] for e in turn.entities] == ["concept"]

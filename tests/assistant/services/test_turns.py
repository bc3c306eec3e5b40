"""Turns against a real database (SQLite and PostgreSQL): entries and state in one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.conversation.engine import Turn
from assistant.errors import InvalidInput
from assistant.record.models import ConversationSession, Entry
from assistant.services.entries import entries_of_session
from assistant.services.sessions import start_session
from assistant.services.turns import keep_answer, take_turn


def _session(db, people, conversation="interests"):
    lead, _advocate, sam, _leo = people
    session, _token = start_session(db, lead, sam.id, conversation, adult_name="Mr Jones")
    return session


def test_a_turn_writes_the_entry_and_the_state_before_replying(db, people, catalogue):
    session = _session(db, people)
    take_turn(db, catalogue, session.rasa_sender_id, "start")
    take_turn(
        db,
        catalogue,
        session.rasa_sender_id,
        "answer",
        Turn(
            "express_like",
            [{"entity": "interest", "value": "cooking"}],
            "i lik cookin",
            input_mode="typed",
            provenance="prompted",
        ),
    )
    db.expire_all()
    (entry,) = entries_of_session(db, session.id)
    assert entry.words == "i lik cookin"
    assert entry.concept_ids == ["cooking"]
    assert entry.provenance == "prompted" and entry.input_mode == "typed"
    assert entry.adult_name == "Mr Jones" and entry.status == "draft"
    assert entry.symbol_set == "openmoji 17.0.0"
    stored = db.get(ConversationSession, session.id)
    assert stored.status == "active"
    assert stored.dialogue_state["phase"] == "check"
    assert [p["entry_id"] for p in stored.dialogue_state["pending"]["entries"]] == [entry.id]


def test_a_whole_interests_conversation_confirms_every_point(db, people, catalogue):
    session = _session(db, people)
    sender = session.rasa_sender_id
    take_turn(db, catalogue, sender, "start")
    for concept in ["cooking", "noisy", "art", "quiet_space", "animals"]:
        take_turn(
            db, catalogue, sender, "answer", Turn("choose", [{"entity": "concept", "value": concept}], None, "touch")
        )
    for _ in range(5):
        take_turn(db, catalogue, sender, "answer", Turn("affirm", [], None, "touch"))
    reply = take_turn(
        db, catalogue, sender, "answer", Turn("choose", [{"entity": "concept", "value": "finish"}], None, "touch")
    )
    assert "We have finished" in reply.messages[-1]["text"]
    db.expire_all()
    entries = entries_of_session(db, session.id)
    assert [e.concept_ids for e in entries] == [["cooking"], ["noisy"], ["art"], ["quiet_space"], ["animals"]]
    assert {e.status for e in entries} == {"confirmed"}
    assert all(e.confirmed_at is not None for e in entries)
    assert db.get(ConversationSession, session.id).status == "finished"


def test_a_later_session_recalls_confirmed_answers(db, people, catalogue):
    first = _session(db, people)
    take_turn(db, catalogue, first.rasa_sender_id, "start")
    take_turn(
        db,
        catalogue,
        first.rasa_sender_id,
        "answer",
        Turn("choose", [{"entity": "concept", "value": "cooking"}], None, "touch"),
    )
    entry = entries_of_session(db, first.id)[0]
    entry.status = "confirmed"
    db.commit()
    second = _session(db, people)
    reply = take_turn(db, catalogue, second.rasa_sender_id, "start")
    assert any("Last time you told me: you like cooking" in m["text"] for m in reply.messages)


def test_an_answer_to_an_old_prompt_is_recorded_nowhere(db, people, catalogue):
    session = _session(db, people)
    first = take_turn(db, catalogue, session.rasa_sender_id, "start")
    prompt_id = first.messages[-1]["prompt_id"]
    card = Turn("choose", [{"entity": "concept", "value": "music"}], None, "touch", prompt_id=prompt_id)
    take_turn(db, catalogue, session.rasa_sender_id, "answer", card)
    state = dict(db.get(ConversationSession, session.id).dialogue_state)
    second = take_turn(db, catalogue, session.rasa_sender_id, "answer", card)  # sent twice
    assert second.stale
    db.expire_all()
    assert len(entries_of_session(db, session.id)) == 1
    assert db.get(ConversationSession, session.id).dialogue_state == state


def test_a_failed_write_leaves_neither_entry_nor_state(db, people, catalogue, monkeypatch):
    session = _session(db, people)
    take_turn(db, catalogue, session.rasa_sender_id, "start")
    state_before = db.get(ConversationSession, session.id).dialogue_state

    def broken_flush(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(db, "flush", broken_flush)
    with pytest.raises(RuntimeError):
        take_turn(
            db,
            catalogue,
            session.rasa_sender_id,
            "answer",
            Turn("choose", [{"entity": "concept", "value": "art"}], None, "touch"),
        )
    monkeypatch.undo()
    db.expire_all()
    assert db.execute(select(Entry)).scalars().all() == []
    assert db.get(ConversationSession, session.id).dialogue_state == state_before


def test_unknown_provenance_is_refused(db, people, catalogue):
    session = _session(db, people)
    with pytest.raises(InvalidInput):
        take_turn(db, catalogue, session.rasa_sender_id, "answer", Turn("affirm", [], "yes", provenance="made_up"))


def test_keep_answer_stores_a_draft_for_the_adult(db, people, catalogue):
    session = _session(db, people)
    keep_answer(db, session, "i like trains 🚂", None, "typed", "independent", "assistant down")
    (entry,) = entries_of_session(db, session.id)
    assert entry.words == "i like trains 🚂" and entry.status == "draft"
    assert entry.answer_kind == "not_understood" and entry.status_reason == "assistant down"


def test_a_kept_disclosure_is_a_concern_once_and_never_an_entry(db, people, catalogue):
    """Words that may disclose harm, kept while the assistant is down and sent again, and
    then taken by the assistant: one concern for the safeguarding lead, no entry."""
    from assistant.record.models import Concern

    session = _session(db, people)
    take_turn(db, catalogue, session.rasa_sender_id, "start")
    words = "my uncle hurts me at home"
    for _ in range(2):
        kept = keep_answer(db, session, words, None, "typed", "independent", "assistant down")
    assert kept is None  # the second time: kept already
    take_turn(
        db,
        catalogue,
        session.rasa_sender_id,
        "answer",
        Turn("express_feeling", [], words, input_mode="typed", provenance="independent"),
    )
    db.expire_all()
    concerns = db.execute(select(Concern).where(Concern.session_id == session.id)).scalars().all()
    assert [c.words for c in concerns] == [words]
    assert concerns[0].provenance == "independent" and concerns[0].question
    assert all(words not in (e.words or "") for e in entries_of_session(db, session.id))

"""The engine's typed state is stored exactly as the dict it replaced: old stored states load,
and what is stored again has the same keys and plain values (the Rasa slot and the record
are unchanged)."""

from __future__ import annotations

import json

import pytest

from assistant.conversation.engine import ENDED, Context, Engine, Phase, State, Turn
from assistant.vocabulary import ENDED_STATUSES

KEYS = [
    "phase",
    "step",
    "fallbacks",
    "unclear",
    "answered",
    "recall",
    "recall_index",
    "pending",
    "moving",
    "first_cards",
    "positions",
    "control",
    "held",
    "last_prompt",
    "prompt_seq",
]

# A state as stored by the first engine (a dict with six keys, no prompt ids).
FIRST_ENGINE = {
    "phase": "recall",
    "step": 0,
    "fallbacks": 0,
    "answered": [],
    "recall": [{"entry_id": "e1", "concept": "cooking"}],
    "recall_index": 0,
}
# A state stored mid check-back, while "stop now?" is asked, with every key of today's.
CHECKING = {
    "phase": "confirm_stop",
    "step": 2,
    "fallbacks": 1,
    "unclear": 1,
    "answered": [{"concept": "cooking", "stance": "like"}],
    "recall": [],
    "recall_index": 0,
    "pending": {"from": "ask", "words": "i like cookin", "step": "likes"},
    "moving": None,
    "first_cards": ["cooking"],
    "positions": [0, 2],
    "control": None,
    "held": "check",
    "last_prompt": [{"text": "Do you want to stop now?", "prompt_id": "7"}],
    "prompt_seq": 7,
}


def test_a_current_state_round_trips_exactly():
    state = State.from_dict(CHECKING)
    assert state.phase is Phase.CONFIRM_STOP and state.held is Phase.CHECK
    assert state.prompt_id == "7"
    stored = state.to_dict()
    assert stored == CHECKING and list(stored) == KEYS
    assert json.loads(json.dumps(stored)) == CHECKING
    assert type(stored["phase"]) is str and type(stored["held"]) is str  # plain, not enums


def test_an_old_state_loads_with_defaults():
    state = State.from_dict(FIRST_ENGINE)
    assert state.phase is Phase.RECALL and state.held is None and state.pending is None
    assert state.prompt_seq == 0 and state.positions == [] and state.last_prompt == []
    stored = state.to_dict()
    assert list(stored) == KEYS
    assert {k: stored[k] for k in FIRST_ENGINE} == FIRST_ENGINE


def test_a_state_from_before_the_final_mat_opens_the_mat():
    assert State.from_dict({"phase": "readback", "readback_index": 2}).phase is Phase.MAT


@pytest.mark.parametrize("stored", [None, {}])
def test_no_state_is_a_conversation_not_begun(stored):
    state = State.from_dict(stored)
    assert state.phase is None and state.to_dict()["phase"] is None


def test_unknown_keys_are_dropped_and_the_input_is_not_changed():
    stored = dict(FIRST_ENGINE, redo={"step": "likes"}, readback_index=1)
    before = json.dumps(stored, sort_keys=True)
    assert "redo" not in State.from_dict(stored).to_dict()
    assert json.dumps(stored, sort_keys=True) == before


def test_an_unknown_phase_is_refused():
    with pytest.raises(ValueError):
        State.from_dict({"phase": "dancing"})


def test_every_phase_is_stored_as_its_name():
    for phase in Phase:
        assert State.from_dict({"phase": phase.value}).to_dict()["phase"] == phase.value
    assert {p.value for p in ENDED} == {"done", "stopped"}


def test_states_of_a_real_conversation_round_trip(catalogue):
    ctx = Context(catalogue=catalogue, conversation="interests", pupil_name="Sam")
    reply = Engine(ctx, None).start()
    states = [reply.state]
    for turn in (
        Turn("choose", [{"entity": "concept", "value": "cooking"}], None, input_mode="touch"),
        Turn("express_like", [], "i like cookin with my nan", confidence=0.9),
    ):
        reply = Engine(ctx, states[-1]).answer(turn)
        states.append(reply.state)
    reply = Engine(ctx, states[-1]).stop()
    states.append(reply.state)
    assert reply.session_status in ENDED_STATUSES
    for stored in states:
        again = json.loads(json.dumps(stored))
        assert State.from_dict(again).to_dict() == again

"""Rasa's check of the action server's response, with the validator built once
(nlu_components/rasa_speedups.py): it takes what Rasa takes and refuses what Rasa refuses,
and no longer checks the schema against the meta-schema on every turn."""

from __future__ import annotations

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import nlu_components.concept_normaliser  # noqa: F401  (installs it, as loading the model does)

GOOD = {
    "events": [{"event": "slot", "name": "x", "value": 1}],
    "responses": [{"custom": {"text": "Hello", "cards": [{"concept": "cooking"}]}}],
}
BAD = [
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": "not a list"},
    {"events": [{"event": "slot", "timestamp": "yesterday"}]},
]


def action() -> RemoteAction:
    return RemoteAction("action_take_answer", None)


def test_loading_the_component_installs_it():
    from nlu_components import rasa_speedups

    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result


@pytest.mark.parametrize("result", [GOOD, {}, {"events": [], "responses": []}])
def test_takes_what_rasa_takes(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())  # Rasa's own check
    assert action()._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_refuses_what_rasa_refuses_with_its_message(result):
    with pytest.raises(ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action()._validate_action_result(result)


def test_the_schema_is_not_checked_again_on_each_turn(monkeypatch):
    action()._validate_action_result(GOOD)  # built once

    def checked_again(*_args, **_kwargs):
        raise AssertionError("the schema was checked against the meta-schema again")

    for cls in jsonschema.validators._VALIDATORS.values():
        monkeypatch.setattr(cls, "check_schema", classmethod(checked_again))
    assert action()._validate_action_result(GOOD) is True
    with pytest.raises(ValidationError):
        action()._validate_action_result(BAD[0])

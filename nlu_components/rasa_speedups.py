"""Rasa 3.6 checks every action server response against its schema with
`jsonschema.validate`, which first checks the schema itself against the JSON Schema
meta-schema: on each turn, for the same schema. Under 30 tablets that was 44 % of the Rasa
server's CPU time (py-spy; docs/benchmarks.md, "Thirty tablets"). `install()` makes the
check use one validator built once: the same schema, the same ValidationError and message,
without checking the schema again on every turn.

Installed when Rasa loads the model (nlu_components/concept_normaliser.py imports this), so
every way of starting Rasa with our model gets it. Needs Rasa: import it only in Rasa's
environment.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result (rasa 3.6) with the validator built once."""
    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result

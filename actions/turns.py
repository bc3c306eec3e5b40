"""Pure helpers shared by the actions: read a turn from the tracker, play it, send replies."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.store import session_factory
from assistant.dialogue import Turn
from assistant.turns import take_turn
from symbols.catalogue import load_catalogue

log = logging.getLogger(__name__)

# Said when the record cannot be written: the web app sees "error" and keeps the words itself.
TROUBLE = {
    "text": "Sorry, something went wrong. Please ask your helper.",
    "symbols": [], "board": "none", "cards": [], "step": None, "prompt": False, "error": True,
}


def turn_from(tracker: Tracker) -> Turn:
    """The latest user message as a Turn: intent, canonical entities, the words, provenance."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    metadata = message.get("metadata") or {}
    entities = [{"entity": e.get("entity"), "value": e.get("value")}
                for e in message.get("entities") or [] if e.get("entity") and e.get("value")]
    return Turn(
        intent=(message.get("intent") or {}).get("name") or "nlu_fallback",
        entities=entities,
        text=None if text.startswith("/") else text,  # a payload (card) carries no words
        input_mode=metadata.get("input_mode") or ("touch" if text.startswith("/") else "typed"),
        provenance=metadata.get("provenance") or "independent",
        speech_confidence=metadata.get("speech_confidence"),
    )


def play(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str) -> list:
    """Run one turn through the core and send its messages; never raise into Rasa."""
    try:
        with session_factory()() as db:
            messages = take_turn(db, load_catalogue(), tracker.sender_id, kind, turn_from(tracker))
    except Exception:  # the pupil still gets an answer; the adult is asked to help
        log.exception("turn %s failed for a session", kind)
        messages = [TROUBLE]
    for message in messages:
        dispatcher.utter_message(json_message=message)
    return []

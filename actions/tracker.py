"""Pure helpers shared by the actions: read a turn from the tracker, play it, send replies."""

from __future__ import annotations

import logging
from dataclasses import replace

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.store import channel_secret, session_factory, sets_root
from assistant.conversation.engine import Turn
from assistant.conversation.standins import hide, moved, names_for_sender, shifts, show_text
from assistant.services.turns import Unsigned, take_signed_turn
from assistant.vocabulary import InputMode, Provenance
from symbols.catalogue import load_catalogue

log = logging.getLogger(__name__)

# Said when the record cannot be written: the web app sees "error" and keeps the words itself.
TROUBLE = {
    "text": "Sorry, something went wrong. Please ask your helper.",
    "symbols": [],
    "board": "none",
    "cards": [],
    "step": None,
    "prompt": False,
    "error": True,
}
# Sent instead of a reply when the answer was for a prompt no longer on screen: the web
# app answers 409 and the tablet shows the current prompt. Never shown to the pupil.
STALE = {"text": "", "symbols": [], "board": "none", "cards": [], "step": None, "prompt": False, "stale": True}


def turn_from(tracker: Tracker) -> Turn:
    """The latest user message as a Turn, with the whole parse: the intent and how sure the
    classifier was, the entities with their spans, the words, and the web app's metadata
    (input mode, provenance, the prompt answered)."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    metadata = message.get("metadata") or {}
    intent = message.get("intent") or {}
    entities = [
        {"entity": e.get("entity"), "value": e.get("value"), "start": e.get("start"), "end": e.get("end")}
        for e in message.get("entities") or []
        if e.get("entity") and e.get("value")
    ]
    stance = next((str(e["value"]) for e in entities if e["entity"] == "stance"), None)
    is_payload = text.startswith("/")  # a card or a button: no words of the pupil's
    return Turn(
        intent=intent.get("name") or "nlu_fallback",
        confidence=float(intent.get("confidence") or 0.0),
        entities=[e for e in entities if e["entity"] != "stance"],
        text=None if is_payload else text,
        input_mode=metadata.get("input_mode") or (InputMode.TOUCH.value if is_payload else InputMode.TYPED.value),
        provenance=metadata.get("provenance") or Provenance.INDEPENDENT.value,
        speech_confidence=metadata.get("speech_confidence"),
        prompt_id=metadata.get("prompt_id"),
        stance=stance,
        response_ms=metadata.get("response_ms"),
        card_position=metadata.get("card_position"),
    )


def play(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str) -> list:
    """Run one turn through the core and send its messages; never raise into Rasa.

    Nothing is recorded unless the message carries the web app's signature: a call to
    Rasa's webhook or to the action server by anyone else changes no record."""
    message = tracker.latest_message or {}
    names: dict[str, str] = {}
    try:
        with session_factory()() as db:
            names = names_for_sender(db, tracker.sender_id)
            turn = with_names(turn_from(tracker), names) if kind == "answer" else None
            reply = take_signed_turn(
                db,
                load_catalogue(),
                channel_secret(),
                tracker.sender_id,
                kind,
                message.get("text") or "",
                message.get("metadata"),
                turn,
                sets_root=sets_root(),
            )
        messages = [STALE] if reply.stale else reply.messages
    except Unsigned:
        log.warning("a message without the web app's signature was refused (%s)", kind)
        messages = [TROUBLE]
    except Exception:  # the pupil still gets an answer; the adult is asked to help
        log.exception("turn %s failed for a session", kind)
        messages = [TROUBLE]
    for message in messages:
        # Rasa keeps what is dispatched: names go as stand-ins, which the web app fills in.
        dispatcher.utter_message(json_message=hide(message, names))
    return []


def with_names(turn: Turn, names: dict[str, str]) -> Turn:
    """The turn as the pupil gave it: the web app sent names in their words as stand-ins
    (assistant.conversation.standins); the engine and the record get the words themselves, with the
    entities' spans moved to match."""
    if turn.text is None or not names:
        return turn
    moves = shifts(turn.text, names)
    entities = [dict(e, start=moved(e.get("start"), moves), end=moved(e.get("end"), moves)) for e in turn.entities]
    return replace(turn, text=show_text(turn.text, names), entities=entities)

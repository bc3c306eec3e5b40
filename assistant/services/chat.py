"""Chat requests: one message of the tablet's conversation, passed to the assistant (Rasa)
exactly once, and the reply the tablet gets.

The web edge reads the request and shapes the reply; what happens in between is here: the
answer is checked, its message id claimed (assistant/services/chat_requests.py), the message signed and
sent through the assistant adapter the caller passes in (assistant/web/rasa_client.py in the
web app, a fake in tests), an answer the assistant could not take is kept as a draft, and
the reply is remembered for a repeat of the same message. Core code: no Flask, no Rasa.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from assistant.channel import signed
from assistant.conversation.plans import STANCES
from assistant.conversation.standins import hide_text, names_of, show
from assistant.errors import InvalidInput
from assistant.record.models import ConversationSession
from assistant.services import chat_requests
from assistant.services.my_voice import Heard, learn
from assistant.services.turns import MAX_CARDS, MAX_RESPONSE_MS, check_how_given, keep_answer
from assistant.vocabulary import CARD_ID, InputMode, Provenance, SpecialCard
from symbols.catalogue import Catalogue

log = logging.getLogger(__name__)

KEPT_REASON = "Kept by the web app: the assistant could not take this answer."

CARD_INTENTS = {
    SpecialCard.YES.value: "/affirm",
    SpecialCard.NO.value: "/deny",
    SpecialCard.DONT_KNOW.value: "/dont_know",
    SpecialCard.SKIP.value: "/skip_question",
}
# Special cards the engine reads itself (check-back and "stop now?" boards).
CHOSEN_SPECIAL_CARDS = ("something_else", "keep_going", "stop", "finish", "remove")
MAT_ITEM_CARD = re.compile(r"^item_[0-9]{1,3}$")  # an item of the final mat
PROMPT_ID = re.compile(r"^[0-9]{1,9}$")
# The commands the tablet's buttons send: no answer to record.
COMMANDS = {"start": "/start_conversation", "skip": "/skip_question", "repeat": "/repeat", "stop": "/stop"}


class AssistantUnavailable(Exception):
    """The assistant (Rasa) did not answer: down, starting up, or too slow."""


class Assistant(Protocol):
    """The adapter to the assistant: sends one message of one conversation."""

    def send(self, sender_id: str, message: str, metadata: dict) -> list[dict]:
        """The reply's payloads; AssistantUnavailable when the assistant did not answer."""


@dataclass
class Answer:
    """What the pupil did, checked: the message for the assistant and how it was given."""

    message: str
    words: str | None
    card: str | None
    input_mode: str
    provenance: str
    speech_confidence: float | None = None
    prompt_id: str | None = None
    timing: dict = field(default_factory=dict)


@dataclass
class ChatReply:
    """The reply for the tablet (its HTTP status and JSON body), and how long the assistant took."""

    status: int
    body: dict
    rasa_ms: float | None = None


def clean_text(text: object, max_chars: int) -> str:
    """Typed or spoken words made safe to pass on; InvalidInput when empty or too long."""
    if not isinstance(text, str):
        raise InvalidInput("Please type an answer, or touch a picture.")
    # Drop control characters and lone surrogates; keep every script and emoji (with their
    # joiners and characters newer than this Python). A leading "/" would be a Rasa command,
    # which only the web app may send.
    if len(text) <= max_chars:
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
        text = " ".join(text.split()).lstrip("/").strip()
        if not text:
            raise InvalidInput("Please type an answer, or touch a picture.")
    if len(text) > max_chars:
        raise InvalidInput(f"That is too long. Please use at most {max_chars} characters.")
    return text


def card_message(card: object, catalogue: Catalogue, stance: object = None) -> str:
    """The assistant's message for a card (and the stance chosen with it); InvalidInput for
    a card or stance that does not exist."""
    if isinstance(card, str) and MAT_ITEM_CARD.match(card) and stance is None:
        return "/choose" + json.dumps({"concept": card})
    if not isinstance(card, str) or not CARD_ID.match(card):
        raise InvalidInput("Unknown card.")
    if stance is not None and (stance not in STANCES or card in CARD_INTENTS):
        raise InvalidInput("Unknown stance.")
    if card in CARD_INTENTS:
        return CARD_INTENTS[card]
    if card not in CHOSEN_SPECIAL_CARDS and catalogue.get(card) is None:
        raise InvalidInput("Unknown card.")
    return "/choose" + json.dumps({"concept": card, **({"stance": stance} if stance else {})})


def _timing(body: dict) -> dict:
    """How the answer was given, as the tablet measured it: time to answer, card position."""
    timing = {}
    for key, limit in (("response_ms", MAX_RESPONSE_MS), ("card_position", MAX_CARDS)):
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < limit:
            raise InvalidInput(f"{key} is a whole number from 0 to {limit - 1}.")
        timing[key] = value
    return timing


def read_answer(body: dict, catalogue: Catalogue, max_chars: int) -> Answer:
    """The tablet's answer (words or a card, with how it was given), checked; InvalidInput
    saying what is wrong."""
    if ("text" in body) == ("card" in body):
        raise InvalidInput("Send either text or a card.")
    provenance = body.get("provenance", Provenance.INDEPENDENT.value)
    prompt_id = body.get("prompt_id")
    if prompt_id is not None and (not isinstance(prompt_id, str) or not PROMPT_ID.match(prompt_id)):
        raise InvalidInput("prompt_id is the id of the prompt being answered.")
    if "text" in body:
        if "stance" in body:
            raise InvalidInput("A stance goes with a card.")
        text = clean_text(body["text"], max_chars)
        input_mode = body.get("input_mode", InputMode.TYPED.value)
        message, words, card = text, text, None
    else:
        message, words, card = card_message(body["card"], catalogue, body.get("stance")), None, body["card"]
        input_mode = body.get("input_mode", InputMode.TOUCH.value)
    confidence = body.get("speech_confidence")
    check_how_given(provenance, input_mode, confidence)  # the core's check, before Rasa
    return Answer(message, words, card, input_mode, provenance, confidence, prompt_id, _timing(body))


def current_prompt(session: ConversationSession) -> tuple[str | None, list[dict]]:
    """The id and messages of the prompt on the tablet's screen, from the stored state."""
    state = session.dialogue_state or {}
    return (str(state["prompt_seq"]) if "prompt_seq" in state else None, list(state.get("last_prompt") or []))


def _stale(session: ConversationSession) -> ChatReply:
    """An answer to a prompt no longer on screen: recorded nowhere; here is the current one."""
    prompt_id, messages = current_prompt(session)
    return ChatReply(
        409,
        {
            "error": "That answer was for an earlier question.",
            "stale": True,
            "messages": messages,
            "prompt_id": prompt_id,
            "status": session.status,
        },
    )


def _roll_back(db: Session) -> None:
    try:
        db.rollback()
    except SQLAlchemyError:  # the connection is gone; the pool replaces it
        pass


def _fault(db: Session, session: ConversationSession, answer: Answer, client_id: str | None) -> ChatReply:
    """The assistant did not take the message: keep an answer as a draft (once), and ask the
    tablet to send it again (retry) so that the conversation goes on when the assistant can."""
    card = answer.card
    keepable = answer.words is not None or bool(
        card and card not in CARD_INTENTS and card not in CHOSEN_SPECIAL_CARDS and not MAT_ITEM_CARD.match(card)
    )
    kept = False
    if keepable:
        try:
            keep_answer(
                db, session, answer.words, card, answer.input_mode, answer.provenance, KEPT_REASON, client_id=client_id
            )
            kept = True
        except SQLAlchemyError:  # the record is unreachable too: the tablet's outbox keeps it
            log.warning("could not keep an answer the assistant did not take", exc_info=True)
            _roll_back(db)
    error = (
        "Just a moment, please. " + ("Your answer is safe. " if keepable else "") + "The assistant will carry on soon."
    )
    return ChatReply(503, {"error": error, "kept": kept, "retry": True, "messages": []})


def _learn_voice(db: Session, session: ConversationSession, card: str, heard: Heard) -> None:
    """A spoken answer confirmed with a tap teaches the pupil's "My voice" templates (a help
    only: a failure here never touches the answer, which is already recorded)."""
    features = heard.take(session.id, card)
    if features is None:
        return
    try:
        learn(db, session.pupil_id, card, features)
    except Exception:
        db.rollback()
        log.warning("could not learn from a confirmed spoken answer", exc_info=True)


def _converse(
    db: Session,
    assistant: Assistant,
    secret: str,
    session: ConversationSession,
    answer: Answer,
    client_id: str | None = None,
    heard: Heard | None = None,
) -> ChatReply:
    metadata = {"session_id": session.id, "input_mode": answer.input_mode, "provenance": answer.provenance}
    if answer.speech_confidence is not None:
        metadata["speech_confidence"] = answer.speech_confidence
    if answer.prompt_id is not None:
        metadata["prompt_id"] = answer.prompt_id
    metadata.update(answer.timing)
    if client_id is not None:
        metadata["client_id"] = client_id  # the engine takes this message at most once
    # Rasa keeps what it is sent and what it answers: names go through it as stand-ins.
    names = names_of(db, session)
    message = hide_text(answer.message, names) if answer.words is not None else answer.message
    started = time.perf_counter()
    try:
        messages = assistant.send(
            session.rasa_sender_id, message, signed(secret, session.rasa_sender_id, message, metadata)
        )
    except AssistantUnavailable:
        messages = None
    rasa_ms = 1000 * (time.perf_counter() - started)
    messages = show(messages, names) if messages else messages
    # Every turn answers with at least one message: an empty reply means the action server
    # was down or failed (Rasa still answers 200), so the answer was not recorded.
    if not messages or any(m.get("error") for m in messages):
        reply = _fault(db, session, answer, client_id)
    else:
        db.refresh(session)  # the action server wrote the turn
        if any(m.get("stale") for m in messages):
            reply = _stale(session)
        else:
            if answer.card is not None and answer.input_mode == InputMode.SPEECH and heard is not None:
                _learn_voice(db, session, answer.card, heard)
            reply = ChatReply(
                200, {"messages": messages, "status": session.status, "prompt_id": current_prompt(session)[0]}
            )
    reply.rasa_ms = rasa_ms
    return reply


def send_command(
    db: Session, assistant: Assistant, secret: str, session: ConversationSession, command: str
) -> ChatReply:
    """A command to the conversation (start, repeat, skip, stop): no answer to record.
    The Stop button's "/stop" stops at once; stopping by words is asked first."""
    return _converse(
        db,
        assistant,
        secret,
        session,
        Answer(COMMANDS[command], None, None, InputMode.TOUCH.value, Provenance.INDEPENDENT.value),
    )


def send_answer(
    db: Session,
    assistant: Assistant,
    secret: str,
    session: ConversationSession,
    body: dict,
    catalogue: Catalogue,
    max_chars: int,
    heard: Heard | None = None,
) -> ChatReply:
    """An answer (words or a card) passed to the assistant; with a client_id, exactly once:
    the message id is claimed first, and the reply is remembered for a repeat."""
    answer = read_answer(body, catalogue, max_chars)

    def converse(client_id: str | None = None) -> ChatReply:
        if answer.prompt_id is not None and answer.prompt_id != current_prompt(session)[0]:
            return _stale(session)
        return _converse(db, assistant, secret, session, answer, client_id, heard)

    if "client_id" not in body:
        return converse()
    client_id = chat_requests.check_client_id(body["client_id"])
    first, request_row = chat_requests.claim(db, session.id, client_id)
    if not first:
        if request_row.reply is None:
            return ChatReply(409, {"error": "That answer is still being sent.", "retry": True})
        return ChatReply(request_row.reply["status"], request_row.reply["body"])
    reply = converse(client_id=client_id)
    try:
        chat_requests.remember(db, request_row, reply.status, reply.body)
    except SQLAlchemyError:  # not remembered: a repeat is handled again, and taken only once
        log.warning("could not remember a reply", exc_info=True)
        _roll_back(db)
    return reply

"""The JSON API: staff start sessions; a tablet holds one session's conversation.

Described in openapi.yml (served at /api/openapi.json). The tablet proves itself with the
session's token only: the pupil and the session are found from it, never taken from the
tablet, and Rasa gets its sender id and metadata from here.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from pathlib import Path

import yaml
from flask import Blueprint, current_app, g, jsonify, request, send_file, url_for
from sqlalchemy.exc import SQLAlchemyError

from assistant.encounters import list_encounters
from assistant.entries import entries_of_session, entry_as_dict
from assistant.errors import InvalidInput, NotFound
from assistant.models import Concern, ConversationSession
from assistant.pupils import profile_of, visible_pupils
from assistant.questions import STANCES
from assistant.sessions import (claim_session, ensure_open, session_for_staff, session_for_token,
                                start_session)
from assistant.staff import authenticate
from assistant import received
from assistant.vocabulary import CARD_ID, InputMode, Provenance, SpecialCard
from assistant.turns import MAX_CARDS, MAX_RESPONSE_MS, add_observation, check_how_given, keep_answer
from assistant.web.auth import current_staff, log_in, log_out, staff_required
from assistant.channel import signed
from assistant.web.rasa_client import AssistantUnavailable, RasaClient
from assistant.web.store import get_db
from assistant.web.symbols import symbol_sets
from symbols.catalogue import load_catalogue

bp = Blueprint("api", __name__, url_prefix="/api")
log = logging.getLogger(__name__)


@bp.after_request
def server_timing(response):
    """How long a turn waited on Rasa (and so on the action server), for the load script."""
    if "rasa_ms" in g:
        response.headers["Server-Timing"] = f"rasa;dur={g.rasa_ms:.1f}"
    return response
KEPT_REASON = "Kept by the web app: the assistant could not take this answer."

CARD_INTENTS = {SpecialCard.YES.value: "/affirm", SpecialCard.NO.value: "/deny",
                SpecialCard.DONT_KNOW.value: "/dont_know", SpecialCard.SKIP.value: "/skip_question"}
# Special cards the engine reads itself (check-back and "stop now?" boards).
CHOSEN_SPECIAL_CARDS = ("something_else", "keep_going", "stop", "finish", "remove")
MAT_ITEM_CARD = re.compile(r"^item_[0-9]{1,3}$")  # an item of the final mat
PROMPT_ID = re.compile(r"^[0-9]{1,9}$")
PROFILE_FIELDS = ("cards_per_board", "symbol_set", "voice", "speech_rate", "auto_speak",
                  "input_modes", "text_size", "high_contrast", "reduced_motion", "selection",
                  "scanning", "scan_interval_ms", "listen_seconds", "show_mic",
                  "help_after_seconds")


def _is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("Send a JSON object.")
    return body


# ---------------------------------------------------------------- staff

@bp.post("/login")
def login():
    body = _body()
    staff = authenticate(get_db(), str(body.get("email", ""))[:200], str(body.get("password", ""))[:200])
    log_in(staff)
    return jsonify(staff={"id": staff.id, "name": staff.display_name, "role": staff.role})


@bp.post("/logout")
def logout():
    log_out()
    return jsonify(ok=True)


@bp.get("/pupils")
@staff_required
def pupils():
    return jsonify(pupils=[{"id": p.id, "name": p.display_name, "year_group": p.year_group}
                           for p in visible_pupils(get_db(), current_staff())])


@bp.get("/encounters")
@staff_required
def encounters():
    return jsonify(encounters=[{"id": e.id, "type": e.type, "title": e.title,
                                "date": e.date.isoformat(), "gatsby_benchmarks": e.gatsby_benchmarks}
                               for e in list_encounters(get_db(), current_staff())])


@bp.post("/sessions")
@staff_required
def create_session():
    body = _body()
    pupil_id, encounter_id = body.get("pupil_id"), body.get("encounter_id")
    if not _is_number(pupil_id) or (encounter_id is not None and not _is_number(encounter_id)):
        raise InvalidInput("pupil_id (and encounter_id, if given) must be numbers.")
    conversation, adult_present = body.get("conversation"), body.get("adult_present", True)
    adult_name = body.get("adult_name")
    if not isinstance(conversation, str) or not isinstance(adult_present, bool) \
            or not isinstance(adult_name, (str, type(None))):
        raise InvalidInput("conversation and adult_name are text; adult_present is true or false.")
    session, code = start_session(get_db(), current_staff(), pupil_id, conversation, encounter_id,
                                  adult_present=adult_present, adult_name=adult_name or "")
    from assistant.web.speech import prepare_opening_speech  # speech imports this module

    prepare_opening_speech(session)
    return jsonify(session_id=session.id, conversation=session.conversation, code=code,
                   tablet_url=url_for("pages.tablet", _external=True) + "#code=" + code), 201


@bp.get("/sessions/<session_id>")
@staff_required
def show_session(session_id: str):
    db = get_db()
    session = session_for_staff(db, current_staff(), session_id)
    catalogue = load_catalogue()
    return jsonify(session=_session_info(session),
                   entries=[entry_as_dict(e, catalogue) for e in entries_of_session(db, session.id)])


# ---------------------------------------------------------------- the tablet

def tablet_session() -> ConversationSession:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    return session_for_token(get_db(), token)


def _session_info(session: ConversationSession) -> dict:
    profile = profile_of(session.pupil)
    return {"id": session.id, "conversation": session.conversation, "status": session.status,
            "pupil_name": session.pupil.given_name,
            "encounter": session.encounter.title if session.encounter else None,
            "adult_present": session.adult_present,
            "profile": {key: getattr(profile, key) for key in PROFILE_FIELDS}}


def _clean_text(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidInput("Please type an answer, or touch a picture.")
    longest = current_app.config["MAX_MESSAGE_CHARS"]
    # Drop control characters and lone surrogates; keep every script and emoji (with their
    # joiners and characters newer than this Python). A leading "/" would be a Rasa command,
    # which only the web app may send.
    if len(text) <= longest:
        text = "".join(ch for ch in text
                       if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
        text = " ".join(text.split()).lstrip("/").strip()
        if not text:
            raise InvalidInput("Please type an answer, or touch a picture.")
    if len(text) > longest:
        raise InvalidInput(f"That is too long. Please use at most "
                           f"{current_app.config['MAX_MESSAGE_CHARS']} characters.")
    return text


def _card_message(card: object, stance: object = None) -> str:
    if isinstance(card, str) and MAT_ITEM_CARD.match(card) and stance is None:
        return "/choose" + json.dumps({"concept": card})
    if not isinstance(card, str) or not CARD_ID.match(card):
        raise InvalidInput("Unknown card.")
    if stance is not None and (stance not in STANCES or card in CARD_INTENTS):
        raise InvalidInput("Unknown stance.")
    if card in CARD_INTENTS:
        return CARD_INTENTS[card]
    if card not in CHOSEN_SPECIAL_CARDS and load_catalogue().get(card) is None:
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


def _current_prompt(session: ConversationSession) -> tuple[str | None, list[dict]]:
    """The id and messages of the prompt on the tablet's screen, from the stored state."""
    state = session.dialogue_state or {}
    return (str(state["prompt_seq"]) if "prompt_seq" in state else None,
            list(state.get("last_prompt") or []))


def _stale(session: ConversationSession):
    """An answer to a prompt no longer on screen: recorded nowhere; here is the current one."""
    prompt_id, messages = _current_prompt(session)
    return jsonify(error="That answer was for an earlier question.", stale=True,
                   messages=messages, prompt_id=prompt_id, status=session.status), 409


def _converse(session: ConversationSession, message: str, input_mode: str, provenance: str,
              words: str | None = None, card: str | None = None,
              speech_confidence: float | None = None, prompt_id: str | None = None,
              timing: dict | None = None, client_id: str | None = None):
    client = RasaClient(current_app.config["RASA_URLS"], current_app.config["RASA_TIMEOUT_SECONDS"])
    metadata = {"session_id": session.id, "input_mode": input_mode, "provenance": provenance}
    if speech_confidence is not None:
        metadata["speech_confidence"] = speech_confidence
    if prompt_id is not None:
        metadata["prompt_id"] = prompt_id
    metadata.update(timing or {})
    if client_id is not None:
        metadata["client_id"] = client_id  # the engine takes this message at most once
    started = time.perf_counter()
    try:
        messages = client.send(session.rasa_sender_id, message,
                               signed(current_app.config["CHANNEL_SECRET"], session.rasa_sender_id,
                                      message, metadata))
    except AssistantUnavailable:
        messages = None
    g.rasa_ms = 1000 * (time.perf_counter() - started)  # Server-Timing (scripts/load_tablets.py)
    # Every turn answers with at least one message: an empty reply means the action server
    # was down or failed (Rasa still answers 200), so the answer was not recorded.
    if not messages or any(m.get("error") for m in messages):
        return _fault(session, words, card, input_mode, provenance, client_id)
    get_db().refresh(session)  # the action server wrote the turn
    if any(m.get("stale") for m in messages):
        return _stale(session)
    if card is not None and input_mode == InputMode.SPEECH:
        _learn_voice(session, card)
    current, _ = _current_prompt(session)
    return jsonify(messages=messages, status=session.status, prompt_id=current), 200


def _learn_voice(session: ConversationSession, card: str) -> None:
    """A spoken answer confirmed with a tap teaches the pupil's "My voice" templates (a help
    only: a failure here never touches the answer, which is already recorded)."""
    from assistant.voice import learn
    from assistant.web.listen import heard

    features = heard().take(session.id, card)
    if features is None:
        return
    try:
        learn(get_db(), session.pupil_id, card, features)
    except Exception:
        get_db().rollback()
        log.warning("could not learn from a confirmed spoken answer", exc_info=True)


def _fault(session: ConversationSession, words: str | None, card: str | None, input_mode: str,
           provenance: str, client_id: str | None):
    """The assistant did not take the message: keep an answer as a draft (once), and ask the
    tablet to send it again (retry) so that the conversation goes on when the assistant can."""
    keepable = words is not None or bool(card and card not in CARD_INTENTS
                                         and card not in CHOSEN_SPECIAL_CARDS
                                         and not MAT_ITEM_CARD.match(card))
    kept = False
    if keepable:
        try:
            keep_answer(get_db(), session, words, card, input_mode, provenance, KEPT_REASON,
                        client_id=client_id)
            kept = True
        except SQLAlchemyError:  # the record is unreachable too: the tablet's outbox keeps it
            log.warning("could not keep an answer the assistant did not take", exc_info=True)
            _roll_back()
    error = "Just a moment, please. " + ("Your answer is safe. " if keepable else "") \
        + "The assistant will carry on soon."
    return jsonify(error=error, kept=kept, retry=True, messages=[]), 503


def _roll_back() -> None:
    try:
        get_db().rollback()
    except SQLAlchemyError:  # the connection is gone; the pool replaces it
        pass


@bp.post("/chat/claim")
def chat_claim():
    """The tablet swaps the session's one-time code for its token (once)."""
    code = _body().get("code")
    session, token = claim_session(get_db(), code if isinstance(code, str) else "",
                                   current_app.config["TABLET_TOKEN_HOURS"])
    return jsonify(tablet_token=token, session=_session_info(session))


@bp.get("/chat")
def chat_info():
    return jsonify(session=_session_info(tablet_session()))


@bp.get("/chat/my-profile")
def chat_my_profile():
    """The pupil's own profile, mostly symbols: only this session's pupil, from their screen."""
    from assistant.reports import render_pupil_html, review_summary

    session = tablet_session()
    return render_pupil_html(review_summary(get_db(), session.pupil_id), sets=symbol_sets())


@bp.get("/chat/encounter-photo")
def chat_encounter_photo():
    """The photo of this session's encounter place, if the school added one with consent."""
    session = tablet_session()
    encounter = session.encounter
    path = Path(current_app.config["INSTANCE_PATH"]) / "photos" / (encounter.photo_filename or "") \
        if encounter and encounter.photo_filename else None
    if path is None or not path.is_file():
        raise NotFound("No photo for this conversation.")
    return send_file(path, max_age=3600)


def _open_session() -> ConversationSession:
    """The tablet's session, if it is still open (SessionClosed otherwise)."""
    session = tablet_session()
    ensure_open(session)
    return session


def _command(payload: str):
    """A command to the conversation (start, repeat, skip, stop): no answer to record.
    The Stop button's "/stop" stops at once; stopping by words is asked first."""
    return _converse(_open_session(), payload, InputMode.TOUCH.value, Provenance.INDEPENDENT.value)


@bp.post("/chat/start")
def chat_start():
    return _command("/start_conversation")


@bp.post("/chat/message")
def chat_message():
    """An answer: typed or spoken words, or a card. With a client_id, exactly once."""
    session = _open_session()
    body = _body()
    if ("text" in body) == ("card" in body):
        raise InvalidInput("Send either text or a card.")
    provenance = body.get("provenance", Provenance.INDEPENDENT.value)
    prompt_id = body.get("prompt_id")
    if prompt_id is not None and (not isinstance(prompt_id, str) or not PROMPT_ID.match(prompt_id)):
        raise InvalidInput("prompt_id is the id of the prompt being answered.")
    if "text" in body:
        if "stance" in body:
            raise InvalidInput("A stance goes with a card.")
        text = _clean_text(body["text"])
        input_mode = body.get("input_mode", InputMode.TYPED.value)
        message, words, card = text, text, None
    else:
        message, words, card = _card_message(body["card"], body.get("stance")), None, body["card"]
        input_mode = body.get("input_mode", InputMode.TOUCH.value)
    confidence = body.get("speech_confidence")
    check_how_given(provenance, input_mode, confidence)  # the core's check, before Rasa
    timing = _timing(body)

    def converse(client_id: str | None = None):
        if prompt_id is not None and prompt_id != _current_prompt(session)[0]:
            return _stale(session)
        return _converse(session, message, input_mode, provenance, words=words, card=card,
                         speech_confidence=confidence, prompt_id=prompt_id, timing=timing,
                         client_id=client_id)

    if "client_id" not in body:
        return converse()
    client_id = received.check_client_id(body["client_id"])
    first, request_row = received.claim(get_db(), session.id, client_id)
    if not first:
        if request_row.reply is None:
            return jsonify(error="That answer is still being sent.", retry=True), 409
        return jsonify(request_row.reply["body"]), request_row.reply["status"]
    response, status = converse(client_id=client_id)
    try:
        received.remember(get_db(), request_row, status, response.get_json())
    except SQLAlchemyError:  # not remembered: a repeat is handled again, and taken only once
        log.warning("could not remember a reply", exc_info=True)
        _roll_back()
    return response, status


@bp.post("/chat/skip")
def chat_skip():
    """The adult skips the current question (nothing is recorded for it)."""
    return _command("/skip_question")


@bp.post("/chat/observation")
def chat_observation():
    """The adult's observation, in the adult's own words: kept as the adult's view."""
    session = _open_session()
    text = _clean_text(_body().get("text"))
    kept = add_observation(get_db(), session, text)
    if isinstance(kept, Concern):
        return jsonify(concern={"id": kept.id, "category": kept.category}), 201
    return jsonify(observation={"id": kept.id, "provenance": kept.provenance}), 201


@bp.post("/chat/repeat")
def chat_repeat():
    return _command("/repeat")


@bp.post("/chat/stop")
def chat_stop():
    return _command("/stop")


# ---------------------------------------------------------------- the description

@bp.get("/openapi.json")
def openapi():
    spec = yaml.safe_load((Path(__file__).with_name("openapi.yml")).read_text(encoding="utf-8"))
    return jsonify(spec)


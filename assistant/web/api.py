"""The JSON API: staff start sessions; a tablet holds one session's conversation.

Described in openapi.yml (served at /api/openapi.json). The tablet proves itself with the
session's token only: the pupil and the session are found from it, never taken from the
tablet, and Rasa gets its sender id and metadata from here.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from flask import Blueprint, current_app, g, jsonify, request, send_file, url_for

from assistant.errors import InvalidInput
from assistant.record.models import Concern, ConversationSession
from assistant.reports import pupil_document
from assistant.services import chat
from assistant.services.accounts import authenticate
from assistant.services.encounters import list_encounters
from assistant.services.entries import entries_of_session, entry_as_dict
from assistant.services.photos import session_photo
from assistant.services.pupils import profile_of, visible_pupils
from assistant.services.sessions import claim_session, open_transcript, start_session
from assistant.services.turns import add_observation
from assistant.web.auth import current_staff, log_in, log_out, staff_required
from assistant.web.listen import heard
from assistant.web.rasa_client import RasaClient
from assistant.web.speech import prepare_opening_speech
from assistant.web.store import get_db
from assistant.web.symbols import sets_root, symbol_base, symbol_credits
from assistant.web.tablet import open_session, tablet_session
from symbols.catalogue import load_catalogue

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.after_request
def server_timing(response):
    """How long a turn waited on Rasa (and so on the action server), for the load script."""
    if "rasa_ms" in g:
        response.headers["Server-Timing"] = f"rasa;dur={g.rasa_ms:.1f}"
    return response


PROFILE_FIELDS = (
    "cards_per_board",
    "symbol_set",
    "voice",
    "speech_rate",
    "auto_speak",
    "input_modes",
    "text_size",
    "high_contrast",
    "reduced_motion",
    "selection",
    "scanning",
    "scan_interval_ms",
    "listen_seconds",
    "show_mic",
    "help_after_seconds",
)


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
    return jsonify(
        pupils=[
            {"id": p.id, "name": p.display_name, "year_group": p.year_group}
            for p in visible_pupils(get_db(), current_staff())
        ]
    )


@bp.get("/encounters")
@staff_required
def encounters():
    return jsonify(
        encounters=[
            {
                "id": e.id,
                "type": e.type,
                "title": e.title,
                "date": e.date.isoformat(),
                "gatsby_benchmarks": e.gatsby_benchmarks,
            }
            for e in list_encounters(get_db(), current_staff())
        ]
    )


@bp.post("/sessions")
@staff_required
def create_session():
    body = _body()
    pupil_id, encounter_id = body.get("pupil_id"), body.get("encounter_id")
    if not _is_number(pupil_id) or (encounter_id is not None and not _is_number(encounter_id)):
        raise InvalidInput("pupil_id (and encounter_id, if given) must be numbers.")
    conversation, adult_present = body.get("conversation"), body.get("adult_present", True)
    adult_name = body.get("adult_name")
    if (
        not isinstance(conversation, str)
        or not isinstance(adult_present, bool)
        or not isinstance(adult_name, (str, type(None)))
    ):
        raise InvalidInput("conversation and adult_name are text; adult_present is true or false.")
    session, code = start_session(
        get_db(),
        current_staff(),
        pupil_id,
        conversation,
        encounter_id,
        adult_present=adult_present,
        adult_name=adult_name or "",
    )
    prepare_opening_speech(session)
    return jsonify(
        session_id=session.id,
        conversation=session.conversation,
        code=code,
        tablet_url=url_for("pages.tablet", _external=True) + "#code=" + code,
    ), 201


@bp.get("/sessions/<session_id>")
@staff_required
def show_session(session_id: str):
    db = get_db()
    session = open_transcript(db, current_staff(), session_id, "session transcript (API)")
    catalogue = load_catalogue()
    return jsonify(
        session=_session_info(session),
        entries=[entry_as_dict(e, catalogue) for e in entries_of_session(db, session.id)],
    )


# ---------------------------------------------------------------- the tablet


def _session_info(session: ConversationSession) -> dict:
    profile = profile_of(session.pupil)
    return {
        "id": session.id,
        "conversation": session.conversation,
        "status": session.status,
        "pupil_name": session.pupil.given_name,
        "encounter": session.encounter.title if session.encounter else None,
        "adult_present": session.adult_present,
        "profile": {
            **{key: getattr(profile, key) for key in PROFILE_FIELDS},
            # The pictures of the pupil's set, from their school's sets only.
            "symbol_base": symbol_base(session.pupil.school_id, profile.symbol_set),
            "symbol_credits": symbol_credits(session.pupil.school_id),
        },
    }


def _assistant() -> RasaClient:
    """The adapter to Rasa, from the settings (tests replace its `send`)."""
    return RasaClient(current_app.config["RASA_URLS"], current_app.config["RASA_TIMEOUT_SECONDS"])


def _reply(reply: chat.ChatReply):
    """The chat service's reply as a response (Server-Timing says how long Rasa took)."""
    if reply.rasa_ms is not None:
        g.rasa_ms = reply.rasa_ms  # scripts/load_tablets.py reads it
    return jsonify(reply.body), reply.status


@bp.post("/chat/claim")
def chat_claim():
    """The tablet swaps the session's one-time code for its token (once)."""
    code = _body().get("code")
    session, token = claim_session(
        get_db(), code if isinstance(code, str) else "", current_app.config["TABLET_TOKEN_HOURS"]
    )
    return jsonify(tablet_token=token, session=_session_info(session))


@bp.get("/chat")
def chat_info():
    return jsonify(session=_session_info(tablet_session()))


@bp.get("/chat/my-profile")
def chat_my_profile():
    """The pupil's own profile, mostly symbols: only this session's pupil, from their screen."""
    return pupil_document(get_db(), tablet_session().pupil_id, sets_root=sets_root())


@bp.get("/chat/encounter-photo")
def chat_encounter_photo():
    """The photo of this session's encounter place, if the school added one with consent."""
    return send_file(session_photo(tablet_session(), Path(current_app.config["INSTANCE_PATH"])), max_age=3600)


def _command(command: str):
    """A command to the conversation (start, repeat, skip, stop): no answer to record."""
    return _reply(
        chat.send_command(get_db(), _assistant(), current_app.config["CHANNEL_SECRET"], open_session(), command)
    )


@bp.post("/chat/start")
def chat_start():
    return _command("start")


@bp.post("/chat/message")
def chat_message():
    """An answer: typed or spoken words, or a card. With a client_id, exactly once."""
    session = open_session()
    return _reply(
        chat.send_answer(
            get_db(),
            _assistant(),
            current_app.config["CHANNEL_SECRET"],
            session,
            _body(),
            load_catalogue(),
            current_app.config["MAX_MESSAGE_CHARS"],
            heard(),
        )
    )


@bp.post("/chat/skip")
def chat_skip():
    """The adult skips the current question (nothing is recorded for it)."""
    return _command("skip")


@bp.post("/chat/observation")
def chat_observation():
    """The adult's observation, in the adult's own words: kept as the adult's view."""
    session = open_session()
    text = chat.clean_text(_body().get("text"), current_app.config["MAX_MESSAGE_CHARS"])
    kept = add_observation(get_db(), session, text)
    if isinstance(kept, Concern):
        return jsonify(concern={"id": kept.id, "category": kept.category}), 201
    return jsonify(observation={"id": kept.id, "provenance": kept.provenance}), 201


@bp.post("/chat/repeat")
def chat_repeat():
    return _command("repeat")


@bp.post("/chat/stop")
def chat_stop():
    return _command("stop")


# ---------------------------------------------------------------- the description


@bp.get("/openapi.json")
def openapi():
    spec = yaml.safe_load((Path(__file__).with_name("openapi.yml")).read_text(encoding="utf-8"))
    return jsonify(spec)

"""Routes for spoken prompts: the tablet asks for a text, gets a WAV in its pupil's voice and rate."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, request

from assistant.errors import InvalidInput
from assistant.services.pupils import profile_of
from assistant.services.turns import opening_text
from assistant.speech.synthesis import Synthesiser
from assistant.web.store import get_db
from assistant.web.tablet import tablet_session
from symbols.catalogue import load_catalogue

bp = Blueprint("speech", __name__, url_prefix="/api")

EXTENSION = "pupil_voice.speech"
log = logging.getLogger(__name__)
_creating = threading.Lock()


def synthesiser(app: Flask | None = None) -> Synthesiser:
    """The app's one Synthesiser, made on first use (its worker starts on the first uncached prompt)."""
    app = app or current_app._get_current_object()
    found = app.extensions.get(EXTENSION)
    if found is None:
        with _creating:  # waitress threads may all ask at once
            found = app.extensions.get(EXTENSION)
            if found is None:
                found = Synthesiser(
                    Path(app.config["INSTANCE_PATH"]) / "speech_cache",
                    max_bytes=int(app.config["SPEECH_CACHE_MB"]) * 1024 * 1024,
                )
                app.extensions[EXTENSION] = found
    return found


def prepare_opening_speech(session) -> None:
    """Synthesise a new session's opening in the background, so the first prompt plays at once."""
    profile = profile_of(session.pupil)
    try:
        text = opening_text(get_db(), load_catalogue(), session)
        synthesiser().warm([text], voice=profile.voice, rate=profile.speech_rate)
    except Exception:  # speech is a help, never a reason not to start
        log.warning("could not prepare the opening speech", exc_info=True)


@bp.post("/chat/speech")
def chat_speech():
    session = tablet_session()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("Send a JSON object with the text to speak.")
    profile = profile_of(session.pupil)  # the voice and rate are the pupil's, never the tablet's
    audio = synthesiser().synthesise(body.get("text"), voice=profile.voice, rate=profile.speech_rate)
    return Response(audio, mimetype="audio/wav", headers={"Cache-Control": "private, max-age=3600"})

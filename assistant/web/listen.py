"""Routes for spoken answers: the tablet posts a recording and the cards on screen; the reply
proposes one card to confirm with a tap (or none). The recording is checked, decoded and
recognised in the listening sandbox, never in this process, with the pupil's "My voice"
templates first when they have them. Nothing is stored: the recording lives in memory until
recognition ends, and only a confirmed card becomes an answer (as a card with input_mode
"speech", through /api/chat/message). For an enrolled pupil the answer's features wait in
memory for that tap (then they become a template; see assistant/services/my_voice.py). The body limit
is set per route in limits.py."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from assistant.errors import InvalidInput
from assistant.services.my_voice import Heard, voice_model
from assistant.speech import board_of_cards, propose
from assistant.vocabulary import CARD_ID, SPECIAL_CARDS
from assistant.web.store import get_db
from assistant.web.tablet import open_session
from symbols.catalogue import load_catalogue

bp = Blueprint("listen", __name__, url_prefix="/api")

MAX_CARDS = 16
NOTHING = "Tell me again, or touch the picture."


def _cards() -> list[str]:
    ids = [c for c in request.args.get("cards", "").split(",") if c]
    if not ids or len(ids) > MAX_CARDS or len(set(ids)) != len(ids):
        raise InvalidInput(f"Say which cards are on screen (1 to {MAX_CARDS}, each once).")
    catalogue = load_catalogue()
    for card in ids:
        if not CARD_ID.match(card) or (card not in SPECIAL_CARDS and catalogue.get(card) is None):
            raise InvalidInput("Unknown card.")
    return ids


def heard() -> Heard:
    """The app's one store of spoken answers waiting for the pupil's tap."""
    return current_app.extensions.setdefault("pupil_voice.heard", Heard())


@bp.post("/chat/listen")
def chat_listen():
    """A spoken answer: which card on screen it names (a proposal to confirm), or none."""
    session = open_session()
    cards = _cards()
    board = board_of_cards(load_catalogue(), cards)
    voice = voice_model(get_db(), session.pupil_id, cards)
    proposal = propose(request.get_data(cache=False), board, voice)
    heard().keep(session.id, proposal.choice, proposal.features)
    if proposal.choice is None:
        return jsonify(proposal=None, prompt=NOTHING)
    return jsonify(
        proposal={
            "card": proposal.choice,
            "label": proposal.label,
            "confidence": proposal.confidence,
            "engine": proposal.engine,
        },
        prompt=f"Did you say {proposal.label.lower()}?",
    )

"""Taking a turn of a conversation: run the engine, then write its entries and the new
state in one transaction, before the reply goes back to the pupil."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from assistant.channel import verify
from assistant.conversation.engine import Context, Engine, Phase, Reply, Turn
from assistant.conversation.safeguarding import concern_in
from assistant.errors import DomainError, InvalidInput
from assistant.record.models import Concern, ConversationSession, Entry, utcnow
from assistant.record.unit_of_work import transaction
from assistant.services import audit, chat_requests
from assistant.services.encounters import ENCOUNTER_TYPES, encounter_topics
from assistant.services.entries import earlier_confirmed
from assistant.services.pupils import profile_of
from assistant.vocabulary import ENDED_STATUSES, InputMode, Provenance, check_input_mode, check_provenance
from symbols.catalogue import Catalogue
from symbols.sets import DEFAULT_SET, SymbolSets, UnknownSymbolSet

log = logging.getLogger(__name__)

TURN_KINDS = ("start", "answer", "skip")
MAX_RESPONSE_MS = 3_600_000  # an hour: longer is a tablet left on, not a time to answer
MAX_CARDS = 64
PHOTO_URL = "/api/chat/encounter-photo"  # the tablet's own session's encounter photo


class Unsigned(DomainError):
    """A message without the web app's signature: nothing is recorded."""


def take_signed_turn(
    db: Session,
    catalogue: Catalogue,
    secret: str | None,
    sender_id: str,
    kind: str,
    text: str,
    metadata: object,
    turn: Turn | None = None,
    sets_root: Path | None = None,
) -> Reply:
    """`take_turn` for a message as the action server received it (its words and metadata),
    only if the web app signed exactly those (assistant/channel.py); Unsigned otherwise: a
    call to Rasa's webhook or to the action server by anyone else changes no record."""
    if not verify(secret, sender_id, text, metadata):
        raise Unsigned("This message was not sent by the web app.")
    return take_turn(db, catalogue, sender_id, kind, turn, client_id=metadata.get("client_id"), sets_root=sets_root)


def take_turn(
    db: Session,
    catalogue: Catalogue,
    sender_id: str,
    kind: str,
    turn: Turn | None = None,
    client_id: str | None = None,
    sets_root: Path | None = None,
) -> Reply:
    """Play one turn of the session Rasa knows as `sender_id`: the engine reads the message
    with the question in hand, and its writes and new state are made in one transaction.
    An answer to a prompt no longer on screen changes nothing (the reply says `stale`).

    With the tablet's `client_id` for the message, the turn is taken at most once: a message
    taken already (sent again after a fault) changes nothing and gets the messages up to the
    current question, so the conversation goes on from where it is.

    `sets_root` is the folder of every school's symbol sets (<instance>/symbol_sets, from the
    caller); the pupil's school's are read from it. Without it only the default set is known.
    """
    if kind not in TURN_KINDS:
        raise InvalidInput(f"Unknown turn {kind!r}.")
    if kind == "answer":
        if turn is None:
            raise InvalidInput("An answer needs what the pupil did.")
        _check_turn(turn)
    with transaction(db):
        session = db.execute(
            select(ConversationSession).where(ConversationSession.rasa_sender_id == sender_id).with_for_update()
        ).scalar_one_or_none()
        if session is None:
            raise InvalidInput("This conversation has no session.")
        request = chat_requests.lock(db, session.id, client_id)
        if request is not None:
            db.refresh(session)  # read again under the lock (SQLite locks only on a write)
        if request is not None and request.taken_at is not None:
            return Engine(_context(db, catalogue, session, "repeat", sets_root), session.dialogue_state).start()
        engine = Engine(_context(db, catalogue, session, kind, sets_root), session.dialogue_state)
        reply = engine.answer(turn) if kind == "answer" else getattr(engine, kind)()
        if reply.stale:
            return reply
        now = utcnow()
        for fields in reply.new_entries:
            db.add(Entry(pupil_id=session.pupil_id, session_id=session.id, encounter_id=session.encounter_id, **fields))
        for fields in reply.concerns:
            if _concern_kept_already(db, session, fields["words"]):
                continue  # the web app kept it while the assistant was down
            db.add(Concern(pupil_id=session.pupil_id, session_id=session.id, **fields))
            audit.record(
                db,
                None,
                "concern",
                session.pupil_id,
                f"possible disclosure ({fields['category']}) kept for the safeguarding lead",
            )
        db.flush()
        for entry_id, changes in reply.entry_updates:
            entry = db.get(Entry, entry_id)
            for key, value in changes.items():
                setattr(entry, key, value)
            if changes.get("status") == "confirmed":
                entry.confirmed_at = now
        session.dialogue_state = reply.state
        flag_modified(session, "dialogue_state")
        if request is not None:
            chat_requests.take(db, request)
        if reply.session_status:
            session.status = reply.session_status
            if reply.session_status in ENDED_STATUSES:
                session.ended_at = now
    return reply


def _check_turn(turn: Turn) -> None:
    check_how_given(turn.provenance, turn.input_mode, turn.speech_confidence)
    if turn.response_ms is not None and not (
        isinstance(turn.response_ms, int) and 0 <= turn.response_ms <= MAX_RESPONSE_MS
    ):
        raise InvalidInput("response_ms is a whole number of milliseconds.")
    if turn.card_position is not None and not (
        isinstance(turn.card_position, int) and 0 <= turn.card_position < MAX_CARDS
    ):
        raise InvalidInput("card_position is the card's place on the board.")


def check_how_given(provenance: object, input_mode: object, speech_confidence: object = None) -> None:
    """InvalidInput unless the provenance and input mode are known and a speech confidence,
    if any, goes with a spoken answer and is a number from 0 to 1 (the web app checks a
    message with this before it reaches Rasa; the turn is checked again here)."""
    check_provenance(provenance)
    check_input_mode(input_mode)
    if speech_confidence is not None and (
        input_mode != InputMode.SPEECH
        or isinstance(speech_confidence, bool)
        or not isinstance(speech_confidence, (int, float))
        or not 0 <= speech_confidence <= 1
    ):
        raise InvalidInput("speech_confidence is a number from 0 to 1, for a spoken answer.")


def _context(
    db: Session, catalogue: Catalogue, session: ConversationSession, kind: str, sets_root: Path | None = None
) -> Context:
    pupil = session.pupil
    profile = profile_of(pupil)
    starting = kind == "start" and not session.dialogue_state
    earlier = earlier_confirmed(db, pupil.id, session.id) if starting else []
    return Context(
        catalogue=catalogue,
        conversation=session.conversation,
        pupil_name=pupil.given_name,
        cards_per_board=profile.cards_per_board,
        place=place_phrase(session.encounter),
        adult_name=session.adult_name if session.adult_present else "",
        symbol_set=symbol_set_shown(profile.symbol_set, SymbolSets.for_school(sets_root, pupil.school_id)),
        earlier=earlier,
        place_photo=PHOTO_URL if session.encounter and session.encounter.photo_filename else None,
        topics=encounter_topics(session.encounter, catalogue) if starting else [],
    )


def place_phrase(encounter) -> str:
    """Where the encounter was, as it reads after "at": its place ("Hilltop Garden
    Centre"), or else its kind ("the workplace visit"), never a title written for a list."""
    if encounter is None:
        return "the visit"
    if encounter.place.strip():
        return encounter.place.strip()
    label = ENCOUNTER_TYPES.get(encounter.type, ("visit",))[0]
    return "the " + label[:1].lower() + label[1:]


def symbol_set_shown(name: str, sets: SymbolSets | None = None) -> str:
    """The symbol set and version a pupil sees ("openmoji 17.0.0"), kept with each answer;
    an unknown set (or another school's) shows the default set. `sets`: the pupil's school's
    (the default set alone if not given)."""
    sets = sets or SymbolSets()
    try:
        info = sets.info(name)
    except UnknownSymbolSet:
        info = sets.info(DEFAULT_SET)
    return f"{info['name']} {info.get('version') or ''}".strip()


def keep_answer(
    db: Session,
    session: ConversationSession,
    words: str | None,
    concept_id: str | None,
    input_mode: str,
    provenance: str,
    reason: str,
    client_id: str | None = None,
) -> Entry | Concern | None:
    """Keep an answer the assistant could not take (down, or its reply empty or an error):
    a draft for the adult. With the tablet's `client_id`, kept once however often it fails,
    and not at all when the assistant took it after all (None then: it is recorded).
    Words that may disclose harm are kept as a concern for the safeguarding lead, never as
    an entry, exactly as the assistant itself would keep them."""
    concern = concern_in(words)
    with transaction(db):
        request = chat_requests.lock(db, session.id, client_id)
        if request is not None and request.taken_at is not None:
            return None
        if request is not None and request.kept_entry_id:
            return db.get(Entry, request.kept_entry_id)
        db.refresh(session)
        where = _where_we_are(session)
        if concern is not None:
            if _concern_kept_already(db, session, words):
                return None
            kept = Concern(
                pupil_id=session.pupil_id,
                session_id=session.id,
                words=words,
                category=concern.category,
                question=where["question"],
                input_mode=input_mode,
                provenance=provenance,
                adult_name=session.adult_name if session.adult_present else "",
            )
            db.add(kept)
            audit.record(
                db,
                None,
                "concern",
                session.pupil_id,
                f"possible disclosure ({concern.category}) kept for the safeguarding lead",
            )
            return kept
        entry = Entry(
            **where,
            answer_kind="concept" if concept_id else "not_understood",
            concept_ids=[concept_id] if concept_id else [],
            words=words,
            input_mode=input_mode,
            provenance=provenance,
            adult_name=session.adult_name if session.adult_present else "",
            status="draft",
            status_reason=reason,
        )
        db.add(entry)
        if request is not None:
            db.flush()
            request.kept_entry_id = entry.id
    return entry


def _concern_kept_already(db: Session, session: ConversationSession, words: str | None) -> bool:
    """The same words in the same session are one disclosure, however often they were sent
    (a tablet re-sends an answer the assistant could not take)."""
    return (
        db.execute(select(Concern.id).where(Concern.session_id == session.id, Concern.words == words).limit(1)).first()
        is not None
    )


def add_observation(db: Session, session: ConversationSession, text: str) -> Entry | Concern:
    """The adult's observation during a session, kept as the adult's view (never the pupil's);
    one that may disclose harm is kept as a concern for the safeguarding lead instead."""
    concern = concern_in(text)
    with transaction(db):
        where = _where_we_are(session)
        if concern is not None:
            kept = Concern(
                pupil_id=session.pupil_id,
                session_id=session.id,
                words=text,
                category=concern.category,
                question=where["question"],
                input_mode=InputMode.TYPED.value,
                provenance=Provenance.ADULT_VIEW.value,
                adult_name=session.adult_name,
            )
            audit.record(
                db, None, "concern", session.pupil_id, f"possible disclosure ({concern.category}) noted by an adult"
            )
        else:
            kept = Entry(
                **where,
                answer_kind="observation",
                concept_ids=[],
                words=text,
                input_mode=InputMode.TYPED.value,
                provenance=Provenance.ADULT_VIEW.value,
                adult_name=session.adult_name,
                status="draft",
            )
        db.add(kept)
    return kept


def _where_we_are(session: ConversationSession) -> dict:
    """The fields an entry made outside the engine takes from the session's current place."""
    state = session.dialogue_state or {}
    step = state.get("phase") or "unknown"
    if step in (Phase.ASK, Phase.RECALL):
        step = ((state.get("last_prompt") or [{}])[-1].get("step")) or step
    return {
        "pupil_id": session.pupil_id,
        "session_id": session.id,
        "encounter_id": session.encounter_id,
        "moment": session.conversation,
        "step": str(step),
        "question": ((state.get("last_prompt") or [{}])[-1].get("text") or ""),
    }


def opening_text(db: Session, catalogue: Catalogue, session: ConversationSession) -> str:
    """What the tablet will say first (the opening messages, joined as the widget speaks
    them), worked out without recording anything: so its audio can be made in advance."""
    reply = Engine(_context(db, catalogue, session, "start"), None).start()
    return " ".join(message["text"] for message in reply.messages)

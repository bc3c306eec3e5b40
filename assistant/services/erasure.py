"""Export everything about one pupil, and erase one pupil entirely: the record's rows (with
their "My voice" consent and features), the Rasa tracker store's events for their sessions,
and cached audio."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import create_engine, delete, inspect, select, text
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound
from assistant.record.models import (
    Annotation,
    AuditEvent,
    ChatRequest,
    Concern,
    ConversationSession,
    Encounter,
    Entry,
    Pupil,
    Staff,
    encounter_pupils,
)
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.services.accounts import server_authority
from assistant.services.my_voice import erase_voice, export_voice
from assistant.services.pupils import pupil_for


def export_pupil(db: Session, staff: Staff, pupil_id: int) -> dict:
    """Everything the record holds about a pupil, as JSON-able data (audited)."""
    pupil = pupil_for(db, staff, pupil_id)
    profile = pupil.profile
    sessions = list(
        db.execute(
            select(ConversationSession)
            .where(ConversationSession.pupil_id == pupil.id)
            .order_by(ConversationSession.created_at)
        ).scalars()
    )
    entries = list(db.execute(select(Entry).where(Entry.pupil_id == pupil.id).order_by(Entry.created_at)).scalars())
    notes = list(
        db.execute(
            select(Annotation).where(Annotation.entry_id.in_([e.id for e in entries] or [""])).order_by(Annotation.at)
        ).scalars()
    )
    encounters = list(
        db.execute(select(Encounter).join(encounter_pupils).where(encounter_pupils.c.pupil_id == pupil.id)).scalars()
    )
    data = {
        "pupil": _row(pupil, exclude={"group_id"}) | {"group": pupil.group.name if pupil.group else None},
        "communication_profile": _row(profile, exclude={"id", "pupil_id"}) if profile else None,
        "sessions": [
            _row(s, exclude={"tablet_token_hash", "claim_code_hash", "dialogue_state", "rasa_sender_id"})
            for s in sessions
        ],
        "entries": [_row(e) for e in entries],
        "annotations": [_row(a) for a in notes],
        "encounters": [_row(e) for e in encounters],
        "voice": export_voice(db, pupil.id),
    }
    with transaction(db):
        audit.record(db, staff, "export", pupil.id, "exported the whole record")
    return data


def _row(obj, exclude: set | None = None) -> dict:
    out = {}
    for column in inspect(obj).mapper.column_attrs:
        if exclude and column.key in exclude:
            continue
        value = getattr(obj, column.key)
        out[column.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def erase_confirmed(
    db: Session, staff: Staff, pupil_id: int, typed_name: str, tracker_store_url: str | None, speech_cache: Path | None
) -> dict:
    """`erase_pupil` once the adult has typed the pupil's full name (spaces and case aside);
    InvalidInput otherwise."""
    pupil = pupil_for(db, staff, pupil_id)
    if " ".join((typed_name or "").split()).lower() != pupil.display_name.lower():
        raise InvalidInput("Type the pupil's full name exactly to confirm.")
    return erase_pupil(db, staff, pupil.id, tracker_store_url, speech_cache)


def erase_pupil(
    db: Session, staff: Staff, pupil_id: int, tracker_store_url: str | None, speech_cache: Path | None
) -> dict:
    """Remove every trace of a pupil; returns what was removed. The audit log keeps only
    that an erasure happened, not whose."""
    pupil = pupil_for(db, staff, pupil_id)
    senders = list(
        db.execute(select(ConversationSession.rasa_sender_id).where(ConversationSession.pupil_id == pupil.id)).scalars()
    )
    session_ids = list(
        db.execute(select(ConversationSession.id).where(ConversationSession.pupil_id == pupil.id)).scalars()
    )
    entry_ids = list(db.execute(select(Entry.id).where(Entry.pupil_id == pupil.id)).scalars())
    counts = {"sessions": len(session_ids), "entries": len(entry_ids), "tracker_events": 0, "voice_templates": 0}
    if tracker_store_url and senders:
        counts["tracker_events"] = _erase_tracker_events(tracker_store_url, senders)
    with transaction(db):
        if entry_ids:
            db.execute(delete(Annotation).where(Annotation.entry_id.in_(entry_ids)))
            db.execute(delete(Entry).where(Entry.recalls_entry_id.in_(entry_ids)))
            db.execute(delete(Entry).where(Entry.id.in_(entry_ids)))
        if session_ids:
            db.execute(delete(ChatRequest).where(ChatRequest.session_id.in_(session_ids)))
            db.execute(delete(ConversationSession).where(ConversationSession.id.in_(session_ids)))
        db.execute(delete(Concern).where(Concern.pupil_id == pupil.id))
        counts["voice_templates"] = erase_voice(db, pupil.id)
        db.execute(delete(encounter_pupils).where(encounter_pupils.c.pupil_id == pupil.id))
        db.execute(delete(AuditEvent).where(AuditEvent.pupil_id == pupil.id))
        db.delete(pupil)
        audit.record(
            db,
            staff,
            "erase",
            None,
            f"erased one pupil's record: {counts['entries']} entries, "
            f"{counts['sessions']} sessions, {counts['tracker_events']} conversation events",
        )
    if speech_cache and speech_cache.exists():
        # Prompts are cached by text, and the pupil's name is in some: clear it all (it refills).
        shutil.rmtree(speech_cache, ignore_errors=True)
    return counts


def erase_pupil_as_server(db: Session, pupil_id: int, tracker_store_url: str | None, speech_cache: Path | None) -> dict:
    """The command line's erasure, with the authority of the pupil's school's administrator."""
    pupil = db.get(Pupil, pupil_id)
    if pupil is None:
        raise NotFound(f"No pupil with id {pupil_id}.")
    return erase_pupil(db, server_authority(pupil.school_id), pupil_id, tracker_store_url, speech_cache)


def _erase_tracker_events(url: str, senders: list[str]) -> int:
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            removed = 0
            for sender in senders:
                removed += connection.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender}).rowcount
        return removed
    finally:
        engine.dispose()

"""Career-profile entries: how they are read and shown."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.record.models import Entry
from symbols.catalogue import Catalogue


def entries_of_session(db: Session, session_id: str) -> list[Entry]:
    """Every entry of a session (drafts, confirmed and discarded), oldest first."""
    return list(
        db.execute(select(Entry).where(Entry.session_id == session_id).order_by(Entry.created_at, Entry.id)).scalars()
    )


def earlier_confirmed(db: Session, pupil_id: int, not_session: str, limit: int = 50) -> list[dict]:
    """A pupil's confirmed answers from other sessions, newest first (for recall)."""
    rows = db.execute(
        select(Entry)
        .where(Entry.pupil_id == pupil_id, Entry.status == "confirmed", Entry.session_id != not_session)
        .order_by(Entry.created_at.desc())
        .limit(limit)
    ).scalars()
    return [
        {
            "id": e.id,
            "moment": e.moment,
            "step": e.step,
            "answer_kind": e.answer_kind,
            "concept_ids": list(e.concept_ids or []),
            "stance": e.stance,
            "rating": e.rating,
        }
        for e in rows
    ]


def entry_as_dict(entry: Entry, catalogue: Catalogue) -> dict:
    """An entry as the API and exports show it, with concept labels."""
    concepts = [catalogue.get(cid) for cid in entry.concept_ids or []]
    return {
        "id": entry.id,
        "session_id": entry.session_id,
        "pupil_id": entry.pupil_id,
        "moment": entry.moment,
        "step": entry.step,
        "question": entry.question,
        "answer_kind": entry.answer_kind,
        "concepts": [{"id": c.id, "type": c.type, "label": c.label, "symbol": c.symbol} for c in concepts if c],
        "stance": entry.stance,
        "rating": entry.rating,
        "words": entry.words,
        "input_mode": entry.input_mode,
        "speech_confidence": entry.speech_confidence,
        "provenance": entry.provenance,
        "adult_name": entry.adult_name,
        "symbol_set": entry.symbol_set,
        "status": entry.status,
        "status_reason": entry.status_reason,
        "checked_back": entry.checked_back,
        "confirmed_by": entry.confirmed_by,
        "recalls_entry_id": entry.recalls_entry_id,
        "created_at": entry.created_at.isoformat() + "Z",
        "confirmed_at": entry.confirmed_at.isoformat() + "Z" if entry.confirmed_at else None,
    }

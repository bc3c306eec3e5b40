"""Retention: what each school keeps only for its chosen period (its own, set on
/staff/school/settings, else RETENTION_DAYS).

Older than the period, these go: Rasa's conversation events (a second copy of pupils'
words), the stored replies of tablet messages, drafts never confirmed, and cached speech.
Confirmed and set-aside entries, their review notes and the audit log stay: they are the
record the school keeps (a pupil's whole record is removed by erasure)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, create_engine, delete, inspect, select, text, update
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput
from assistant.record.models import Annotation, ChatRequest, ConversationSession, Entry, Pupil, utcnow
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.services.school_settings import effective
from assistant.services.schools import list_schools


def apply_retention(
    db: Session,
    days: int | None,
    tracker_store_url: str | None,
    speech_cache: Path | None,
    now: datetime | None = None,
    server: Mapping | None = None,
) -> dict:
    """Remove what is older than each school's period; return how many of each were removed
    (totals). `days` applies one period to every school (the command's --days); None takes
    each school's own (assistant/services/school_settings.py, with `server`'s defaults), and a school
    whose period is 0 keeps everything. InvalidInput when no school has a period."""
    if days is not None and (not isinstance(days, int) or days < 1):
        raise InvalidInput("Give a retention period of at least one day (RETENTION_DAYS).")
    now = now or utcnow()
    periods = {
        school.id: days if days is not None else effective(db, school.id, server).retention_days
        for school in list_schools(db)
    }
    cutoffs = {school_id: now - timedelta(days=d) for school_id, d in periods.items() if d > 0}
    if not cutoffs:
        raise InvalidInput("No retention period is set: give one (RETENTION_DAYS, or a school's own).")
    totals = {"conversation_events": 0, "stored_replies": 0, "drafts": 0, "speech_files": 0}
    # Whose conversation each Rasa sender id is (Rasa itself holds no school).
    senders = dict(
        db.execute(
            select(ConversationSession.rasa_sender_id, Pupil.school_id).join(
                Pupil, Pupil.id == ConversationSession.pupil_id
            )
        ).all()
    )
    events = _old_tracker_events(tracker_store_url, cutoffs, senders) if tracker_store_url else {}
    with transaction(db):
        for school_id, cutoff in cutoffs.items():
            counts = _remove_records(db, school_id, cutoff)
            counts["conversation_events"] = events.get(school_id, 0)
            for key, value in counts.items():
                totals[key] += value
            audit.record(
                db,
                None,
                "retention",
                None,
                f"kept {periods[school_id]} days: removed {counts['conversation_events']} "
                f"conversation events, {counts['stored_replies']} stored replies, "
                f"{counts['drafts']} drafts",
                school_id=school_id,
            )
        totals["conversation_events"] += events.get(None, 0)
    if speech_cache and speech_cache.exists():
        # Cached prompts are shared by every school (keyed by their text): the shortest period rules.
        oldest = time.time() - (now - max(cutoffs.values())).total_seconds()
        for path in speech_cache.glob("*/*.wav"):
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink()
                    totals["speech_files"] += 1
            except OSError:
                continue
    return totals


def _remove_records(db: Session, school_id: int, cutoff: datetime) -> dict:
    """One school's stored replies and unconfirmed drafts older than `cutoff` (in the caller's transaction)."""
    sessions = (
        select(ConversationSession.id)
        .join(Pupil, Pupil.id == ConversationSession.pupil_id)
        .where(Pupil.school_id == school_id)
    )
    drafts = list(
        db.execute(
            select(Entry.id)
            .join(Pupil, Pupil.id == Entry.pupil_id)
            .where(Pupil.school_id == school_id, Entry.status == "draft", Entry.created_at < cutoff)
        ).scalars()
    )
    replies = db.execute(
        delete(ChatRequest)
        .where(ChatRequest.created_at < cutoff, ChatRequest.session_id.in_(sessions))
        .execution_options(synchronize_session=False)
    ).rowcount
    if drafts:
        db.execute(
            update(ChatRequest)
            .where(ChatRequest.kept_entry_id.in_(drafts))
            .values(kept_entry_id=None)
            .execution_options(synchronize_session=False)
        )
        for column in (Entry.recalls_entry_id, Entry.corrects_entry_id):
            db.execute(
                update(Entry)
                .where(column.in_(drafts))
                .values({column.key: None})
                .execution_options(synchronize_session=False)
            )
        db.execute(
            delete(Annotation).where(Annotation.entry_id.in_(drafts)).execution_options(synchronize_session=False)
        )
        db.execute(delete(Entry).where(Entry.id.in_(drafts)).execution_options(synchronize_session=False))
    return {"stored_replies": replies, "drafts": len(drafts), "speech_files": 0}


def _old_tracker_events(url: str, cutoffs: dict[int, datetime], senders: dict[str, int]) -> dict:
    """Rasa's SQL tracker store keeps each event with a UNIX timestamp and its sender id:
    each conversation's old events go by its school's period; a sender id no session
    knows (its pupil erased) by the shortest. Returns removed counts by school (None: unknown)."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return {}  # never create an empty store
    epoch = datetime(1970, 1, 1)
    seconds = {school_id: (cutoff - epoch).total_seconds() for school_id, cutoff in cutoffs.items()}
    shortest = max(seconds.values())
    engine = create_engine(url)
    removed: dict = {}
    try:
        if not inspect(engine).has_table("events"):
            return {}
        with engine.begin() as connection:
            old = (
                connection.execute(text("SELECT DISTINCT sender_id FROM events WHERE timestamp < :t"), {"t": shortest})
                .scalars()
                .all()
            )
            groups: dict = {}
            for sender in old:
                school_id = senders.get(sender)
                if school_id is None or school_id in seconds:  # a school keeping for ever is skipped
                    groups.setdefault(school_id, []).append(sender)
            for school_id, ids in groups.items():
                limit = seconds[school_id] if school_id is not None else shortest
                for start in range(0, len(ids), 500):
                    removed[school_id] = (
                        removed.get(school_id, 0)
                        + connection.execute(
                            text("DELETE FROM events WHERE timestamp < :t AND sender_id IN :ids").bindparams(
                                bindparam("ids", expanding=True)
                            ),
                            {"t": limit, "ids": ids[start : start + 500]},
                        ).rowcount
                    )
        return removed
    finally:
        engine.dispose()

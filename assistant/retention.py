"""Retention: what the school keeps only for its chosen period (RETENTION_DAYS).

Older than the period, these go: Rasa's conversation events (a second copy of pupils'
words), the stored replies of tablet messages, drafts never confirmed, and cached speech.
Confirmed and set-aside entries, their review notes and the audit log stay: they are the
record the school keeps (a pupil's whole record is removed by erasure)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, delete, inspect, select, text, update
from sqlalchemy.orm import Session

from assistant import audit
from assistant.errors import InvalidInput
from assistant.models import Annotation, ChatRequest, Entry, utcnow
from assistant.schools import list_schools
from assistant.unit_of_work import transaction


def apply_retention(db: Session, days: int, tracker_store_url: str | None,
                    speech_cache: Path | None, now: datetime | None = None) -> dict:
    """Remove what is older than `days` days; return how many of each were removed."""
    if not isinstance(days, int) or days < 1:
        raise InvalidInput("Give a retention period of at least one day (RETENTION_DAYS).")
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    counts = {"conversation_events": 0, "stored_replies": 0, "drafts": 0, "speech_files": 0}
    if tracker_store_url:
        counts["conversation_events"] = _old_tracker_events(tracker_store_url, cutoff)
    with transaction(db):
        drafts = list(db.execute(select(Entry.id).where(Entry.status == "draft",
                                                        Entry.created_at < cutoff)).scalars())
        counts["stored_replies"] = db.execute(delete(ChatRequest).where(ChatRequest.created_at < cutoff)
                                              .execution_options(synchronize_session=False)).rowcount
        if drafts:
            db.execute(update(ChatRequest).where(ChatRequest.kept_entry_id.in_(drafts))
                       .values(kept_entry_id=None).execution_options(synchronize_session=False))
            for column in (Entry.recalls_entry_id, Entry.corrects_entry_id):
                db.execute(update(Entry).where(column.in_(drafts)).values({column.key: None})
                           .execution_options(synchronize_session=False))
            db.execute(delete(Annotation).where(Annotation.entry_id.in_(drafts))
                       .execution_options(synchronize_session=False))
            db.execute(delete(Entry).where(Entry.id.in_(drafts)).execution_options(synchronize_session=False))
        counts["drafts"] = len(drafts)
        # Retention runs server-wide: every school's audit log says it ran (figures are totals).
        for school in list_schools(db):
            audit.record(db, None, "retention", None,
                         f"kept {days} days: removed {counts['conversation_events']} conversation events, "
                         f"{counts['stored_replies']} stored replies, {counts['drafts']} drafts",
                         school_id=school.id)
    if speech_cache and speech_cache.exists():
        oldest = time.time() - (now - cutoff).total_seconds()
        for path in speech_cache.glob("*/*.wav"):
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink()
                    counts["speech_files"] += 1
            except OSError:
                continue
    return counts


def _old_tracker_events(url: str, cutoff: datetime) -> int:
    """Rasa's SQL tracker store keeps each event with a UNIX timestamp."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0  # never create an empty store
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        seconds = (cutoff - datetime(1970, 1, 1)).total_seconds()
        with engine.begin() as connection:
            return connection.execute(text("DELETE FROM events WHERE timestamp < :t"),
                                      {"t": seconds}).rowcount
    finally:
        engine.dispose()

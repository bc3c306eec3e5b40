"""Concerns: words that may disclose harm, for the school's designated safeguarding lead.

Only the safeguarding lead sees them: they are never an entry, never in a document, never
on an advocate's screens. Each view and each "seen" is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.errors import NotAllowed, NotFound
from assistant.record.models import Concern, Pupil, Staff, is_id, utcnow
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.vocabulary import SAFEGUARDING_ROLES


@dataclass
class ConcernView:
    """One concern as the safeguarding lead reads it."""

    id: int
    pupil_id: int
    pupil_name: str
    group: str
    words: str
    category: str
    question: str
    provenance: str
    adult_name: str
    at: datetime
    seen_at: datetime | None


def _check(staff: Staff) -> None:
    if staff.role not in SAFEGUARDING_ROLES:
        raise NotAllowed("Only the designated safeguarding lead sees concerns.")


def unseen_count(db: Session, staff: Staff) -> int:
    """How many concerns the safeguarding lead has not yet seen (0 for anyone else)."""
    if staff.role not in SAFEGUARDING_ROLES:
        return 0
    return db.execute(
        select(func.count(Concern.id))
        .join(Pupil, Pupil.id == Concern.pupil_id)
        .where(Concern.seen_at.is_(None), Pupil.school_id == staff.school_id)
    ).scalar_one()


def list_concerns(db: Session, staff: Staff) -> list[ConcernView]:
    """Every concern of the lead's school, newest first, unseen ones before seen; the view
    is audited."""
    _check(staff)
    rows = db.execute(
        select(Concern, Pupil)
        .join(Pupil, Pupil.id == Concern.pupil_id)
        .where(Pupil.school_id == staff.school_id)
        .order_by(Concern.seen_at.is_not(None), Concern.created_at.desc())
    ).all()
    with transaction(db):
        audit.record(db, staff, "view", None, f"safeguarding concerns listed ({len(rows)})")
    return [
        ConcernView(
            c.id,
            p.id,
            p.display_name,
            p.group.name if p.group else "",
            c.words,
            c.category,
            c.question,
            c.provenance,
            c.adult_name,
            c.created_at,
            c.seen_at,
        )
        for c, p in rows
    ]


def mark_seen(db: Session, staff: Staff, concern_id: int) -> None:
    """The safeguarding lead has read a concern (and taken it on): audited."""
    _check(staff)
    with transaction(db):
        concern = db.get(Concern, concern_id) if is_id(concern_id) else None
        pupil = db.get(Pupil, concern.pupil_id) if concern is not None else None
        if pupil is None or pupil.school_id != staff.school_id:
            raise NotFound("No such concern.")
        if concern.seen_at is None:
            concern.seen_at, concern.seen_by = utcnow(), staff.id
            audit.record(db, staff, "concern", concern.pupil_id, "safeguarding concern seen")

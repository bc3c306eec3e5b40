"""Review and confirm: an adult confirms a draft entry, corrects how it was given, adds an
observation, or discards it with a reason. The pupil's words are never edited; every change
is an annotation and an audit event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.errors import InvalidInput, NotFound
from assistant.models import PROVENANCES, Annotation, Entry, Staff, utcnow
from assistant.pupils import pupil_for
from assistant.unit_of_work import transaction

MAX_NOTE = 2000


def entry_for(db: Session, staff: Staff, entry_id: str) -> Entry:
    """An entry of a pupil this member of staff may see."""
    entry = db.get(Entry, entry_id) if isinstance(entry_id, str) else None
    if entry is None:
        raise NotFound("No such entry.")
    pupil_for(db, staff, entry.pupil_id)
    return entry


def _note(text: str, required: bool, what: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(f"Please give {what}.")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"That is too long ({MAX_NOTE} characters at most).")
    return text


def confirm(db: Session, staff: Staff, entry_id: str, note: str = "") -> Entry:
    """The adult confirms a draft (or a discarded entry back into the record)."""
    entry = entry_for(db, staff, entry_id)
    note = _note(note, False, "a note")
    with transaction(db):
        old = entry.status
        entry.status, entry.confirmed_by, entry.confirmed_at = "confirmed", f"staff:{staff.id}", utcnow()
        db.add(Annotation(entry_id=entry.id, staff_id=staff.id, kind="confirm", text=note,
                          old_value=old, new_value="confirmed"))
        audit.record(db, staff, "review", entry.pupil_id, f"confirmed entry {entry.id}")
    return entry


def correct_provenance(db: Session, staff: Staff, entry_id: str, provenance: str, note: str = "") -> Entry:
    """Correct how an answer was given (the old value stays in the annotation)."""
    if provenance not in PROVENANCES:
        raise InvalidInput(f"Provenance must be one of {', '.join(PROVENANCES)}.")
    entry = entry_for(db, staff, entry_id)
    note = _note(note, False, "a note")
    with transaction(db):
        db.add(Annotation(entry_id=entry.id, staff_id=staff.id, kind="provenance", text=note,
                          old_value=entry.provenance, new_value=provenance))
        entry.provenance = provenance
        audit.record(db, staff, "review", entry.pupil_id, f"provenance of entry {entry.id}")
    return entry


def observe(db: Session, staff: Staff, entry_id: str, text: str) -> Annotation:
    """Add the adult's observation to an entry, in the adult's words."""
    entry = entry_for(db, staff, entry_id)
    text = _note(text, True, "your observation")
    with transaction(db):
        annotation = Annotation(entry_id=entry.id, staff_id=staff.id, kind="observation", text=text)
        db.add(annotation)
        audit.record(db, staff, "review", entry.pupil_id, f"observation on entry {entry.id}")
    return annotation


def discard(db: Session, staff: Staff, entry_id: str, reason: str) -> Entry:
    """Set an entry aside with a reason; it stays, with the reason, in the audit trail."""
    entry = entry_for(db, staff, entry_id)
    reason = _note(reason, True, "a reason")
    with transaction(db):
        db.add(Annotation(entry_id=entry.id, staff_id=staff.id, kind="discard", text=reason,
                          old_value=entry.status, new_value="discarded"))
        entry.status, entry.status_reason = "discarded", reason
        audit.record(db, staff, "review", entry.pupil_id, f"discarded entry {entry.id}")
    return entry


def annotations_of(db: Session, entry_ids: list[str]) -> dict[str, list[Annotation]]:
    """Annotations by entry id, oldest first."""
    out: dict[str, list[Annotation]] = {i: [] for i in entry_ids}
    if entry_ids:
        for a in db.execute(select(Annotation).where(Annotation.entry_id.in_(entry_ids))
                            .order_by(Annotation.at, Annotation.id)).scalars():
            out[a.entry_id].append(a)
    return out

"""Review and confirm: an adult confirms a draft entry, corrects how it was given, adds an
observation, or discards it with a reason. The pupil's words are never edited; every change
is an annotation and an audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.conversation.answer_patterns import flags as answer_flags
from assistant.errors import InvalidInput, NotFound
from assistant.record.models import Annotation, ConversationSession, Entry, Pupil, Staff, utcnow
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.services.concerns import unseen_count
from assistant.services.entries import entries_of_session
from assistant.services.pupils import pupil_for, visible_pupils
from assistant.services.sessions import open_transcript, session_for_staff
from assistant.vocabulary import Provenance, check_provenance
from symbols.catalogue import load_catalogue

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


def _annotate(db: Session, staff: Staff, entry: Entry, kind: str, text: str, old=None, new=None, at=None) -> Annotation:
    """Keep what an adult did to an entry beside it: their note, and the value before and after."""
    annotation = Annotation(entry_id=entry.id, staff_id=staff.id, kind=kind, text=text, old_value=old, new_value=new)
    if at is not None:  # a batch shares one time
        annotation.at = at
    db.add(annotation)
    return annotation


def _confirm(entry: Entry, staff: Staff, at: datetime) -> None:
    entry.status, entry.confirmed_by, entry.confirmed_at = "confirmed", f"staff:{staff.id}", at


def confirm(db: Session, staff: Staff, entry_id: str, note: str = "") -> Entry:
    """The adult confirms a draft (or a discarded entry back into the record)."""
    entry = entry_for(db, staff, entry_id)
    note = _note(note, False, "a note")
    with transaction(db):
        _annotate(db, staff, entry, "confirm", note, old=entry.status, new="confirmed")
        _confirm(entry, staff, utcnow())
        audit.record(db, staff, "review", entry.pupil_id, f"confirmed entry {entry.id}")
    return entry


def correct_provenance(db: Session, staff: Staff, entry_id: str, provenance: str, note: str = "") -> Entry:
    """Correct how an answer was given (the old value stays in the annotation)."""
    check_provenance(provenance)
    entry = entry_for(db, staff, entry_id)
    note = _note(note, False, "a note")
    with transaction(db):
        _annotate(db, staff, entry, "provenance", note, old=entry.provenance, new=provenance)
        entry.provenance = provenance
        audit.record(db, staff, "review", entry.pupil_id, f"provenance of entry {entry.id}")
    return entry


def observe(db: Session, staff: Staff, entry_id: str, text: str) -> Annotation:
    """Add the adult's observation to an entry, in the adult's words."""
    entry = entry_for(db, staff, entry_id)
    text = _note(text, True, "your observation")
    with transaction(db):
        annotation = _annotate(db, staff, entry, "observation", text)
        audit.record(db, staff, "review", entry.pupil_id, f"observation on entry {entry.id}")
    return annotation


def discard(db: Session, staff: Staff, entry_id: str, reason: str) -> Entry:
    """Set an entry aside with a reason; it stays, with the reason, in the audit trail."""
    entry = entry_for(db, staff, entry_id)
    reason = _note(reason, True, "a reason")
    with transaction(db):
        _annotate(db, staff, entry, "discard", reason, old=entry.status, new="discarded")
        entry.status, entry.status_reason = "discarded", reason
        audit.record(db, staff, "review", entry.pupil_id, f"discarded entry {entry.id}")
    return entry


def annotations_of(db: Session, entry_ids: list[str]) -> dict[str, list[Annotation]]:
    """Annotations by entry id, oldest first."""
    out: dict[str, list[Annotation]] = {i: [] for i in entry_ids}
    if entry_ids:
        for a in db.execute(
            select(Annotation).where(Annotation.entry_id.in_(entry_ids)).order_by(Annotation.at, Annotation.id)
        ).scalars():
            out[a.entry_id].append(a)
    return out


BATCH_NOTE = "Confirmed with every answer the pupil checked back by choosing."
MAX_BATCH = 500


def checked_back_drafts(db: Session, session_id: str) -> list[Entry]:
    """The drafts of a session the pupil already checked back by choosing a card: the
    pupil's own answers (never an observation or the adult's view), oldest first."""
    return list(
        db.execute(
            select(Entry)
            .where(
                Entry.session_id == session_id,
                Entry.status == "draft",
                Entry.checked_back.is_(True),
                Entry.answer_kind != "observation",
                Entry.provenance != Provenance.ADULT_VIEW.value,
            )
            .order_by(Entry.created_at, Entry.id)
            .limit(MAX_BATCH)
        ).scalars()
    )


def confirm_checked_back(db: Session, staff: Staff, session_id: str) -> tuple[datetime, list[Entry]]:
    """Confirm, in one action, every draft of a session the pupil checked back by choosing.
    The batch shares one time, by which `undo_confirm_batch` finds it again."""
    session = session_for_staff(db, staff, session_id)
    entries = checked_back_drafts(db, session.id)
    at = utcnow().replace(microsecond=0)
    if not entries:
        return at, []
    with transaction(db):
        for entry in entries:
            _annotate(db, staff, entry, "confirm", BATCH_NOTE, old="draft", new="confirmed", at=at)
            _confirm(entry, staff, at)
        audit.record(
            db,
            staff,
            "review",
            session.pupil_id,
            f"confirmed {len(entries)} checked-back entries of session {session.id}",
        )
    return at, entries


def last_batch(db: Session, staff: Staff, session_id: str) -> tuple[datetime, list[Entry]] | None:
    """This adult's latest confirm-all in a session and its entries still confirmed by it
    (None when there is nothing left to undo)."""
    at = db.execute(
        select(Annotation.at)
        .join(Entry, Entry.id == Annotation.entry_id)
        .where(
            Entry.session_id == session_id,
            Annotation.staff_id == staff.id,
            Annotation.kind == "confirm",
            Annotation.text == BATCH_NOTE,
        )
        .order_by(Annotation.at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if at is None:
        return None
    entries = [
        e
        for e in db.execute(
            select(Entry)
            .join(Annotation, Annotation.entry_id == Entry.id)
            .where(
                Entry.session_id == session_id,
                Annotation.staff_id == staff.id,
                Annotation.kind == "confirm",
                Annotation.text == BATCH_NOTE,
                Annotation.at == at,
            )
        ).scalars()
        if e.status == "confirmed" and e.confirmed_at == at
    ]
    return (at, entries) if entries else None


def undo_confirm_batch(db: Session, staff: Staff, session_id: str) -> list[Entry]:
    """Undo this adult's latest confirm-all in a session: its entries that nobody changed
    since go back to drafts (an annotation and an audit event say so)."""
    session = session_for_staff(db, staff, session_id)
    batch = last_batch(db, staff, session.id)
    if batch is None:
        raise InvalidInput("There is no confirmation to undo.")
    _at, entries = batch
    with transaction(db):
        for entry in entries:
            entry.status, entry.confirmed_by, entry.confirmed_at = "draft", None, None
            _annotate(db, staff, entry, "undo", "Confirmation undone.", old="confirmed", new="draft")
        audit.record(
            db, staff, "review", session.pupil_id, f"undid confirming {len(entries)} entries of session {session.id}"
        )
    return entries


QUICK_MS = 1000  # an answer this fast may be a tap by chance


def how_given(entry: Entry) -> list[str]:
    """How one answer was given, in plain words for the reviewer: time taken, the card's
    place on the board, whether the pupil checked it back by choosing."""
    out = []
    if entry.response_ms is not None:
        seconds = entry.response_ms / 1000
        out.append(
            f"answered in {seconds:.1f} seconds"
            if seconds < 60
            else f"answered after {seconds / 60:.0f} minute{'s' if seconds >= 90 else ''}"
        )
        if entry.response_ms < QUICK_MS:
            out.append("very quick: it may have been a tap by chance")
    if entry.card_position is not None:
        out.append(
            "chose the first card on the board"
            if entry.card_position == 0
            else f"chose card {entry.card_position + 1} on the board"
        )
    if entry.checked_back:
        out.append("the pupil checked it back by choosing")
    return out


QUEUE_VIEWS = {"review": "Needs review", "today": "Today", "all": "All sessions"}
QUEUE_LIMIT = 50


def review_queue(
    db: Session, staff: Staff, view: str = "review", pupil_id: int | None = None, today: date | None = None
) -> list[dict]:
    """Sessions of the pupils this adult may see, newest first, with how many answers wait:
    only those with drafts ("review"), those started today ("today") or all ("all"),
    for one pupil when asked. InvalidInput for an unknown view."""
    if view not in QUEUE_VIEWS:
        raise InvalidInput(f"Choose one of: {', '.join(QUEUE_VIEWS)}.")
    pupils = {p.id for p in visible_pupils(db, staff)}
    if pupil_id is not None:
        pupils &= {pupil_id}
    drafts = (
        select(Entry.session_id, func.count(Entry.id).label("n"))
        .where(Entry.status == "draft")
        .group_by(Entry.session_id)
        .subquery()
    )
    query = (
        select(ConversationSession, func.coalesce(drafts.c.n, 0))
        .outerjoin(drafts, drafts.c.session_id == ConversationSession.id)
        .where(ConversationSession.pupil_id.in_(pupils or [-1]))
    )
    if view == "review":
        query = query.where(drafts.c.n > 0)
    elif view == "today":
        day = today or utcnow().date()
        query = query.where(
            ConversationSession.created_at >= datetime.combine(day, time.min),
            ConversationSession.created_at < datetime.combine(day + timedelta(days=1), time.min),
        )
    rows = db.execute(query.order_by(ConversationSession.created_at.desc()).limit(QUEUE_LIMIT)).all()
    return [{"session": s, "drafts": n} for s, n in rows]


@dataclass
class HomeQueue:
    """The staff home page: sessions to review (filtered), concerns not yet seen, the pupils
    to filter by."""

    sessions: list[dict]
    unseen_concerns: int
    view: str
    pupil_id: int | None
    pupils: list[Pupil]


def home_queue(db: Session, staff: Staff, view: str = "review", pupil_id: int | None = None) -> HomeQueue:
    """The queue on the staff home page: needs review (the default, also for an unknown
    view), today, or all; for one pupil when asked."""
    view = view if view in QUEUE_VIEWS else "review"
    return HomeQueue(
        review_queue(db, staff, view, pupil_id), unseen_count(db, staff), view, pupil_id, visible_pupils(db, staff)
    )


REVIEW_STATES = {"all": "All answers", "draft": "Needs review"}


@dataclass
class SessionReview:
    """One session's answers for review: those shown (with their notes, how each was given
    and their concepts), counts, patterns in how they were given, the last confirm-all."""

    session: ConversationSession
    items: list[dict]
    drafts: int
    total: int
    checked: int
    flags: list[str]
    batch: tuple[datetime, list[Entry]] | None


def session_review(db: Session, staff: Staff, session_id: str, state: str = "all", saved: str = "") -> SessionReview:
    """A session's answers for review (all, or the drafts), the one just `saved` kept in
    view whatever the filter; the viewing goes in the audit log."""
    session = open_transcript(db, staff, session_id)
    entries = entries_of_session(db, session.id)
    shown = [e for e in entries if state == "all" or e.status == state or e.id == saved]
    notes = annotations_of(db, [e.id for e in shown])
    catalogue = load_catalogue()
    items = [
        {
            "entry": e,
            "notes": notes[e.id],
            "how": how_given(e),
            "concepts": [c for c in map(catalogue.get, e.concept_ids or []) if c],
        }
        for e in shown
    ]
    return SessionReview(
        session,
        items,
        sum(e.status == "draft" for e in entries),
        len(entries),
        len(checked_back_drafts(db, session.id)),
        answer_flags(entries),
        last_batch(db, staff, session.id),
    )


REVIEW_ACTIONS = ("confirm", "provenance", "observe", "discard")


def review_entry(
    db: Session,
    staff: Staff,
    entry_id: str,
    action: str,
    note: str = "",
    provenance: str = "",
    text: str = "",
    reason: str = "",
) -> Entry:
    """One review action on an entry (confirm, correct how it was given, add an observation,
    discard); the entry as it is now."""
    if action == "confirm":
        return confirm(db, staff, entry_id, note)
    if action == "provenance":
        return correct_provenance(db, staff, entry_id, provenance, note)
    if action == "observe":
        return db.get(Entry, observe(db, staff, entry_id, text).entry_id)
    if action == "discard":
        return discard(db, staff, entry_id, reason)
    raise NotFound("No such review action.")

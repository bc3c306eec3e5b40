"""Conversation sessions: started by staff for one pupil, reached by a tablet token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound, SessionClosed
from assistant.record.models import ConversationSession, Encounter, Pupil, Staff, utcnow
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.services.encounters import encounter_for, list_encounters
from assistant.services.pupils import pupil_for, visible_pupils
from assistant.vocabulary import CONVERSATIONS, ENDED_STATUSES


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# Codes are typed by adults: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_MINUTES = 30
# Conversations about one encounter (they need it; the others must not have one).
ENCOUNTER_CONVERSATIONS = ("prepare", "debrief")
# A tablet's token ends with its session: after the session finished or stopped, only long
# enough for the last reply and its speech ("All done"), then it opens nothing.
TOKEN_GRACE_AFTER_END = timedelta(minutes=2)


def normalise_code(code: str) -> str:
    """A typed code as stored: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:40]


def start_session(
    db: Session,
    staff: Staff,
    pupil_id: int,
    conversation: str,
    encounter_id: int | None = None,
    adult_present: bool = True,
    adult_name: str = "",
) -> tuple[ConversationSession, str]:
    """Open a session for a pupil; return it and its one-time code (stored only hashed).

    The code goes to the tablet in a link or typed; the tablet swaps it once for its token.
    """
    if conversation not in CONVERSATIONS:
        raise InvalidInput(f"Choose a conversation: {', '.join(CONVERSATIONS)}.")
    if len(adult_name or "") > 200:
        raise InvalidInput("The adult's name is too long.")
    pupil = pupil_for(db, staff, pupil_id)
    encounter = None
    if encounter_id is not None:
        encounter = encounter_for(db, staff, encounter_id)
    if conversation in ENCOUNTER_CONVERSATIONS and encounter is None:
        raise InvalidInput("Preparing for and talking about an encounter need one: choose it.")
    if conversation not in ENCOUNTER_CONVERSATIONS and encounter is not None:
        raise InvalidInput("Only a conversation before or after an encounter is about one: leave the encounter empty.")
    if conversation == "debrief" and pupil not in encounter.pupils:
        raise InvalidInput(
            f"{pupil.display_name} is not recorded as going to "
            f"{encounter.title}: add them to the encounter first, or choose another."
        )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with transaction(db):
        session = ConversationSession(
            pupil_id=pupil.id,
            conversation=conversation,
            encounter=encounter,
            started_by_id=staff.id,
            adult_present=bool(adult_present),
            adult_name=(adult_name or (staff.display_name if adult_present else "")).strip(),
            claim_code_hash=_hash(code),
            tablet_token_expires=utcnow() + timedelta(minutes=CODE_MINUTES),
        )
        db.add(session)
        audit.record(db, staff, "start_session", pupil.id, conversation)
    return session, code


def claim_session(db: Session, code: str, token_hours: int = 12) -> tuple[ConversationSession, str]:
    """Swap a session's one-time code for the tablet's token; the code then stops working."""
    code = normalise_code(code)
    refused = NotFound("That code does not work. Ask an adult for a new one.")
    if len(code) != CODE_LENGTH:
        raise refused
    token = secrets.token_urlsafe(24)
    code_hash = _hash(code)
    with transaction(db):
        session = db.execute(
            select(ConversationSession).where(ConversationSession.claim_code_hash == code_hash)
        ).scalar_one_or_none()
        now = utcnow()
        if session is None or session.tablet_token_expires < now or session.status in ENDED_STATUSES:
            raise refused
        # One statement that only succeeds while the code is still unused: of two tablets
        # claiming at the same moment, exactly one gets a token (on SQLite as on PostgreSQL).
        claimed = db.execute(
            update(ConversationSession)
            .where(ConversationSession.id == session.id, ConversationSession.claim_code_hash == code_hash)
            .values(
                claim_code_hash=None,
                claimed_at=now,
                tablet_token_hash=_hash(token),
                tablet_token_expires=now + timedelta(hours=token_hours),
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            raise refused
    db.refresh(session)
    return session, token


def session_for_token(db: Session, token: str) -> ConversationSession:
    """The session a tablet token opens; NotFound if unknown or expired."""
    if not token or len(token) > 200:
        raise NotFound("This tablet link is not valid. Ask an adult to start the session again.")
    session = db.execute(
        select(ConversationSession).where(ConversationSession.tablet_token_hash == _hash(token))
    ).scalar_one_or_none()
    now = utcnow()
    if (
        session is None
        or session.tablet_token_expires < now
        or (
            session.status in ENDED_STATUSES
            and (session.ended_at is None or session.ended_at + TOKEN_GRACE_AFTER_END < now)
        )
    ):
        raise NotFound("This tablet link is not valid. Ask an adult to start the session again.")
    return session


def session_for_staff(db: Session, staff: Staff, session_id: str) -> ConversationSession:
    """A session of a pupil this member of staff may see."""
    session = db.get(ConversationSession, session_id) if isinstance(session_id, str) else None
    if session is None:
        raise NotFound("No such session.")
    pupil_for(db, staff, session.pupil_id)
    return session


def open_transcript(db: Session, staff: Staff, session_id: str, how: str = "session review") -> ConversationSession:
    """Open a session's transcript (the pupil's answers): as session_for_staff, and every
    opening is audited (`how`: the page or the API that showed it)."""
    session = session_for_staff(db, staff, session_id)
    audit.log(db, staff, "view", session.pupil_id, how)
    return session


def ensure_open(session: ConversationSession) -> None:
    """SessionClosed if nothing more may be said in this session."""
    if session.status in ENDED_STATUSES:
        raise SessionClosed("This session has finished. Thank you!")


def start_choices(db: Session, staff: Staff) -> tuple[list[Pupil], list[Encounter]]:
    """What the start form offers this member of staff: the pupils and encounters they may see."""
    return visible_pupils(db, staff), list_encounters(db, staff)


def sessions_of_pupil(db: Session, pupil_id: int) -> list[ConversationSession]:
    """Every session of a pupil, newest first."""
    return list(
        db.execute(
            select(ConversationSession)
            .where(ConversationSession.pupil_id == pupil_id)
            .order_by(ConversationSession.created_at.desc())
        ).scalars()
    )

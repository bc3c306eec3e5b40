"""Messages a tablet has sent, by the tablet's own id for each (client_id): so an answer sent
again after a dropped connection, a restart or a fault is recorded exactly once.

Three writers meet on one row (ChatRequest) and never record an answer twice:
- the web app claims it before passing the answer on (`claim`) and keeps the reply
  (`remember`); a final reply (2xx, 4xx) is given again to a repeat, a fault (5xx) is not:
  the repeat is handled anew;
- the conversation engine, in the transaction that records the answer, marks it taken
  (`take`): a repeat that reaches the engine again changes nothing;
- when the assistant could not take it, the web app keeps the answer as a draft and links
  it here (turns.keep_answer); the engine drops that draft when it takes the answer, still a
  draft, in its own transaction.
Each writer locks the row first by writing to it (`lock`), which on SQLite is the one way to
make a read-then-write safe, and on PostgreSQL a row lock like SELECT ... FOR UPDATE.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput
from assistant.record.models import Annotation, ChatRequest, Entry, utcnow
from assistant.record.unit_of_work import transaction

CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
# A claim with no reply after this long belongs to a request that died (or could not write
# its reply): handle it again. Handling twice is safe (see `take`); the wait only spares the
# assistant a second copy of a message that is still on its way.
STALE = timedelta(seconds=10)


def check_client_id(client_id: object) -> str:
    """The client_id, or InvalidInput if it is not 8 to 64 letters, digits or dashes."""
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise InvalidInput("client_id must be 8 to 64 letters, digits or dashes.")
    return client_id


def claim(db: Session, session_id: str, client_id: str) -> tuple[bool, ChatRequest]:
    """Claim a message id for handling. (True, row) when this request should handle it;
    (False, row) when it was answered for good (row.reply) or is being handled now."""
    check_client_id(client_id)
    try:
        with transaction(db):
            row = ChatRequest(session_id=session_id, client_id=client_id)
            db.add(row)
        return True, row
    except IntegrityError:
        pass
    with transaction(db):
        row = db.execute(
            select(ChatRequest).where(ChatRequest.session_id == session_id, ChatRequest.client_id == client_id)
        ).scalar_one()
        answered = row.reply is not None and row.reply.get("status", 500) < 500
        in_flight = row.reply is None and row.taken_at is None and row.created_at >= utcnow() - STALE
        if answered or in_flight:
            return False, row
        # A fault, a dead request, or an answer taken whose reply was lost: handle it again.
        # Only one of several repeats arriving together wins (created_at is the version).
        now = utcnow()
        won = (
            db.execute(
                update(ChatRequest)
                .where(ChatRequest.id == row.id, ChatRequest.created_at == row.created_at)
                .values(created_at=now, reply=None)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )
        if won:
            row.created_at, row.reply = now, None
        return won, row


def remember(db: Session, row: ChatRequest, status: int, body: dict) -> None:
    """Keep the reply given to a claimed message, for any repeat of it."""
    with transaction(db):
        db.execute(
            update(ChatRequest)
            .where(ChatRequest.id == row.id)
            .values(reply={"status": status, "body": body})
            .execution_options(synchronize_session=False)
        )


def lock(db: Session, session_id: str, client_id: str | None) -> ChatRequest | None:
    """Inside a transaction: the message's row, locked against the other writers (None when
    there is no client_id or no such claim)."""
    if not client_id or not CLIENT_ID.match(client_id):
        return None
    where = (ChatRequest.session_id == session_id, ChatRequest.client_id == client_id)
    db.execute(
        update(ChatRequest)
        .where(*where)
        .values(client_id=ChatRequest.client_id)
        .execution_options(synchronize_session=False)
    )
    return db.execute(select(ChatRequest).where(*where)).scalar_one_or_none()


def take(db: Session, row: ChatRequest) -> None:
    """Inside the engine's transaction: mark the answer taken, and drop the draft the web
    app kept for it if nobody has reviewed that draft yet (the engine's entry replaces it)."""
    row.taken_at = utcnow()
    kept = db.get(Entry, row.kept_entry_id) if row.kept_entry_id else None
    row.kept_entry_id = None
    if (
        kept is not None
        and kept.status == "draft"
        and not db.execute(select(func.count()).select_from(Annotation).where(Annotation.entry_id == kept.id)).scalar()
    ):
        db.delete(kept)

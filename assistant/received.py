"""Messages a tablet has sent, by the tablet's own id for each: so a message re-sent after
a dropped connection is answered from memory and recorded exactly once."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput
from assistant.models import ChatRequest, utcnow
from assistant.unit_of_work import transaction

CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
# A claim with no reply after this long belongs to a request that died: try it again.
STALE = timedelta(minutes=2)


def claim(db: Session, session_id: str, client_id: str) -> tuple[bool, ChatRequest]:
    """Claim a message id for handling. (True, row) when this request should handle it;
    (False, row) when it was handled (row.reply holds the answer) or is being handled."""
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise InvalidInput("client_id must be 8 to 64 letters, digits or dashes.")
    try:
        with transaction(db):
            row = ChatRequest(session_id=session_id, client_id=client_id)
            db.add(row)
        return True, row
    except IntegrityError:
        pass
    with transaction(db):
        row = db.execute(select(ChatRequest).where(ChatRequest.session_id == session_id,
                                                   ChatRequest.client_id == client_id)
                         .with_for_update()).scalar_one()
        if row.reply is None and row.created_at < utcnow() - STALE:
            row.created_at = utcnow()
            return True, row
    return False, row


def remember(db: Session, row: ChatRequest, status: int, body: dict) -> None:
    """Keep the answer given to a claimed message, for any repeat of it."""
    with transaction(db):
        row = db.merge(row)
        row.reply = {"status": status, "body": body}

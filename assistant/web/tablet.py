"""The tablet's proof: the session's bearer token. The pupil and the session are found from
it, never taken from the tablet. Shared by the chat API, speech out and speech in."""

from __future__ import annotations

from flask import request

from assistant.record.models import ConversationSession
from assistant.services.sessions import ensure_open, session_for_token
from assistant.web.store import get_db


def tablet_session() -> ConversationSession:
    """The session whose token the tablet sent (NotFound or SessionClosed otherwise)."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    return session_for_token(get_db(), token)


def open_session() -> ConversationSession:
    """The tablet's session, if it is still open (SessionClosed otherwise)."""
    session = tablet_session()
    ensure_open(session)
    return session

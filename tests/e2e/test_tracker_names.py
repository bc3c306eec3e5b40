"""Rasa sees no school data: on the real stack (Rasa with the test model, the action server,
the web app), a conversation whose pupil types their own name leaves no pupil, adult or
school name in Rasa's tracker store (the SQLite file's bytes), while the tablet shows the
names; erasing the pupil then removes their conversation events there."""

from __future__ import annotations

import json
import sqlite3

import pytest
import requests

from assistant.record.models import ConversationSession
from assistant.services.accounts import create_staff
from assistant.services.erasure import erase_pupil
from assistant.services.pupils import create_pupil
from assistant.services.schools import create_school

pytestmark = pytest.mark.slow

NAMES = ("Ottoline", "ottoline", "OTTOLINE", "Fairweather", "Kingfisher", "kingfisher", "Mrs Ng")


def _tracker_bytes(stack) -> bytes:
    files = [stack.tracker_db, stack.tracker_db.with_name(stack.tracker_db.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def test_the_tracker_store_holds_no_name_and_erasure_empties_it(stack):
    school = create_school(stack.db, "Kingfisher Academy")
    lead = create_staff(
        stack.db, "lead@kingfisher.test", "Ms Kingfisher", "careers_lead", "correct horse battery", school_id=school.id
    )
    pupil = create_pupil(stack.db, "Ottoline", "Fairweather", "Year 10", "Heron class", school_id=school.id)
    http = requests.Session()
    assert http.post(f"{stack.web_url}/api/login", json={"email": lead.email, "password": "correct horse battery"}).ok
    created = http.post(
        f"{stack.web_url}/api/sessions",
        json={"pupil_id": pupil.id, "conversation": "interests", "adult_name": "Mrs Ng"},
    ).json()
    headers = {"Authorization": f"Bearer {stack.tablet_token(created)}"}

    def post(path, body=None):
        response = requests.post(stack.web_url + path, json=body or {}, headers=headers, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()["messages"]

    assert post("/api/chat/start")[0]["text"].startswith("Hello Ottoline!")
    said = post("/api/chat/message", {"text": "Ottoline likes cooking at Kingfisher Academy"})
    assert "Ottoline likes cooking" in json.dumps(said)  # read back to the pupil, with the name
    assert "Thank you, Ottoline." in post("/api/chat/stop")[0]["text"]

    stack.db.expire_all()
    session = stack.db.get(ConversationSession, created["session_id"])
    sender = session.rasa_sender_id
    stored = _tracker_bytes(stack)
    assert sender.encode() in stored and b"cooking" in stored  # the conversation is there...
    for name in NAMES:
        assert name.encode() not in stored, name  # ...without a name
    with sqlite3.connect(stack.tracker_db) as con:
        assert con.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0] > 3
    con.close()

    admin = create_staff(
        stack.db, "admin@kingfisher.test", "Mr Admin", "admin", "correct horse battery", school_id=school.id
    )
    counts = erase_pupil(stack.db, admin, pupil.id, f"sqlite:///{stack.tracker_db}", None)
    assert counts["tracker_events"] > 3
    with sqlite3.connect(stack.tracker_db) as con:
        assert con.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0] == 0
    con.close()

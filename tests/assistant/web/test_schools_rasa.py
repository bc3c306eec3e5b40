"""Rasa sees no school: a second school's conversation reaches Rasa under an opaque sender
id, with no school, pupil or staff name in what is sent."""

from __future__ import annotations

import json
import re

from tests.assistant.web.conftest import login
from tests.conftest import make_other_school


def test_a_second_schools_conversation_sends_rasa_nothing_of_the_school(app, client, fake_rasa):
    from assistant.web.store import get_db

    with app.app_context():
        other = make_other_school(get_db())
    login(client, "lead@other.test")
    started = client.post("/api/sessions", json={"pupil_id": other["pupil_id"], "conversation": "interests"})
    assert started.status_code == 201, started.json
    client.post("/api/logout")
    claimed = client.post("/api/chat/claim", json={"code": started.json["code"]})
    headers = {"Authorization": "Bearer " + claimed.json["tablet_token"]}
    client.post("/api/chat/start", headers=headers)
    assert client.post("/api/chat/message", headers=headers, json={"text": "cooking"}).status_code == 200
    assert fake_rasa.calls
    for call in fake_rasa.calls:
        assert re.fullmatch(r"[0-9a-f]{32}", call["sender"])
        sent = json.dumps(call).lower()
        for word in ("other school", "school_id", "zebedee", "quill", "kestrel"):
            assert word not in sent, (word, call)

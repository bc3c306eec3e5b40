"""Through the API: Rasa is sent and answers with stand-ins, the tablet sees the names, and
the record keeps the pupil's words exactly (the real actions, behind a stand-in Rasa)."""

from __future__ import annotations

import json
import re

from tests.assistant.web.conftest import login


def test_names_reach_the_tablet_but_not_rasa(app, client, fake_rasa):
    from assistant.record.models import ConversationSession, Entry, Pupil
    from assistant.web.store import get_db

    answered = []
    take = fake_rasa.take
    fake_rasa.take = lambda *args: answered.append(take(*args)) or answered[-1]
    with app.app_context():
        db = get_db()
        pupil = db.get(Pupil, app.people[2])
        pupil.given_name, pupil.family_name = "Ottoline", "Fairweather"
        db.commit()
    login(client)
    started = client.post(
        "/api/sessions", json={"pupil_id": app.people[2], "conversation": "interests", "adult_name": "Mrs Ng"}
    )
    client.post("/api/logout")
    token = client.post("/api/chat/claim", json={"code": started.json["code"]}).json["tablet_token"]
    headers = {"Authorization": "Bearer " + token}
    start = client.post("/api/chat/start", headers=headers)
    assert start.json["messages"][0]["text"].startswith("Hello Ottoline!")
    reply = client.post("/api/chat/message", headers=headers, json={"text": "OTTOLINE Fairweather likes cooking"})
    assert reply.status_code == 200 and "OTTOLINE Fairweather" in json.dumps(reply.json)
    check = reply.json["messages"][-1]
    client.post(
        "/api/chat/message",
        headers=headers,
        json={"card": "cooking", "stance": "like", "prompt_id": check["prompt_id"]},
    )
    stop = client.post("/api/chat/stop", headers=headers)
    assert "Thank you, Ottoline." in stop.json["messages"][0]["text"]
    seen_by_rasa = json.dumps([fake_rasa.calls, answered], ensure_ascii=False)
    for name in ("Ottoline", "OTTOLINE", "Fairweather", "Mrs Ng", "Our school"):
        assert name not in seen_by_rasa, name
    assert "⟦pupil⟧" in seen_by_rasa and "⟦pupil.upper⟧" in seen_by_rasa
    with app.app_context():
        db = get_db()
        session = db.get(ConversationSession, started.json["session_id"])
        words = [e.words for e in db.query(Entry).filter(Entry.session_id == session.id)]
        assert "OTTOLINE Fairweather likes cooking" in words  # the pupil's words, exactly


def test_sender_ids_are_opaque(app, client, fake_rasa):
    """Rasa's id for a conversation is random: not the session's id, not the pupil's, and
    a new one for every conversation."""
    from assistant.record.models import ConversationSession
    from assistant.web.store import get_db

    login(client)
    made = [
        client.post("/api/sessions", json={"pupil_id": app.people[2], "conversation": "interests"}).json
        for _ in range(2)
    ]
    with app.app_context():
        db = get_db()
        senders = [db.get(ConversationSession, m["session_id"]).rasa_sender_id for m in made]
    assert senders[0] != senders[1]
    for sender, created in zip(senders, made):
        assert re.fullmatch(r"[0-9a-f]{32}", sender) and sender != created["session_id"]

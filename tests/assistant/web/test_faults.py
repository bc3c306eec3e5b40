"""No answer lost in any fault, none recorded twice: the assistant down, its reply empty or an
error, its reply lost after it recorded the answer, the record unreachable. The tablet sends
the same answer again (same client_id) until it is taken; the conversation goes on."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from assistant.conversation.plans import steps_for
from tests.assistant.web.conftest import login

SECOND_QUESTION = steps_for("interests")[1].question


def entries(client, session_id):
    login(client)
    response = client.get(f"/api/sessions/{session_id}")
    client.post("/api/logout")
    return response.json["entries"]


def send(client, tablet, client_id, **answer):
    return client.post("/api/chat/message", headers=tablet.headers, json={**answer, "client_id": client_id})


@pytest.mark.parametrize("fault", ["down", "empty", "error"])
def test_an_answer_the_assistant_could_not_take_is_kept_once_then_taken(client, tablet, fake_rasa, fault):
    client.post("/api/chat/start", headers=tablet.headers)
    fake_rasa.fault = fault
    for _ in range(3):  # the tablet sends it again while the fault lasts
        reply = send(client, tablet, "answer-0001", card="cooking")
        assert reply.status_code == 503
        assert reply.json["kept"] is True and reply.json["retry"] is True
    (kept,) = entries(client, tablet.session_id)
    assert kept["concepts"][0]["id"] == "cooking" and kept["status"] == "draft"
    assert "Kept by the web app" in kept["status_reason"]

    fake_rasa.fault = None
    reply = send(client, tablet, "answer-0001", card="cooking")
    assert reply.status_code == 200
    assert reply.json["messages"][-1]["text"] == SECOND_QUESTION
    (taken,) = entries(client, tablet.session_id)  # the draft gave way to the taken answer
    assert taken["concepts"][0]["id"] == "cooking" and taken["id"] != kept["id"]
    assert taken["status_reason"] is None
    assert send(client, tablet, "answer-0001", card="cooking").json == reply.json
    assert send(client, tablet, "answer-0002", card="football").status_code == 200
    assert [e["concepts"][0]["id"] for e in entries(client, tablet.session_id)] == ["cooking", "football"]


def test_an_answer_taken_whose_reply_was_lost_is_not_taken_again(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    fake_rasa.fault = "lost"  # Rasa died after the action had recorded the answer
    reply = send(client, tablet, "answer-0001", card="football")
    assert reply.status_code == 503 and reply.json["kept"] is True
    (entry,) = entries(client, tablet.session_id)
    assert entry["concepts"][0]["id"] == "football" and entry["status_reason"] is None

    fake_rasa.fault = None
    again = send(client, tablet, "answer-0001", card="football")
    assert again.status_code == 200  # where the conversation is now: the next question
    assert again.json["messages"][-1]["text"] == SECOND_QUESTION
    assert len(entries(client, tablet.session_id)) == 1


def test_when_the_record_is_unreachable_the_tablet_keeps_the_answer(client, tablet, fake_rasa, monkeypatch):
    client.post("/api/chat/start", headers=tablet.headers)
    fake_rasa.fault = "error"  # the action could not write: nor can the web app

    def unreachable(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    with monkeypatch.context() as patched:
        patched.setattr("assistant.services.chat.keep_answer", unreachable)
        reply = send(client, tablet, "answer-0001", text="i like animals")
    assert reply.status_code == 503
    assert reply.json["kept"] is False and reply.json["retry"] is True
    assert entries(client, tablet.session_id) == []

    fake_rasa.fault = None
    assert send(client, tablet, "answer-0001", text="i like animals").status_code == 200
    (entry,) = entries(client, tablet.session_id)
    assert entry["words"] == "i like animals"


def test_an_unreachable_database_is_a_503_that_asks_to_try_again(client, tablet, fake_rasa, monkeypatch):
    def unreachable(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr("assistant.web.tablet.session_for_token", unreachable)
    reply = client.post("/api/chat/message", headers=tablet.headers, json={"text": "hi"})
    assert reply.status_code == 503 and reply.json["retry"] is True


def test_a_kept_draft_an_adult_has_reviewed_stays(client, tablet, fake_rasa, app):
    from assistant.record.models import Staff
    from assistant.services.review import observe
    from assistant.web.store import get_db

    client.post("/api/chat/start", headers=tablet.headers)
    fake_rasa.fault = "down"
    send(client, tablet, "answer-0001", text="i like drawing")
    (kept,) = entries(client, tablet.session_id)
    with app.app_context():
        db = get_db()
        observe(db, db.get(Staff, app.people[0]), kept["id"], "Said while pointing at the art room.")
    fake_rasa.fault = None
    assert send(client, tablet, "answer-0001", text="i like drawing").status_code == 200
    kept_ids = [e["id"] for e in entries(client, tablet.session_id)]
    assert kept["id"] in kept_ids


def test_commands_ask_to_try_again_and_keep_nothing(client, tablet, fake_rasa):
    fake_rasa.fault = "empty"
    reply = client.post("/api/chat/start", headers=tablet.headers)
    assert reply.status_code == 503 and reply.json == {
        "error": "Just a moment, please. The assistant will carry on soon.",
        "kept": False,
        "retry": True,
        "messages": [],
    }
    assert entries(client, tablet.session_id) == []

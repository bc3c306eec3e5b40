"""The chat service with the assistant as an adapter: no web app, no Rasa, a real database.
An answer is checked before it is sent, sent signed, kept as a draft when the assistant does
not take it, and a repeat of the same message id gets the same reply."""

from __future__ import annotations

import pytest

from assistant.channel import verify
from assistant.errors import InvalidInput
from assistant.services import chat
from assistant.services.entries import entries_of_session
from assistant.services.sessions import start_session
from tests.conftest import make_people

SECRET = "a test secret"


class Assistant:
    """Records what it was sent; answers with one message, or fails as told."""

    def __init__(self):
        self.sent: list[tuple[str, str, dict]] = []
        self.down = False

    def send(self, sender_id: str, message: str, metadata: dict) -> list[dict]:
        self.sent.append((sender_id, message, metadata))
        if self.down:
            raise chat.AssistantUnavailable("down")
        return [{"text": "Thank you.", "prompt": True}]


@pytest.fixture
def session(db):
    lead, _advocate, sam, _leo = make_people(db)
    started, _code = start_session(db, lead, sam.id, "interests")
    return started


def test_a_card_is_sent_signed_with_how_it_was_given(db, session, catalogue):
    assistant = Assistant()
    reply = chat.send_answer(db, assistant, SECRET, session, {"card": "cooking", "response_ms": 1200}, catalogue, 500)
    assert reply.status == 200 and reply.body["messages"] == [{"text": "Thank you.", "prompt": True}]
    assert reply.rasa_ms is not None
    ((sender, message, metadata),) = assistant.sent
    assert sender == session.rasa_sender_id and message == '/choose{"concept": "cooking"}'
    assert metadata["input_mode"] == "touch" and metadata["response_ms"] == 1200
    assert verify(SECRET, sender, message, metadata)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": "hi", "card": "cooking"},
        {"card": "no_such_card"},
        {"text": "hi", "stance": "like"},
        {"text": " /  "},
        {"card": "cooking", "provenance": "made_up"},
        {"text": "hi", "speech_confidence": 0.5},
    ],
)
def test_a_wrong_answer_is_refused_before_anything_is_sent(db, session, catalogue, body):
    assistant = Assistant()
    with pytest.raises(InvalidInput):
        chat.send_answer(db, assistant, SECRET, session, body, catalogue, 500)
    assert assistant.sent == []


def test_when_the_assistant_is_down_the_answer_is_kept_once_and_the_reply_repeated(db, session, catalogue):
    assistant = Assistant()
    assistant.down = True
    body = {"text": "i like animals", "client_id": "answer-0001"}
    first = chat.send_answer(db, assistant, SECRET, session, body, catalogue, 500)
    assert first.status == 503 and first.body["kept"] is True and first.body["retry"] is True
    again = chat.send_answer(db, assistant, SECRET, session, body, catalogue, 500)
    assert again.status == 503 and len(assistant.sent) == 2  # a fault is handled anew
    (kept,) = entries_of_session(db, session.id)
    assert kept.words == "i like animals" and kept.status == "draft"
    assert kept.status_reason == chat.KEPT_REASON

    assistant.down = False
    taken = chat.send_answer(db, assistant, SECRET, session, body, catalogue, 500)
    assert taken.status == 200
    repeat = chat.send_answer(db, assistant, SECRET, session, body, catalogue, 500)
    assert (repeat.status, repeat.body) == (taken.status, taken.body) and len(assistant.sent) == 3


def test_a_command_keeps_nothing_when_the_assistant_is_down(db, session):
    assistant = Assistant()
    assistant.down = True
    reply = chat.send_command(db, assistant, SECRET, session, "start")
    assert reply.status == 503 and reply.body["kept"] is False
    assert assistant.sent[0][1] == "/start_conversation"
    assert entries_of_session(db, session.id) == []

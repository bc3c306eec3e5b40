"""Faults on the real stack, mid-conversation: the action server down for a turn, Rasa killed
mid-turn and restarted, the web app killed mid-turn and restarted, the database locked
(SQLite) or restarted (PostgreSQL) mid-turn. The tablet does what the widget does: it sends
the same answer again (same client_id) until it gets a final reply. After each fault every
answer sent is stored exactly once and the conversation goes on from where it was.

A part is held mid-turn with SIGSTOP on the action server: Rasa has passed the answer on
and waits, and the fault happens then; SIGCONT lets the action finish."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import threading
import time

import pytest
import requests
from sqlalchemy import select

from assistant.conversation.plans import steps_for
from assistant.record.models import Entry
from assistant.services.pupils import create_pupil

pytestmark = pytest.mark.slow

QUESTIONS = [step.question for step in steps_for("interests")]


class Tablet:
    """A tablet over HTTP that sends each answer with its own client_id, as the widget does."""

    def __init__(self, stack, token):
        self.url = stack.web_url
        self.headers = {"Authorization": f"Bearer {token}"}
        self.sent: list[str] = []

    def post(self, path, body=None, timeout=60):
        try:
            return requests.post(self.url + path, json=body or {}, headers=self.headers, timeout=timeout)
        except requests.ConnectionError:
            return None  # the web app is down: the answer stays in the outbox

    def answer(self, client_id, card):
        """Send once; the response (or None when the web app did not answer)."""
        if client_id not in self.sent:
            self.sent.append(client_id)
        return self.post("/api/chat/message", {"card": card, "client_id": client_id, "input_mode": "touch"})

    def answer_until_taken(self, client_id, card, seconds=120):
        """Send again every second until a final reply, as the widget's outbox does."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            response = self.answer(client_id, card)
            if response is not None and response.status_code < 500 and not response.json().get("retry"):
                assert response.status_code == 200, response.text
                return prompt_of(response.json()["messages"])
            time.sleep(1)
        raise AssertionError(f"{client_id} was not taken in {seconds} s")

    def start(self):
        response = self.post("/api/chat/start")
        assert response.status_code == 200, response.text
        return prompt_of(response.json()["messages"])


def prompt_of(messages):
    return [m for m in messages if m["prompt"]][-1]


def first_card(prompt):
    return prompt["cards"][0]["concept"]


def open_session(stack, db):
    """A new pupil (nothing to recall) and the tablet of a new interests session, started."""
    pupil = create_pupil(db, "Fault", "Test", "Year 9", "Oak class")
    stack.ids[f"fault-{pupil.id}"] = pupil.id
    created = stack.new_session(f"fault-{pupil.id}", "interests")
    tablet = Tablet(stack, stack.tablet_token(created))
    prompt = tablet.start()
    assert prompt["text"] == QUESTIONS[0]
    return created["session_id"], tablet, prompt


def stored(db, session_id):
    db.expire_all()
    return db.execute(select(Entry).where(Entry.session_id == session_id).order_by(Entry.created_at)).scalars().all()


def assert_each_answer_once(db, session_id, cards):
    entries = stored(db, session_id)
    assert [e.concept_ids for e in entries] == [[card] for card in cards]
    assert not any("Kept by the web app" in (e.status_reason or "") for e in entries)


def resumes(db, session_id, tablet, name, answered, pending):
    """The `pending` answer is sent again until taken, then one more answer: the questions
    follow on from where the conversation was, and every answer is stored exactly once."""
    done = len(answered)
    prompt = tablet.answer_until_taken(f"{name}-{done + 1}", pending)
    assert prompt["text"] == QUESTIONS[done + 1]
    following = first_card(prompt)
    assert tablet.answer_until_taken(f"{name}-{done + 2}", following)["text"] == QUESTIONS[done + 2]
    assert_each_answer_once(db, session_id, [*answered, pending, following])


def sent_mid_turn(tablet, client_id, card):
    """Send an answer in the background while the action server is `held`; returns once the
    web app has claimed it and Rasa waits on the action: (thread, {"value": response})."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", tablet.answer(client_id, card)))
    thread.start()
    time.sleep(2)
    return thread, result


@contextlib.contextmanager
def held(stack, part="actions"):
    """The part stopped (SIGSTOP) for the block: requests to it wait, mid-turn."""
    group = stack.parts[part].pid  # each part leads its own process group
    os.killpg(group, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(group, signal.SIGCONT)


def test_action_server_down_for_a_turn(stack):
    session_id, tablet, prompt = open_session(stack, stack.db)
    first = first_card(prompt)
    stack.kill("actions")
    try:
        for _ in range(2):  # kept once however often it is sent while the fault lasts
            response = tablet.answer("fault-actions-1", first)
            assert response.status_code == 503
            assert response.json()["kept"] is True and response.json()["retry"] is True
        (kept,) = stored(stack.db, session_id)
        assert kept.concept_ids == [first] and kept.status == "draft"
    finally:
        stack.start_part("actions")
    resumes(stack.db, session_id, tablet, "fault-actions", [], first)


def test_database_locked_mid_turn(stack):
    session_id, tablet, prompt = open_session(stack, stack.db)
    first = first_card(prompt)
    path = stack.database_url.removeprefix("sqlite:///")
    with held(stack):
        thread, result = sent_mid_turn(tablet, "fault-lock-1", first)
        lock = sqlite3.connect(path, isolation_level=None, timeout=30)
        lock.execute("BEGIN EXCLUSIVE")
    time.sleep(4)  # the action runs into the lock and waits
    lock.execute("ROLLBACK")
    lock.close()
    thread.join(90)
    assert result["value"].status_code in (200, 503)
    resumes(stack.db, session_id, tablet, "fault-lock", [], first)


def test_web_app_killed_mid_turn_and_restarted_with_the_session_open(stack):
    session_id, tablet, prompt = open_session(stack, stack.db)
    first = first_card(prompt)
    with held(stack):
        thread, result = sent_mid_turn(tablet, "fault-web-1", first)
        stack.kill("web")
    thread.join(60)
    assert result["value"] is None  # the tablet heard nothing back: the answer stays in its outbox
    assert tablet.answer("fault-web-1", first) is None  # still down
    stack.start_part("web")
    resumes(stack.db, session_id, tablet, "fault-web", [], first)


def test_rasa_killed_mid_turn_and_restarted(stack):
    session_id, tablet, prompt = open_session(stack, stack.db)
    first = first_card(prompt)
    prompt = tablet.answer_until_taken("fault-rasa-1", first)
    second = first_card(prompt)
    with held(stack):
        thread, result = sent_mid_turn(tablet, "fault-rasa-2", second)
        stack.kill("rasa")
        thread.join(60)
    response = result["value"]
    assert response.status_code == 503 and response.json()["kept"] is True
    stack.start_part("rasa", wait=False)
    try:
        response = tablet.answer("fault-rasa-2", second)  # Rasa still loading
        assert response.status_code == 503 and response.json()["retry"] is True
    finally:
        stack.wait_ready("rasa")
    resumes(stack.db, session_id, tablet, "fault-rasa", [first], second)


def test_postgresql_restarted_mid_turn(stack):
    from assistant.record.database import make_engine, make_session_factory
    from assistant.record.migrate import upgrade
    from tests.conftest import make_people
    from tests.e2e.postgres import PrivatePostgres

    server = PrivatePostgres().start()
    engine = make_engine(server.url)
    db = make_session_factory(engine)()
    sqlite_url, ids = stack.database_url, dict(stack.ids)
    try:
        upgrade(server.url)
        make_people(db)
        for part in ("actions", "web"):
            stack.kill(part)
            stack.start_part(part, DATABASE_URL=server.url)
        session_id, tablet, prompt = open_session(stack, db)
        first = first_card(prompt)
        with held(stack):
            thread, result = sent_mid_turn(tablet, "fault-pg-1", first)
            server.stop("immediate")  # a crash: every connection cut
        thread.join(90)
        assert result["value"].status_code == 503
        assert result["value"].json()["kept"] is False  # nowhere to keep it: the tablet holds it
        response = tablet.answer("fault-pg-1", first)
        assert response.status_code == 503 and response.json()["retry"] is True
        server.start()
        resumes(db, session_id, tablet, "fault-pg", [], first)
    finally:
        db.close()
        engine.dispose()
        for part in ("actions", "web"):
            stack.kill(part)
            stack.start_part(part, DATABASE_URL=sqlite_url)
        stack.ids = ids
        server.remove()

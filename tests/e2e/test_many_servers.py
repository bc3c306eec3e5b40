"""Two Rasa servers (each with its own action server) sharing one tracker store on this
machine's PostgreSQL and one lock store on its Redis, as a many-school deployment runs them:
- a conversation whose turns alternate between the two servers stays coherent;
- two answers to one conversation sent at the same moment, one to each server, are taken one
  after the other (Rasa's events for each message together, nothing lost);
- one Rasa server killed mid-conversation (mid-turn): the web app moves the conversation to
  the other and nothing is lost.
Web app "a" reaches only Rasa A, "b" only Rasa B (two web servers behind one address);
web app "ab" has both and spreads its sessions over them."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import date

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assistant.record.database import make_engine, make_session_factory
from assistant.record.migrate import upgrade
from assistant.record.models import ConversationSession
from assistant.record.rasa_stores import prepare_tracker_store, rasa_environment, write_endpoints
from assistant.services.encounters import create_encounter
from assistant.settings import load_settings
from assistant.web.rasa_client import server_order
from scripts.rasa_env import RASA_BIN
from scripts.supervise import part_command
from scripts.train_model import model_path
from tests.conftest import POSTGRES_URL, make_people
from tests.e2e.conftest import RunningStack
from tests.e2e.stack import BIN, free_port
from tests.e2e.test_faults import (
    QUESTIONS,
    Tablet,
    assert_each_answer_once,
    first_card,
    held,
    open_session,
    sent_mid_turn,
    stored,
)

pytestmark = pytest.mark.slow
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DATABASE = make_url(POSTGRES_URL).database


class TwoRasaStack(RunningStack):
    """Rasa A and B, action servers A and B, and web apps "a", "b" and "ab"."""

    def __init__(self, workdir, database_url, model, settings):
        super().__init__(workdir, database_url, model)
        self.settings = settings
        self.ports = {
            name: free_port() for name in ("rasa-a", "rasa-b", "actions-a", "actions-b", "web-a", "web-b", "web-ab")
        }
        self.rasa_urls = {s: f"http://127.0.0.1:{self.ports['rasa-' + s]}" for s in "ab"}
        self.web_port = self.ports["web-ab"]
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.web_urls = {name: f"http://127.0.0.1:{self.ports['web-' + name]}" for name in ("a", "b", "ab")}

    def _command(self, name: str) -> tuple[list[str], dict]:
        """Each part as bin/run starts it (scripts/supervise.py), on its own port."""
        kind, side = name.split("-")
        port = self.ports[name]
        env = dict(self.env)
        if kind == "actions":
            settings = load_settings(self.workdir, overrides={"ACTION_SERVER_PORT": port})
            return part_command("actions", settings, BIN), env
        if kind == "rasa":
            return [
                str(RASA_BIN / "rasa"),
                "run",
                "-m",
                str(self.model),
                "--endpoints",
                str(self.workdir / f"endpoints-{side}.yml"),
                "--credentials",
                "credentials.yml",
                "--enable-api",
                f"--auth-token={self.token}",
                "-i",
                "127.0.0.1",
                "-p",
                str(port),
            ], env
        env["RASA_URL"] = ",".join(self.rasa_urls[s] for s in side)
        settings = load_settings(
            self.workdir,
            overrides={"WEB_HOST": "127.0.0.1", "WEB_PORT": port, "WEB_WORKERS": 1, "RASA_URL": env["RASA_URL"]},
        )
        return part_command("web", settings, BIN), env

    def _ready_url(self, name: str) -> tuple[str, float]:
        port = self.ports[name]
        if name.startswith("actions"):
            return f"http://127.0.0.1:{port}/health", 90
        if name.startswith("web"):
            return f"http://127.0.0.1:{port}/api/openapi.json", 60
        return f"http://127.0.0.1:{port}/status?token={self.token}", 400

    def start(self) -> TwoRasaStack:
        self.env = dict(
            os.environ,
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            DATABASE_URL=self.database_url,
            PUPIL_VOICE_INSTANCE=str(self.workdir),
            SECRET_KEY="e2e",
            RASA_TOKEN=self.token,
            PYTHONWARNINGS="ignore",
            TRACKER_STORE_URL=self.settings["TRACKER_STORE_URL"],
            REDIS_URL=REDIS_URL,
            **rasa_environment(self.settings),
        )
        for side in "ab":
            write_endpoints(
                self.settings,
                self.workdir / f"endpoints-{side}.yml",
                f"http://127.0.0.1:{self.ports['actions-' + side]}/webhook",
            )
        names = ["actions-a", "actions-b", "rasa-a", "rasa-b", "web-a", "web-b", "web-ab"]
        for name in names:
            self._start(name, *self._command(name))
        for name in names:
            self.wait_ready(name)
        return self


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    model = model_path(quick=True)
    assert model.exists(), "no test model: run bin/test (it trains one)"
    workdir = tmp_path_factory.mktemp("two-rasa")
    name = "scale_" + uuid.uuid4().hex[:10]
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as db:
        db.execute(text(f'CREATE SCHEMA "{name}_record"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{name}_record"
    settings = load_settings(
        workdir,
        {
            "DATABASE_URL": url,
            "TRACKER_SCHEMA": name,
            "TRACKER_DB_ROLE": name,
            "TRACKER_DB_PASSWORD": "pw-" + name,
            "REDIS_URL": REDIS_URL,
        },
    )
    assert prepare_tracker_store(settings)
    upgrade(url)
    engine = make_engine(url)
    db = make_session_factory(engine)()
    _lead, _advocate, sam, leo = make_people(db)
    visit = create_encounter(
        db,
        "workplace_visit",
        "Visit to the garden centre",
        date(2026, 11, 20),
        place="the garden centre",
        pupil_ids=[sam.id],
    )
    running = TwoRasaStack(workdir, url, model, settings)
    running.ids = {"sam": sam.id, "leo": leo.id, "visit": visit.id}
    running.db = db
    running.tracker = create_engine(settings["TRACKER_STORE_URL"])
    try:
        yield running.start()
    finally:
        running.stop()
        db.close()
        engine.dispose()
        running.tracker.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}_record" CASCADE'))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            conn.execute(text(f'REVOKE ALL ON DATABASE "{DATABASE}" FROM "{name}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()


def sender_of(stack, session_id: int) -> str:
    stack.db.expire_all()
    return stack.db.get(ConversationSession, session_id).rasa_sender_id


def tracker_events(stack, sender: str) -> list[tuple[str, str | None]]:
    """Rasa's stored events of one conversation, in the order stored: (type, name)."""
    with stack.tracker.begin() as db:
        rows = db.execute(
            text("SELECT type_name, coalesce(action_name, intent_name) FROM events WHERE sender_id = :s ORDER BY id"),
            {"s": sender},
        ).all()
    return [(row[0], row[1]) for row in rows]


def test_the_servers_share_the_tracker_store_on_postgresql_and_locks_in_redis(two):
    with two.tracker.begin() as db:
        schema = (
            db.execute(text("SELECT table_schema FROM information_schema.tables WHERE table_name = 'events'"))
            .scalars()
            .all()
        )
    assert schema == [two.settings["TRACKER_SCHEMA"]]
    assert "lock_store" in (two.workdir / "endpoints-a.yml").read_text()


def test_a_conversation_alternating_between_two_rasa_servers_stays_coherent(two):
    session_id, tablet, prompt = open_session(two, two.db)  # started through web app "ab"
    answered = []
    for turn in range(min(4, len(QUESTIONS) - 1)):
        tablet.url = two.web_urls["ab"[turn % 2]]  # Rasa A, B, A, B
        card = first_card(prompt)
        prompt = tablet.answer_until_taken(f"alt-{session_id}-{turn}", card)
        answered.append(card)
        assert prompt["text"] == QUESTIONS[turn + 1], (turn, prompt["text"])
    assert_each_answer_once(two.db, session_id, answered)
    # Rasa's record of it holds every answer once, in order, whichever server took it.
    users = [name for kind, name in tracker_events(two, sender_of(two, session_id)) if kind == "user"]
    assert len(users) == 1 + len(answered)  # the start, then each answer


def test_two_answers_at_the_same_moment_are_taken_one_after_the_other(two):
    session_id, tablet, prompt = open_session(two, two.db)
    cards = [c["concept"] for c in prompt["cards"][:2]]
    replies: dict[str, requests.Response] = {}
    barrier = threading.Barrier(2)

    def send(side: str, card: str) -> None:
        other = Tablet(two, "")
        other.headers, other.url = tablet.headers, two.web_urls[side]
        barrier.wait()
        replies[side] = other.answer(f"same-moment-{side}-{session_id}", card)

    # Both action servers held: each Rasa server has its message when the first action
    # waits, so the two messages meet inside Rasa; then both are let go.
    with held(two, "actions-a"), held(two, "actions-b"):
        threads = [threading.Thread(target=send, args=(side, card)) for side, card in zip("ab", cards)]
        for thread in threads:
            thread.start()
        threading.Event().wait(3)
    for thread in threads:
        thread.join(90)
    assert {side: r.status_code for side, r in replies.items()} == {"a": 200, "b": 200}
    entries = stored(two.db, session_id)
    assert sorted(e.concept_ids[0] for e in entries) == sorted(cards)  # each once
    assert not any("Kept by the web app" in (e.status_reason or "") for e in entries)
    events = tracker_events(two, sender_of(two, session_id))
    kinds = [kind for kind, _ in events]
    users = [i for i, kind in enumerate(kinds) if kind == "user"]
    assert len(users) == 3  # the start and the two answers: none lost
    # One after the other: each message's action ran before the next message was read.
    for here, following in zip(users, users[1:] + [len(kinds)]):
        assert "action" in kinds[here + 1 : following], events


def test_killing_one_rasa_server_mid_conversation_loses_nothing(two):
    session_id, tablet, prompt = open_session(two, two.db)  # web app "ab"
    sender = sender_of(two, session_id)
    mine = server_order(list(two.rasa_urls.values()), sender)[0]
    side = next(s for s, url in two.rasa_urls.items() if url == mine)
    first = first_card(prompt)
    prompt = tablet.answer_until_taken(f"kill-{session_id}-1", first)
    second = first_card(prompt)
    with held(two, f"actions-{side}"):  # mid-turn: Rasa has the answer and waits
        thread, result = sent_mid_turn(tablet, f"kill-{session_id}-2", second)
        two.kill(f"rasa-{side}")
        thread.join(90)
    response = result["value"]
    # Taken by the other server, or kept and taken when the tablet sends it again.
    assert response.status_code in (200, 503), response.text
    prompt = tablet.answer_until_taken(f"kill-{session_id}-2", second)
    assert prompt["text"] == QUESTIONS[2]
    third = first_card(prompt)
    assert tablet.answer_until_taken(f"kill-{session_id}-3", third)["text"] == QUESTIONS[3]
    assert_each_answer_once(two.db, session_id, [first, second, third])
    users = [name for kind, name in tracker_events(two, sender) if kind == "user"]
    assert len(users) >= 4  # the start and three answers, in the shared store

"""The stack as `bin/run` starts it: supervisord (its generated configuration) runs Rasa, the
action server and the web app under gunicorn, on loopback, with a Rasa token that starts
with "-". Each part is killed mid-conversation with SIGKILL and with SIGSEGV (Rasa, the
action server, every gunicorn worker, the gunicorn master): nobody restarts anything, yet
each part is back within seconds, the others keep running, and the conversation goes on
with every answer stored exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from assistant.record.database import make_engine, make_session_factory
from assistant.record.migrate import upgrade
from assistant.services.pupils import create_pupil
from scripts.supervise import process_info
from scripts.train_model import model_path
from tests.conftest import make_people
from tests.e2e.stack import BIN, ROOT, free_port
from tests.e2e.test_faults import QUESTIONS, Tablet, assert_each_answer_once, first_card

pytestmark = pytest.mark.slow

# How long a part may take to be back: the web app and the action server start in seconds;
# Rasa loads its model again (about 20 s on a quiet 2-core machine, more when busy).
BACK_WITHIN = {"web": 30, "actions": 45, "rasa": 150}


def children(pid: int) -> set[int]:
    """The process ids whose parent is `pid` (gunicorn's workers)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


class Supervised:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.model = model_path(quick=True)
        assert self.model.exists(), "no test model: run bin/test (it trains one)"
        self.database_url = f"sqlite:///{workdir / 'record.db'}"
        rasa_port, action_port, web_port = free_port(), free_port(), free_port()
        self.web_url = f"http://127.0.0.1:{web_port}"
        self.token = "-sv-" + os.urandom(8).hex()  # as a generated token once could start
        self.health = {
            "web": f"{self.web_url}/api/openapi.json",
            "actions": f"http://127.0.0.1:{action_port}/health",
            "rasa": f"http://127.0.0.1:{rasa_port}/status?token={self.token}",
        }
        self.env = dict(
            os.environ,
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            PYTHONWARNINGS="ignore",
            PUPIL_VOICE_INSTANCE=str(workdir),
            DATABASE_URL=self.database_url,
            SECRET_KEY="supervised",
            RASA_TOKEN=self.token,
            RASA_URL=f"http://127.0.0.1:{rasa_port}",
            WEB_PORT=str(web_port),
            ACTION_SERVER_PORT=str(action_port),
            RASA_MODEL=str(self.model),
            TRACKER_STORE_URL=f"sqlite:///{workdir / 'trackers.db'}",
        )
        self.settings = {"INSTANCE_PATH": str(workdir)}
        self.process = None

    def start(self) -> Supervised:
        upgrade(self.database_url)
        conf = subprocess.run(
            [str(BIN / "python"), "-m", "scripts.supervise", "config"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert "--auth-token" not in Path(conf).read_text()  # no secret in the configuration
        self.process = subprocess.Popen(
            [str(BIN / "supervisord"), "-n", "-c", conf],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for part in ("actions", "web", "rasa"):
            self.wait_healthy(part, 300)
        return self

    def pid(self, part: str) -> int:
        return process_info(self.settings)[part]["pid"]

    def healthy(self, part: str) -> bool:
        try:
            return requests.get(self.health[part], timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def wait_healthy(self, part: str, seconds: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            assert self.process.poll() is None, "supervisord stopped"
            if self.healthy(part):
                return time.monotonic() - started
            time.sleep(0.5)
        log = (self.workdir / "logs" / f"{part}.log").read_text()[-3000:]
        raise AssertionError(f"{part} not back in {seconds} s:\n{log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # supervisord stops each part's group
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture(scope="module")
def supervised(tmp_path_factory):
    running = Supervised(tmp_path_factory.mktemp("supervised"))
    engine = make_engine(running.database_url)
    running.db = make_session_factory(engine)()
    try:
        running.start()
        make_people(running.db)
        yield running
    finally:
        running.stop()
        running.db.close()
        engine.dispose()
        for log in (running.workdir / "logs").glob("*.log"):
            print(f"--- {log.name}\n{log.read_text()[-1500:]}", file=sys.stderr)


def open_conversation(supervised):
    db = supervised.db
    pupil = create_pupil(db, "Kept", "Going", "Year 9", "Oak class")
    staff = requests.Session()
    assert (
        staff.post(
            f"{supervised.web_url}/api/login", json={"email": "lead@school.test", "password": "correct horse battery"}
        ).status_code
        == 200
    )
    created = staff.post(
        f"{supervised.web_url}/api/sessions", json={"pupil_id": pupil.id, "conversation": "interests"}
    ).json()
    claim = requests.post(f"{supervised.web_url}/api/chat/claim", json={"code": created["code"]})
    tablet = Tablet(supervised, claim.json()["tablet_token"])
    prompt = tablet.start()
    assert prompt["text"] == QUESTIONS[0]
    return created["session_id"], tablet, prompt


def kill_mid_turn(supervised, tablet, client_id, card, part, sig):
    """Send an answer while the action server is stopped (Rasa waits on it, mid-turn), kill
    `part` with `sig`, let the action server go on; return the seconds until `part` is back."""
    actions = supervised.pid("actions")
    before = {"rasa": supervised.pid("rasa"), "actions": actions, "web": supervised.pid("web")}
    workers = children(before["web"])
    assert workers, "gunicorn has no workers"
    os.kill(actions, signal.SIGSTOP)
    result = {}

    thread = threading.Thread(target=lambda: result.setdefault("r", tablet.answer(client_id, card)))
    thread.start()
    time.sleep(2)
    name = "web" if part.startswith("web") else part
    killed_at = time.monotonic()
    try:
        if part == "web-worker":
            for worker in workers:
                os.kill(worker, sig)
        else:
            os.kill(before[name], sig)
    finally:
        try:
            os.kill(actions, signal.SIGCONT)
        except ProcessLookupError:
            pass
    thread.join(90)
    while True:  # a new process in place of the killed one, answering its health check
        if part == "web-worker":
            current = children(supervised.pid("web"))
            replaced = current and not current & workers
        else:
            replaced = supervised.pid(name) not in (0, before[name])
        if replaced and supervised.healthy(name):
            back = time.monotonic() - killed_at
            break
        assert time.monotonic() - killed_at < BACK_WITHIN[name], f"{part} not back after {sig!r}"
        time.sleep(0.25)
    for other in ("rasa", "actions", "web"):  # nothing else was stopped or restarted
        if other != name:
            assert supervised.pid(other) == before[other], f"{other} restarted when {part} died"
    return back


@pytest.mark.parametrize("part", ["actions", "web-worker", "web-master", "rasa"])
def test_a_part_killed_mid_conversation_comes_back_by_itself(supervised, part):
    session_id, tablet, prompt = open_conversation(supervised)
    answered = []
    card = first_card(prompt)
    for n, sig in enumerate((signal.SIGKILL, signal.SIGSEGV), start=1):
        client_id = f"sv-{part}-{n}"
        back = kill_mid_turn(supervised, tablet, client_id, card, part, sig)
        print(f"{part} back {back:.1f} s after {sig.name}", file=sys.stderr)
        prompt = tablet.answer_until_taken(client_id, card)  # the tablet's outbox sends again
        answered.append(card)
        assert prompt["text"] == QUESTIONS[n]
        card = first_card(prompt)
    prompt = tablet.answer_until_taken(f"sv-{part}-3", card)
    answered.append(card)
    assert prompt["text"] == QUESTIONS[3]
    assert_each_answer_once(supervised.db, session_id, answered)

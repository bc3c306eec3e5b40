"""Start the real stack on 127.0.0.1 for end-to-end tests: Rasa with the trained test model,
the action server and the web app (gunicorn), each on a free port, on a fresh database, with
the same commands as `bin/run` (scripts/supervise.py): Rasa from its own Python 3.10
environment (.venv-rasa), the others from this one (.venv, Python 3.12). The Rasa token starts with "-", as a
generated one once could: it must still be taken as the token, not as an option."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from assistant.settings import load_settings
from scripts.supervise import part_command, prepare_part

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


# Ports for the servers the tests start come from below the ephemeral range (32768-60999 on
# Linux), which outgoing connections draw from: a port bind(0) handed out could be taken by one
# of the stack's many connections before the server bound it (it happened to a Rasa server).
SERVER_PORTS = (20000, 32000)
_given: set[int] = set()


def free_port() -> int:
    """A port free now on 127.0.0.1, never handed out twice by this process."""
    while True:
        port = random.randint(*SERVER_PORTS)
        if port in _given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given.add(port)
        return port


def wait_for(url: str, seconds: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not ready after {seconds} s:\n{log.read_text()[-4000:]}")


class Stack:
    """The three parts, each started, killed and started again on its own (fault tests)."""

    def __init__(self, workdir: Path, database_url: str, model: Path):
        self.workdir = workdir
        self.database_url = database_url
        self.model = model
        self.rasa_port, self.action_port, self.web_port = free_port(), free_port(), free_port()
        self.token = "-e2e-" + os.urandom(8).hex()  # a leading "-" (issue 9)
        self.processes: list[subprocess.Popen] = []
        self.parts: dict[str, subprocess.Popen] = {}
        self.logs: list = []
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.tracker_db = workdir / "trackers.db"
        self.env: dict[str, str] = {}

    def _start(self, name: str, command: list[str], env: dict) -> tuple[subprocess.Popen, Path]:
        log = self.workdir / f"{name}.log"
        self.logs.append(log.open("a"))
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.logs[-1], stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        self.parts[name] = process
        return process, log

    def _command(self, name: str) -> tuple[list[str], dict]:
        """The part's argument list (as bin/run starts it) and its environment."""
        settings = load_settings(
            self.workdir,
            overrides={
                "RASA_MODEL": str(self.model),
                "TRACKER_STORE_URL": f"sqlite:///{self.tracker_db}",
                "RASA_URL": self.rasa_url,
                "RASA_TOKEN": self.token,
                "WEB_HOST": "127.0.0.1",
                "WEB_PORT": self.web_port,
                "ACTION_SERVER_PORT": self.action_port,
                "WEB_WORKERS": 1,
            },
        )
        return part_command(name, settings, BIN), dict(self.env, **prepare_part(name, settings))

    def _ready_url(self, name: str) -> tuple[str, float]:
        return {
            "actions": (f"http://127.0.0.1:{self.action_port}/health", 90),
            "web": (f"{self.web_url}/api/openapi.json", 60),
            "rasa": (f"{self.rasa_url}/status?token={self.token}", 300),
        }[name]

    def start(self) -> Stack:
        self.env = dict(
            os.environ,
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            DATABASE_URL=self.database_url,
            PUPIL_VOICE_INSTANCE=str(self.workdir),
            SECRET_KEY="e2e",
            RASA_URL=self.rasa_url,
            RASA_TOKEN=self.token,
            PYTHONWARNINGS="ignore",
        )
        for name in ("actions", "rasa", "web"):
            self._start(name, *self._command(name))
        for name in ("actions", "web", "rasa"):
            self.wait_ready(name)
        return self

    def wait_ready(self, name: str) -> None:
        """Until the part answers its health check (RuntimeError with its log if it dies)."""
        url, seconds = self._ready_url(name)
        wait_for(url, seconds, self.parts[name], self.workdir / f"{name}.log")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill one part (its whole process group) and wait until it is gone."""
        process = self.parts[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
        process.wait(30)

    def start_part(self, name: str, wait: bool = True, **env: str) -> None:
        """Start one part again (after `kill`), with `env` changed from the stack's own."""
        self.env.update(env)
        self._start(name, *self._command(name))
        if wait:
            self.wait_ready(name)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        for log in self.logs:
            log.close()

"""Load on the many-server layout: N Rasa servers (each with its action server) sharing a
tracker store on PostgreSQL and a lock store on Redis, one web app, and T simulated tablets.

    python -m scripts.load_many_servers --rasa 2 --tablets 30,100,300 --seconds 60

It starts every part on 127.0.0.1 (a fresh schema for the record and one for Rasa's
conversations in the local PostgreSQL database TEST_POSTGRES_URL, Redis database 14), starts
T tablets each in its own interests session, and each tablet answers its current question
with a card after a pause of 1 to 3 seconds (uniform), as a pupil with an adult might; a
tablet whose conversation ends starts a new one. After a warm-up (10 s and 1 s per 10 tablets) it counts the answers
(POST /api/chat/message) for `--seconds` and prints turns per second, p50, p95 and p99 in ms,
the number of answers that were not taken (non-200), and for each part (process and
children) its peak resident memory and the CPU time it used per turn. The load average
before each level is printed too: on a shared machine it says how far to trust the rest. Loopback only; it stops every part and drops its schemas at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scripts.load_tablets import part_usage

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
DATABASE = make_url(POSTGRES_URL).database
WARM_UP_SECONDS = 10


class Tablet(threading.Thread):
    def __init__(
        self,
        base: str,
        staff: requests.Session,
        pupil_id: int,
        until: float,
        counting_from: float,
        results: list,
        lock: threading.Lock,
    ):
        super().__init__(daemon=True)
        self.base, self.staff, self.pupil_id = base, staff, pupil_id
        self.until, self.counting_from = until, counting_from
        self.results, self.lock = results, lock
        self.http = requests.Session()

    def new_session(self) -> dict:
        with self.lock:  # one staff session shared by every tablet thread
            created = self.staff.post(
                self.base + "/api/sessions", json={"pupil_id": self.pupil_id, "conversation": "interests"}, timeout=60
            ).json()
        token = self.http.post(self.base + "/api/chat/claim", json={"code": created["code"]}, timeout=60).json()[
            "tablet_token"
        ]
        self.http.headers["Authorization"] = "Bearer " + token
        return self.http.post(self.base + "/api/chat/start", json={}, timeout=60).json()

    def run(self) -> None:
        time.sleep(random.uniform(0, 3))
        reply: dict = {}
        while time.monotonic() < self.until:
            prompts = [m for m in reply.get("messages", []) if m.get("prompt")]
            if reply.get("status") not in ("created", "active") or not prompts or not prompts[-1].get("cards"):
                try:
                    reply = self.new_session()
                except (requests.RequestException, ValueError, KeyError):
                    time.sleep(1)
                continue
            card = random.choice(prompts[-1]["cards"][:3])
            body = {"card": card["concept"], "client_id": uuid.uuid4().hex, "input_mode": "touch"}
            if card.get("stance"):
                body["stance"] = card["stance"]
            time.sleep(random.uniform(1, 3))
            started = time.monotonic()
            try:
                response = self.http.post(self.base + "/api/chat/message", json=body, timeout=60)
                status, reply = response.status_code, response.json()
            except (requests.RequestException, ValueError):
                status, reply = 0, {}
            took = time.monotonic() - started
            # Every answer sent in the window counts, however late its reply (a slow reply
            # left out would hide the slowest turns).
            if self.counting_from <= started < self.until:
                with self.lock:
                    self.results.append((status, took))
            if status != 200 and status != 409:
                time.sleep(1)


def run_load(
    base: str, staff: requests.Session, pupils: list[int], tablets: int, seconds: int, parts: dict[str, int]
) -> dict:
    """One level: `tablets` tablets for the warm-up and `seconds`; the peak resident memory
    of each part (name -> process id) is sampled every 2 s while it runs."""
    results: list = []
    lock = threading.Lock()
    # Every tablet opens its session first (one at a time through the staff login, and a
    # turn of Rasa's each): a longer warm-up for more tablets, so all are answering.
    counting_from = time.monotonic() + WARM_UP_SECONDS + tablets // 10
    until = counting_from + seconds
    threads = [
        Tablet(base, staff, pupils[n % len(pupils)], until, counting_from, results, lock) for n in range(tablets)
    ]
    for thread in threads:
        thread.start()
    peak: dict[str, float] = {}
    cpu: dict[str, float] = {}  # CPU seconds in the counted window only
    time.sleep(max(0.0, counting_from - time.monotonic()))
    cpu_from = {part: part_usage(pid)[1] for part, pid in parts.items()}
    give_up = until + 120  # bounded: a tablet stuck on a reply is left behind (daemon thread)
    while any(t.is_alive() for t in threads) and time.monotonic() < give_up:
        for part, pid in parts.items():
            peak[part] = max(peak.get(part, 0.0), part_usage(pid)[0])
        if not cpu and time.monotonic() >= until:
            cpu = {part: part_usage(pid)[1] - cpu_from[part] for part, pid in parts.items()}
        time.sleep(1)
    cpu = cpu or {part: part_usage(pid)[1] - cpu_from[part] for part, pid in parts.items()}
    ok = sorted(1000 * took for status, took in results if status in (200, 409))
    return {
        "tablets": tablets,
        "turns": len(ok),
        "turns_per_s": len(ok) / seconds,
        "p50": statistics.median(ok) if ok else float("nan"),
        "p95": ok[int(0.95 * (len(ok) - 1))] if ok else float("nan"),
        "p99": ok[int(0.99 * (len(ok) - 1))] if ok else float("nan"),
        "not_taken": sum(1 for status, _ in results if status not in (200, 409)),
        "memory": peak,
        "cpu": cpu,
    }


def main(argv=None) -> None:
    from assistant.record.database import make_engine, make_session_factory
    from assistant.record.migrate import upgrade
    from assistant.record.rasa_stores import prepare_tracker_store, rasa_environment, write_endpoints
    from assistant.services.accounts import create_staff
    from assistant.services.pupils import create_pupil
    from assistant.settings import DEFAULTS, load_settings
    from scripts.rasa_env import RASA_BIN
    from scripts.supervise import part_command
    from scripts.train_model import model_path
    from tests.e2e.stack import BIN, Stack, free_port

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rasa", type=int, default=1, help="Rasa servers (1 to 4)")
    parser.add_argument("--tablets", default="30,100,300")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--web-workers", type=int, default=DEFAULTS["WEB_WORKERS"])
    parser.add_argument("--web-threads", type=int, default=DEFAULTS["WEB_THREADS"])
    args = parser.parse_args(argv)
    if not 1 <= args.rasa <= 4 or args.seconds > 600:
        raise SystemExit("--rasa 1 to 4, --seconds at most 600")
    model = model_path(quick=True)
    if not model.exists():  # Rasa would start without one and never be ready
        raise SystemExit(f"No model at {model}: python -m scripts.train_model --quick")
    # A plain kill (SIGTERM, e.g. from `timeout`) still stops every part and drops the schemas.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tablet_counts = [int(n) for n in args.tablets.split(",")]
    if any(not 1 <= n <= 500 for n in tablet_counts):
        raise SystemExit("--tablets: 1 to 500 each")

    name = "load_" + uuid.uuid4().hex[:8]
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as db:
        db.execute(text(f'CREATE SCHEMA "{name}_record"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{name}_record"
    workdir = Path(tempfile.mkdtemp(prefix="pupil-voice-load-"))
    settings = load_settings(
        workdir,
        {
            "DATABASE_URL": url,
            "TRACKER_SCHEMA": name,
            "TRACKER_DB_ROLE": name,
            "TRACKER_DB_PASSWORD": "pw",
            "REDIS_URL": REDIS_URL,
        },
    )
    prepare_tracker_store(settings)
    upgrade(url)
    engine = make_engine(url)
    db = make_session_factory(engine)()
    create_staff(db, "load@school.test", "Load", "careers_lead", "load test password 1")
    pupils = [create_pupil(db, f"Pupil{n}", "Load", "Year 10", "Oak").id for n in range(max(tablet_counts))]
    db.close()

    stack = Stack(workdir, url, model)
    ports = {f"{kind}-{n}": free_port() for n in range(args.rasa) for kind in ("rasa", "actions")}
    token = stack.token
    env = dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        DATABASE_URL=url,
        PUPIL_VOICE_INSTANCE=str(workdir),
        SECRET_KEY="load",
        RASA_TOKEN=token,
        TRACKER_STORE_URL=settings["TRACKER_STORE_URL"],
        REDIS_URL=REDIS_URL,
        RASA_URL=",".join(f"http://127.0.0.1:{ports[f'rasa-{n}']}" for n in range(args.rasa)),
        PYTHONWARNINGS="ignore",
        **rasa_environment(settings),
    )
    commands, ready = {}, {}
    for n in range(args.rasa):
        endpoints = write_endpoints(
            settings, workdir / f"endpoints-{n}.yml", f"http://127.0.0.1:{ports[f'actions-{n}']}/webhook"
        )
        commands[f"actions-{n}"] = [str(BIN / "python"), "-m", "actions", "--port", str(ports[f"actions-{n}"])]
        ready[f"actions-{n}"] = (f"http://127.0.0.1:{ports[f'actions-{n}']}/health", 120)
        # One argument: the token starts with "-" and must not be taken for an option.
        commands[f"rasa-{n}"] = [
            str(RASA_BIN / "rasa"),
            "run",
            "-m",
            str(stack.model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            "credentials.yml",
            "--enable-api",
            f"--auth-token={token}",
            "-i",
            "127.0.0.1",
            "-p",
            str(ports[f"rasa-{n}"]),
        ]
        ready[f"rasa-{n}"] = (f"http://127.0.0.1:{ports[f'rasa-{n}']}/status?token={token}", 600)
    # The web app as deployed: gunicorn, WEB_WORKERS processes of WEB_THREADS threads.
    commands["web"] = part_command(
        "web",
        load_settings(
            workdir,
            {
                "DATABASE_URL": url,
                "WEB_HOST": "127.0.0.1",
                "WEB_PORT": stack.web_port,
                "WEB_WORKERS": args.web_workers,
                "WEB_THREADS": args.web_threads,
            },
        ),
        BIN,
    )
    ready["web"] = (f"{stack.web_url}/api/openapi.json", 120)
    stack._command = lambda part: commands[part]
    stack._ready_url = lambda part: ready[part]
    stack.env = env
    try:
        for part in commands:
            stack._start(part, commands[part], env)
        for part in commands:
            stack.wait_ready(part)
        staff = requests.Session()
        staff.post(
            stack.web_url + "/api/login",
            json={"email": "load@school.test", "password": "load test password 1"},
            timeout=60,
        ).raise_for_status()
        print(f"{args.rasa} Rasa server(s), PostgreSQL and Redis; {args.seconds} s each")
        print(
            "| tablets | load avg before | turns/s | p50 ms | p95 ms | p99 ms | not taken "
            "| peak memory MiB (resident, with children) | CPU ms per turn |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        parts = {part: stack.parts[part].pid for part in commands}
        parts["tablets (this script)"] = os.getpid()  # on the same 2 cores
        for tablets in tablet_counts:
            load = os.getloadavg()[0]  # the machine is shared: say how busy it was
            figures = run_load(stack.web_url, staff, pupils, tablets, args.seconds, parts)
            memory = ", ".join(f"{part} {mb:.0f}" for part, mb in figures["memory"].items())
            cpu = ", ".join(
                f"{part} {1000 * seconds / max(figures['turns'], 1):.0f}" for part, seconds in figures["cpu"].items()
            )
            print(
                f"| {tablets} | {load:.1f} | {figures['turns_per_s']:.1f} | {figures['p50']:.0f} | "
                f"{figures['p95']:.0f} | {figures['p99']:.0f} | {figures['not_taken']} "
                f"| {memory} | {cpu} |",
                flush=True,
            )
    finally:
        stack.stop()
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}_record" CASCADE'))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            conn.execute(text(f'REVOKE ALL ON DATABASE "{DATABASE}" FROM "{name}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()


if __name__ == "__main__":
    main()

"""A class of simulated tablets holding real conversations through the chat API.

    python -m scripts.load_tablets [--base http://127.0.0.1:8000] [--tablets 10 30 100]
                                   [--seconds 60] [--max-answers 5000]

For each number of tablets in turn, that many tablets each claim a session a member of staff
started (interests conversations, for the pupils the staff login can see), and answer every
prompt after a pause of 1 to 3 seconds (uniform), by a card or by typed words (half each;
typed words are then chosen at the check-back, as a pupil does). A finished conversation is
stopped and a new one started. Each answer carries a client_id and is sent again, as the
widget does, while the reply says to try again. The level ends after --seconds (answers in
flight finish) or --max-answers answers, whichever is first: the script stops by itself.

Reported per level: answers sent and their time (POST /api/chat/message, client side) at
p50, p95, p99 and max; the part of it the web app spent waiting on Rasa (its Server-Timing
header: Rasa's time includes the action server's); errors (any reply but 200, or none);
card answers taken (200) against entries stored by touch (read back by staff for each
session: must be equal; a typed answer may make several draft readings, so it is not counted);
and, when supervisord runs the stack (`--instance`), the resident memory of each part
(its process and children). Loopback only: the base URL must be on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import requests

from scripts.staff_login import add_login_arguments, logged_in

WORDS = [
    "cooking",
    "drawing",
    "animals",
    "football",
    "music",
    "computers",
    "being outside",
    "my family",
    "quiet places",
    "helping people",
    "building things",
    "the garden",
]
TIMING = re.compile(r"(\w+);dur=([\d.]+)")


def centile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def prompt_of(messages: list[dict]) -> dict | None:
    prompts = [m for m in messages if m.get("prompt")]
    return prompts[-1] if prompts else None


class Level:
    """Counters shared by the tablets of one level."""

    def __init__(self, seconds: float, max_answers: int):
        self.deadline = time.monotonic() + seconds
        self.max_answers = max_answers
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.rasa: list[float] = []
        self.errors: dict[str, int] = {}
        self.sent = 0
        self.sessions: dict[str, int] = {}  # session id -> answers taken that make an entry

    def go_on(self) -> bool:
        return time.monotonic() < self.deadline and self.sent < self.max_answers

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


class Tablet(threading.Thread):
    def __init__(self, n: int, base: str, staff: requests.Session, pupils: list[int], level: Level):
        super().__init__(name=f"tablet-{n}", daemon=True)
        self.n, self.base, self.staff, self.pupils, self.level = n, base, staff, pupils, level
        self.random = random.Random(n)

    def run(self) -> None:
        while self.level.go_on():
            try:
                self.conversation()
            except Exception as error:  # counted; the tablet starts a new conversation
                self.level.error(type(error).__name__)
                time.sleep(1)

    def conversation(self) -> None:
        level = self.level
        pupil = self.pupils[self.n % len(self.pupils)]
        with level.lock:
            created = self.staff.post(
                self.base + "/api/sessions", timeout=60, json={"pupil_id": pupil, "conversation": "interests"}
            ).json()
        http = requests.Session()
        token = http.post(self.base + "/api/chat/claim", json={"code": created["code"]}, timeout=60).json()[
            "tablet_token"
        ]
        http.headers["Authorization"] = "Bearer " + token
        with level.lock:
            level.sessions[created["session_id"]] = 0
        time.sleep(self.random.uniform(0, 3))  # tablets do not start in step
        prompt = prompt_of(http.post(self.base + "/api/chat/start", json={}, timeout=60).json()["messages"])
        session_id = created["session_id"]
        while prompt and prompt.get("cards") and level.go_on():
            time.sleep(self.random.uniform(1, 3))
            cards = prompt["cards"]
            finish = [c for c in cards if c["concept"] == "finish"]
            concepts = [c for c in cards if c.get("type") != "special"]
            if finish:  # "anything else?" and the final mat: All done
                body, records = {"card": "finish"}, False
            elif prompt.get("board") == "check" or (concepts and self.random.random() < 0.5):
                card = concepts[0] if concepts else cards[0]  # the reading meant, or a card
                body = {"card": card["concept"], **({"stance": card["stance"]} if card.get("stance") else {})}
                # A card chosen at a question makes one entry by touch; at the check-back
                # the entry is the typed words' (input mode "typed"), so not counted here.
                records = card.get("type") != "special" and prompt.get("board") != "check"
            else:
                body, records = {"text": self.random.choice(WORDS)}, False  # checked back next
            reply = self.send(http, body)
            if reply is None:
                return
            if records:  # an answer the pupil chose: exactly one entry
                with level.lock:
                    level.sessions[session_id] += 1
            prompt = prompt_of(reply["messages"])
        http.post(self.base + "/api/chat/stop", json={}, timeout=60)

    def send(self, http: requests.Session, body: dict) -> dict | None:
        """Send one answer until it is taken (same client_id); its reply, or None."""
        level = self.level
        body = {**body, "client_id": uuid.uuid4().hex}
        with level.lock:
            level.sent += 1
        for _attempt in range(30):
            started = time.perf_counter()
            try:
                response = http.post(self.base + "/api/chat/message", json=body, timeout=60)
            except requests.RequestException as error:
                level.error(type(error).__name__)
                time.sleep(1)
                continue
            elapsed = time.perf_counter() - started
            if response.status_code == 200:
                timing = dict(TIMING.findall(response.headers.get("Server-Timing", "")))
                with level.lock:
                    level.times.append(elapsed)
                    if "rasa" in timing:
                        level.rasa.append(float(timing["rasa"]) / 1000)
                return response.json()
            level.error(f"HTTP {response.status_code}")
            time.sleep(1)
        return None


def part_pids(instance: Path | None) -> dict[str, int]:
    """Each part's process id, as supervisord runs them (nothing without `--instance`)."""
    if instance is None:
        return {}
    from scripts.supervise import process_info

    return {name: info["pid"] for name, info in process_info({"INSTANCE_PATH": str(instance)}).items() if info["pid"]}


def usage(pid: int, descendants: bool = True) -> tuple[float, float]:
    """Resident memory (MiB) and CPU time used so far (s) by a process and its descendants
    (CPU time of children that have already exited is not counted)."""
    tick = os.sysconf("SC_CLK_TCK")
    rss_kib, cpu, todo = 0, 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(stat[11]) + int(stat[12])) / tick  # utime + stime
            status = Path(f"/proc/{p}/status").read_text()
            rss_kib += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task") if descendants else ():
                todo.extend(int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split())
        except (OSError, IndexError, ValueError):
            continue
    return rss_kib / 1024, cpu


def part_usage(pid: int) -> tuple[float, float]:
    """usage() of a part with its children, or of this script alone (whose children, when it
    started the stack itself, are the parts)."""
    return usage(pid, descendants=pid != os.getpid())


def run_level(args, staff: requests.Session, pupils: list[int], tablets: int) -> dict:
    level = Level(args.seconds, args.max_answers)
    crew = [Tablet(n, args.base, staff, pupils, level) for n in range(tablets)]
    for tablet in crew:
        tablet.start()
    pids = part_pids(args.instance)
    if pids:
        pids["tablets (this script)"] = os.getpid()  # on the same cores as the stack
    cpu_before = {part: part_usage(pid)[1] for part, pid in pids.items()}
    peak: dict[str, float] = {}
    while any(t.is_alive() for t in crew):
        for part, pid in pids.items():
            peak[part] = max(peak.get(part, 0.0), part_usage(pid)[0])
        time.sleep(2)
        if time.monotonic() > level.deadline + 120:
            level.error("tablet still waiting 120 s after the end")
            break
    cpu = {part: part_usage(pid)[1] - cpu_before[part] for part, pid in pids.items()}
    stored = 0
    for session_id in list(level.sessions):
        shown = staff.get(f"{args.base}/api/sessions/{session_id}", timeout=60).json()
        stored += sum(1 for e in shown["entries"] if e["input_mode"] == "touch" and e["answer_kind"] != "observation")
    ms = [1000 * t for t in level.times]
    return {
        "tablets": tablets,
        "answers": len(ms),
        "sent": level.sent,
        "p50": statistics.median(ms) if ms else 0,
        "p95": centile(ms, 0.95),
        "p99": centile(ms, 0.99),
        "max": max(ms, default=0),
        "rasa_p50": 1000 * statistics.median(level.rasa) if level.rasa else 0,
        "rasa_p95": 1000 * centile(level.rasa, 0.95),
        "errors": dict(level.errors),
        "taken": sum(level.sessions.values()),
        "stored": stored,
        "sessions": len(level.sessions),
        "memory": peak,
        "cpu": cpu,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_login_arguments(parser)
    parser.add_argument("--tablets", type=int, nargs="+", default=[10, 30, 100])
    parser.add_argument("--seconds", type=float, default=60, help="length of each level")
    parser.add_argument("--max-answers", type=int, default=5000, help="per level")
    parser.add_argument("--instance", type=Path, help="instance folder of a supervised stack")
    args = parser.parse_args(argv)
    if urlsplit(args.base).hostname not in ("127.0.0.1", "localhost"):
        parser.error("loopback only: --base must be on 127.0.0.1")
    if args.seconds > 600 or max(args.tablets) > 300:
        parser.error("bounded: at most 600 s a level and 300 tablets")
    staff, pupils = logged_in(args)
    print(
        "| tablets | load avg before | answers | p50 ms | p95 ms | p99 ms | max ms "
        "| Rasa p50/p95 ms | errors | taken / stored | peak memory MiB | CPU ms per answer |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for tablets in args.tablets:
        load = os.getloadavg()[0]  # the machine is shared: say how busy it was
        r = run_level(args, staff, pupils, tablets)
        errors = ", ".join(f"{k} {v}" for k, v in r["errors"].items()) or "0"
        mem = ", ".join(f"{k} {v:.0f}" for k, v in r["memory"].items()) or "-"
        cpu = ", ".join(f"{k} {1000 * v / max(r['answers'], 1):.0f}" for k, v in r["cpu"].items()) or "-"
        print(
            f"| {r['tablets']} | {load:.1f} | {r['answers']} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['p99']:.0f} | {r['max']:.0f} | {r['rasa_p50']:.0f}/{r['rasa_p95']:.0f} "
            f"| {errors} | {r['taken']} / {r['stored']} | {mem} | {cpu} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time one tablet's turns through the running product's chat API.

    python -m scripts.bench_turns [--base URL] [--conversations 20]

A member of staff starts interests conversations; the tablet answers every question, by a
card and by typed words in turn (typed words then chosen at the check-back, as a pupil
does), one after another with no pause. Reports the median, 95th centile and largest time
of an answer (POST /api/chat/message), in ms. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import statistics
import time

import requests

from scripts.staff_login import add_login_arguments, logged_in

WORDS = ["cooking", "loud noises", "drawing", "someone with me", "my family"]


def prompt_of(messages: list[dict]) -> dict:
    return [m for m in messages if m.get("prompt")][-1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_login_arguments(parser)
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args(argv)
    staff, pupils = logged_in(args)
    pupil = pupils[0]
    times = []
    for n in range(args.conversations):
        created = staff.post(args.base + "/api/sessions", json={"pupil_id": pupil, "conversation": "interests"}).json()
        tablet = requests.Session()
        token = tablet.post(args.base + "/api/chat/claim", json={"code": created["code"]}).json()["tablet_token"]
        tablet.headers["Authorization"] = "Bearer " + token
        reply = tablet.post(args.base + "/api/chat/start", json={}).json()
        for k in range(len(WORDS)):
            prompt = prompt_of(reply["messages"])
            typed = (n + k) % 2 == 0
            body = {"text": WORDS[k]} if typed else {"card": prompt["cards"][0]["concept"]}
            t0 = time.perf_counter()
            reply = tablet.post(args.base + "/api/chat/message", json=body).json()
            times.append(time.perf_counter() - t0)
            check = prompt_of(reply["messages"])
            if typed and check.get("board") in ("check", "yes_no"):
                card = check["cards"][0]
                body = {"card": card["concept"], **({"stance": card["stance"]} if card.get("stance") else {})}
                t0 = time.perf_counter()
                reply = tablet.post(args.base + "/api/chat/message", json=body).json()
                times.append(time.perf_counter() - t0)
        tablet.post(args.base + "/api/chat/stop", json={})
    ms = sorted(1000 * t for t in times)
    print(
        f"{len(ms)} answers: p50 {statistics.median(ms):.0f} ms, "
        f"p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms, max {ms[-1]:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Score contextual understanding through the running product's chat API.

    python -m scripts.score_dialogue tests/data/dialogue_heldout.yml [--base URL] [--json OUT]

For each item (conversation, question, typed words, what the pupil meant) a member of staff
starts a session, the tablet claims it and skips (as the adult) until the item's question
is asked, then types the words, naming the prompt as the tablet does. The stored entry for
that question is compared with what was meant: exact (kind, concepts and stance or rating),
concepts contained, inverted stances (like stored as dont_like or back), wrong stops (the
session ended on an answer), stops asked ("Do you want to stop now?", the answer to a stop
in words), missed stops, not understood, errors (HTTP 5xx). Also the time of each answer.
Needs the stack running (bin/run) with the demo data; talks to it over HTTP only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import requests
import yaml

from assistant.vocabulary import ENDED_STATUSES as ENDED
from scripts.staff_login import add_login_arguments, logged_in


def prompt_of(messages: list[dict]) -> dict | None:
    prompts = [m for m in messages if m.get("prompt")]
    return prompts[-1] if prompts else None


def judge(item: dict, reply: dict, entry: dict | None, status: str) -> tuple[str, list[str]]:
    """The verdict for one item: 'exact' or why not, and the counters it adds to."""
    expect = item["expect"]
    ended = status in ENDED
    asked_stop = (prompt_of(reply.get("messages") or []) or {}).get("board") == "stop"
    if expect["kind"] == "stop":
        if ended or asked_stop:
            return "exact", ["stop_asked" if asked_stop else "stopped"]
        return "did not stop", ["missed_stop"]
    if ended:
        return "session ended", ["wrong_stop"]
    if asked_stop:
        return "asked to stop", ["stop_asked_wrongly"]
    if expect["kind"] == "any_not_stop":
        return "exact", []
    if expect["kind"] == "dont_know":
        ok = entry is not None and entry["answer_kind"] == "dont_know"
        return ("exact", []) if ok else (f"got {entry and entry['answer_kind']}", ["not_understood"])
    if expect["kind"] == "rating":
        ok = entry is not None and entry["rating"] == expect["rating"]
        flags = []
        if entry is not None and {entry["rating"], expect["rating"]} == {"like", "dont_like"}:
            flags.append("inverted")
        if entry is None or entry["rating"] is None:
            flags.append("not_understood")
        return ("exact", []) if ok else (f"got rating {entry and entry['rating']}", flags)
    got = {c["id"] for c in entry["concepts"]} if entry else set()
    want = set(expect["concepts"])
    flags = []
    if not got:
        flags.append("not_understood")
    if want <= got:
        flags.append("contained")
    stance_ok = True
    if "stance" in expect and entry is not None:
        stance_ok = entry["stance"] == expect["stance"]
        if not stance_ok and {entry["stance"], expect["stance"]} == {"like", "dont_like"}:
            flags.append("inverted")
    if got == want and stance_ok:
        return "exact", flags
    return f"got {sorted(got)} stance {entry and entry['stance']}", flags


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("items")
    add_login_arguments(parser)
    parser.add_argument("--json", help="write the figures here as JSON")
    args = parser.parse_args(argv)
    items = yaml.safe_load(open(args.items, encoding="utf-8"))["items"]
    base = args.base
    staff, pupils = logged_in(args)
    encounters = [e["id"] for e in staff.get(base + "/api/encounters").json()["encounters"]]
    counts = {
        k: 0
        for k in (
            "n",
            "exact",
            "contained",
            "inverted",
            "wrong_stop",
            "stop_asked_wrongly",
            "stopped",
            "stop_asked",
            "missed_stop",
            "not_understood",
            "errors",
            "unreached",
        )
    }
    fails, seconds = [], []
    started = time.time()
    for i, item in enumerate(items):
        counts["n"] += 1
        body = {"pupil_id": pupils[i % len(pupils)], "conversation": item["c"]}
        if item["c"] in ("debrief", "prepare"):
            body["encounter_id"] = encounters[i % len(encounters)]
        created = staff.post(base + "/api/sessions", json=body)
        if created.status_code != 201:
            counts["errors"] += 1
            fails.append((item, f"session {created.status_code}"))
            continue
        session_id, code = created.json()["session_id"], created.json()["code"]
        tablet = requests.Session()
        token = tablet.post(base + "/api/chat/claim", json={"code": code}).json()["tablet_token"]
        tablet.headers["Authorization"] = "Bearer " + token
        reply = tablet.post(base + "/api/chat/start", json={}).json()
        for _ in range(15):
            if (prompt_of(reply.get("messages") or []) or {}).get("step") == item["step"]:
                break
            reply = tablet.post(base + "/api/chat/skip", json={}).json()
        else:
            counts["unreached"] += 1
            fails.append((item, "question never asked"))
            continue
        prompt_id = prompt_of(reply["messages"]).get("prompt_id")
        t0 = time.perf_counter()
        answered = tablet.post(
            base + "/api/chat/message", json={"text": item["say"], "input_mode": "typed", "prompt_id": prompt_id}
        )
        seconds.append(time.perf_counter() - t0)
        if answered.status_code >= 500:
            counts["errors"] += 1
            fails.append((item, f"HTTP {answered.status_code}"))
            continue
        info = staff.get(base + f"/api/sessions/{session_id}").json()
        entries = [
            e
            for e in info["entries"]
            if e["step"] == item["step"] and e["status"] != "discarded" and e["answer_kind"] != "observation"
        ]
        verdict, flags = judge(item, answered.json(), entries[-1] if entries else None, info["session"]["status"])
        for flag in flags:
            counts[flag] += 1
        if verdict == "exact":
            counts["exact"] += 1
        else:
            said = " / ".join(m.get("text", "") for m in answered.json().get("messages") or [])
            fails.append((item, f"{verdict} | reply: {said[:90]}"))
        tablet.post(base + "/api/chat/stop", json={})
    n = counts["n"]
    for item, why in fails:
        print(f"  [{item['c']}/{item['step']}] {item['say']!r}: {why}")
    counts["seconds"] = round(time.time() - started, 1)
    if seconds:
        ordered = sorted(seconds)
        counts["answer_ms_p50"] = round(1000 * statistics.median(ordered), 1)
        counts["answer_ms_p95"] = round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1)
    print(
        f"exact {counts['exact']}/{n} = {counts['exact'] / n:.3f}; contained {counts['contained']}; "
        f"inverted {counts['inverted']}; wrong stops {counts['wrong_stop']} "
        f"(+{counts['stop_asked_wrongly']} asked); stops: {counts['stop_asked']} asked, "
        f"{counts['stopped']} at once, {counts['missed_stop']} missed; not understood "
        f"{counts['not_understood']}; errors {counts['errors']}; unreached {counts['unreached']}; "
        f"answer p50 {counts.get('answer_ms_p50')} ms, p95 {counts.get('answer_ms_p95')} ms "
        f"({counts['seconds']} s)"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(counts, out, indent=1)
    ok = counts["wrong_stop"] == 0 and counts["inverted"] == 0 and counts["exact"] / n >= 0.9
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

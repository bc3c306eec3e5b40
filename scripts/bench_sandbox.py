"""What parsing untrusted files in sandboxed worker processes costs, and how fast a worker
comes back after a crash.

    .venv/bin/python -m scripts.bench_sandbox [--runs 20]

start    = a new listening worker until ready (spawn, imports, both models loaded);
call     = one round trip to a ready worker with a trivial function (the pipe and pickling);
listen   = a 3 s spoken answer (espeak-ng, 16 kHz WAV), in this process and in the sandbox;
recover  = a worker killed by SIGSEGV until the next call is answered by its replacement;
memory   = a listening worker's resident and peak address space after the runs.
Prints a Markdown table of medians (min / max) in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from assistant.sandbox import Sandbox, SandboxFailed
from assistant.speech import LISTEN_LIMITS, board_of_phrases, listen
from assistant.speech.recogniser import shared

CHOICES = ["cooking", "football", "animals", "computer games"]


def spoken_answer() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        raw, wav = Path(folder) / "raw.wav", Path(folder) / "answer.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(raw), "I like cooking"], check=True)
        subprocess.run(
            ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav), "pad", "0.8", "0.8", "dither"], check=True
        )
        return wav.read_bytes()


def status(pid: int) -> dict[str, str]:
    lines = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {key: lines[key].strip() for key in ("VmRSS", "VmPeak")}


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    data, board = spoken_answer(), board_of_phrases(CHOICES)
    times: dict[str, list[float]] = {
        "start": [],
        "call": [],
        "listen in process": [],
        "listen in sandbox": [],
        "recover after SIGSEGV": [],
    }

    def timed(name, function, *call_args):
        started = time.perf_counter()
        result = function(*call_args)
        times[name].append((time.perf_counter() - started) * 1000)
        return result

    recogniser = shared()
    for _ in range(3):
        listen(data, board, recogniser)  # warm
    for _ in range(args.runs):
        timed("listen in process", listen, data, board, recogniser)
    for _ in range(3):
        with_new = Sandbox("bench-start", LISTEN_LIMITS, size=1, setup=shared)
        timed("start", with_new.run, len, b"")
        with_new.close()
    box = Sandbox("bench", LISTEN_LIMITS, size=1, setup=shared)
    try:
        box.run(len, b"")
        for _ in range(args.runs):
            timed("call", box.run, len, b"x")
            timed("listen in sandbox", box.run, listen, data, board)
        memory = status(box.pids[0])
        for _ in range(3):
            try:
                box.run(crash)
            except SandboxFailed:
                pass
            timed("recover after SIGSEGV", box.run, len, b"")
    finally:
        box.close()
    print(f"{platform.node()}: {os.cpu_count()} cores, {args.runs} runs\n")
    print("| what | median ms | min | max |\n| --- | ---: | ---: | ---: |")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} |")
    print(
        f"\nlistening worker: resident {memory['VmRSS']}, peak address space {memory['VmPeak']} "
        f"(cap {LISTEN_LIMITS.memory_mb} MB)"
    )


if __name__ == "__main__":
    main()

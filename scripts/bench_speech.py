"""Time to first audio for a spoken prompt: cold, warm worker uncached, and cached.

    .venv/bin/python -m scripts.bench_speech [--runs 15] [--text "..."]

cold   = a new Synthesiser (worker spawned) with an empty cache: what the first prompt after a
         restart costs;
warm   = the worker already running, a text not yet cached;
cached = the same (text, voice, rate) again: read from disk, no worker call.
Prints a Markdown table of medians (and min / max) in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from assistant.speech.synthesis import Synthesiser, wav_seconds

PROMPT = "What did you like at the garden centre?"


def bench(text: str, runs: int, voice: str, rate: int) -> dict[str, list[float]]:
    """Milliseconds per run for each case; every run uses a fresh cache folder."""
    times: dict[str, list[float]] = {"cold": [], "warm": [], "cached": []}
    lengths: list[float] = []
    for run in range(runs):
        with tempfile.TemporaryDirectory() as folder, Synthesiser(Path(folder)) as speech:
            started = time.perf_counter()
            first = speech.synthesise(text, voice, rate)
            times["cold"].append((time.perf_counter() - started) * 1000)
            lengths.append(wav_seconds(first))  # a lost rate change shows as a shorter WAV
            uncached = f"{text} ({run})"  # a text the cache has not seen, same length or so
            started = time.perf_counter()
            speech.synthesise(uncached, voice, rate)
            times["warm"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            speech.synthesise(text, voice, rate)
            times["cached"].append((time.perf_counter() - started) * 1000)
            assert speech.worker_calls == 2
    times["audio_seconds"] = lengths
    return times


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--text", default=PROMPT)
    parser.add_argument("--voice", default="en-gb")
    parser.add_argument("--rate", type=int, default=140)
    args = parser.parse_args()
    times = bench(args.text, args.runs, args.voice, args.rate)
    lengths = times.pop("audio_seconds")
    print(
        f'Prompt: "{args.text}" ({args.voice}, {args.rate} wpm, '
        f"{min(lengths):.2f}-{max(lengths):.2f} s of audio); {args.runs} runs; "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}\n"
    )
    print("| case | median ms | min ms | max ms |")
    print("|---|---|---|---|")
    for case, values in times.items():
        print(f"| {case} | {statistics.median(values):.1f} | {min(values):.1f} | {max(values):.1f} |")


if __name__ == "__main__":
    main()

"""Synthetic spoken answers for testing and measuring speech in: espeak-ng says each answer
(several voices and speeds), sox mixes it with noise at a set signal-to-noise ratio. Also
clips with no answer: a noise floor, pink noise, classroom babble, and words not on the board.

    python -m scripts.speech_clips            # the benchmark table of docs/benchmarks.md

Synthetic speech ranks engines and catches regressions; it does not forecast how well real
pupils' speech is recognised.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.conversation.plans import PLANS
from assistant.speech.board import Board, board_of_cards
from symbols.catalogue import Catalogue, load_catalogue

RATE = 16_000
VOICES = (("en-gb", []), ("en-us", []), ("en-gb+f3", []), ("en-us+f4", ["-p", "80"]))
SPEEDS = (120, 160)
# signal-to-noise ratio in dB (None: no added noise beyond a -60 dBFS floor)
CONDITIONS = {"quiet": ("pinknoise", 30), "pink10": ("pinknoise", 10), "babble10": ("babble", 10)}
OUT_OF_BOARD = ("pizza", "elephant", "purple", "banana", "my brother", "on tuesday")
BABBLE = (
    "Please sit down and open your books at page ten.",
    "Who wants to give out the pencils this morning?",
    "We are going to the hall after break today.",
    "Can you put your coat on the peg please.",
)
CARRIERS = {
    "feelings": ("I felt {}", "I feel {}", "{}"),
    "scale": ("{}",),
    "yes_no": ("{}",),
    "choice": ("I like {}", "{}", "{}"),
}


@dataclass(frozen=True)
class Clip:
    """One recording: what was said, the card it should propose (None: no card)."""

    path: Path
    board: Board
    expected: str | None
    said: str
    voice: str
    condition: str


def boards(catalogue: Catalogue, cards_per_board: int = 6) -> list[tuple[str, Board]]:
    """The boards pupils see in the three conversations (interests, prepare, debrief), as
    the dialogue builds them, plus the yes/no board."""
    result = []
    for conversation, step_ids in (
        ("interests", ("likes", "good_at")),
        ("prepare", ("expect_feeling", "expect_like")),
        ("debrief", ("feeling", "hard", "again")),
    ):
        for step in PLANS[conversation]:
            if step.id in step_ids:
                ids = (
                    ["like", "not_sure", "dont_like"]
                    if step.board == "scale"
                    else [*step.cards[:cards_per_board], "dont_know"]
                )
                result.append((step.board, board_of_cards(catalogue, ids)))
    result.append(("yes_no", board_of_cards(catalogue, ["yes", "no"])))
    return result


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64)


class Maker:
    """Makes clips in a folder; the babble bed is made once."""

    def __init__(self, folder: Path, seed: int = 7):
        self.folder = folder
        self.random = random.Random(seed)
        self.count = 0
        self._babble: Path | None = None

    def _speech(self, text: str, voice: tuple[str, list[str]], speed: int) -> Path:
        self.count += 1
        raw, out = self.folder / f"s{self.count}.wav", self.folder / f"p{self.count}.wav"
        _run("espeak-ng", "-v", voice[0], *voice[1], "-s", str(speed), "-w", str(raw), text)
        _run("sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out))
        return out

    def babble(self) -> Path:
        """Four voices reading classroom sentences at once (30 s, looped as needed)."""
        if self._babble is None:
            parts = []
            for index, (voice, sentence) in enumerate(zip(VOICES, BABBLE)):
                speech = self._speech(" ".join([sentence] * 6), voice, 150)
                part = self.folder / f"babble{index}.wav"
                _run("sox", str(speech), str(part), "pad", f"{index * 0.7:.1f}", "0")
                parts.append(str(part))
            self._babble = self.folder / "babble.wav"
            _run("sox", "-m", *parts, str(self._babble), "norm", "-3")
        return self._babble

    def _noise(self, kind: str, seconds: float) -> Path:
        self.count += 1
        out = self.folder / f"n{self.count}.wav"
        if kind == "babble":
            start = self.random.uniform(0, 10)
            _run("sox", str(self.babble()), str(out), "trim", f"{start:.2f}", f"{seconds:.2f}")
        else:
            _run(
                "sox",
                "-n",
                "-r",
                str(RATE),
                "-c",
                "1",
                "-b",
                "16",
                str(out),
                "synth",
                f"{seconds:.2f}",
                kind,
                "vol",
                "0.5",
            )
        return out

    def mix(self, speech: Path | None, condition: str, seconds: float = 2.5) -> Path:
        """Speech padded with 0.4 s each side, mixed with the condition's noise (sox -m) at
        its SNR; always over a -60 dBFS floor (real microphones are never digitally silent)."""
        self.count += 1
        out = self.folder / f"c{self.count}.wav"
        if speech is not None:
            padded = self.folder / f"pad{self.count}.wav"
            _run("sox", str(speech), str(padded), "pad", "0.4", "0.4")
            voice = _samples(padded)
            seconds = len(voice) / RATE
            level = float(np.sqrt(np.mean(voice[np.abs(voice) > 300] ** 2)))
        else:
            padded, level = None, 3000.0  # noise-only clips: noise at a speech-like level
        kind, snr = CONDITIONS.get(condition, ("pinknoise", 30))
        noise = self._noise(kind, seconds + 0.05)
        noise_level = float(np.sqrt(np.mean(_samples(noise) ** 2))) or 1.0
        gain = level / noise_level / (10 ** (snr / 20))
        floor = self._noise("whitenoise", seconds + 0.05)
        floor_gain = 32768 * 10 ** (-60 / 20) / (float(np.sqrt(np.mean(_samples(floor) ** 2))) or 1.0)
        inputs = ["-v", f"{gain:.5f}", str(noise), "-v", f"{floor_gain:.5f}", str(floor)]
        if padded is not None:
            inputs = ["-v", "1", str(padded), *inputs]
        _run("sox", "-m", *inputs, "-b", "16", str(out), "trim", "0", f"{seconds:.2f}")
        return out

    def answer(self, kind: str, board: Board, choice_id: str, condition: str) -> Clip:
        """A clip of one card said (with a carrier sometimes) by a random voice and speed."""
        choice = board.get(choice_id)
        said = (
            self.random.choice(CARRIERS.get(kind, ("{}",))).format(choice.label.lower())
            if choice_id not in ("dont_know", "like", "not_sure", "dont_like", "yes", "no")
            else choice.label
        )
        voice = self.random.choice(VOICES)
        speech = self._speech(said, voice, self.random.choice(SPEEDS))
        return Clip(self.mix(speech, condition), board, choice_id, said, voice[0], condition)

    def nothing(self, board: Board, condition: str, words: str | None = None) -> Clip:
        """A clip that names no card: noise alone, or words not on the board."""
        voice = self.random.choice(VOICES)
        speech = self._speech(words, voice, self.random.choice(SPEEDS)) if words else None
        return Clip(self.mix(speech, condition), board, None, words or "", voice[0], condition)


def clip_set(
    maker: Maker, catalogue: Catalogue, conditions: list[str], per_board: int | None = None, negatives: int = 4
) -> list[Clip]:
    """Answers for each board's cards (all, or `per_board` of them) in each condition, and
    `negatives` no-answer clips per board and condition."""
    clips = []
    for kind, board in boards(catalogue):
        ids = [c.id for c in board.choices]
        for condition in conditions:
            chosen = ids if per_board is None else maker.random.sample(ids, min(per_board, len(ids)))
            clips += [maker.answer(kind, board, cid, condition) for cid in chosen]
            for index in range(negatives):
                words = maker.random.choice(OUT_OF_BOARD) if index % 2 == 0 else None
                clips.append(maker.nothing(board, condition, words))
    return clips


def score(clips: list[Clip], recognise) -> dict:
    """right / wrong / none over answer clips, false accepts over no-answer clips, latency."""
    counts = {"right": 0, "wrong": 0, "none": 0, "answers": 0, "false": 0, "nothing": 0}
    seconds = []
    for clip in clips:
        proposal = recognise(clip)
        seconds.append(proposal.seconds)
        if clip.expected is None:
            counts["nothing"] += 1
            counts["false"] += proposal.choice is not None
        else:
            counts["answers"] += 1
            key = "none" if proposal.choice is None else "right" if proposal.choice == clip.expected else "wrong"
            counts[key] += 1
    counts["median_s"] = statistics.median(seconds) if seconds else 0.0
    counts["p90_s"] = sorted(seconds)[int(0.9 * (len(seconds) - 1))] if seconds else 0.0
    return counts


def main(argv: list[str] | None = None) -> None:
    """Print the benchmark table (markdown) for each engine order and condition."""
    from assistant.speech import decode
    from assistant.speech.recogniser import build

    parser = argparse.ArgumentParser(prog="python -m scripts.speech_clips")
    parser.add_argument("--per-board", type=int, default=None)
    args = parser.parse_args(argv)
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as folder:
        clips = clip_set(Maker(Path(folder)), catalogue, list(CONDITIONS), args.per_board)
        print(
            "| engines | condition | answers | right | wrong | none | no-answer clips "
            "| false accepts | median s | p90 s |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for order in ("grammar", "whisper", "auto"):
            recogniser = build(order, slots=1)
            for condition in CONDITIONS:
                subset = [c for c in clips if c.condition == condition]
                s = score(
                    subset, lambda c, recogniser=recogniser: recogniser.propose(decode(c.path.read_bytes()), c.board)
                )
                n = s["answers"] or 1
                print(
                    f"| {order} | {condition} | {s['answers']} | {100 * s['right'] / n:.0f}% "
                    f"| {100 * s['wrong'] / n:.1f}% | {100 * s['none'] / n:.0f}% "
                    f"| {s['nothing']} | {s['false']} | {s['median_s']:.2f} | {s['p90_s']:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()

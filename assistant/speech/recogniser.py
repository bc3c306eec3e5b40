"""Proposing the card a pupil said: whisper first (when its model is there), then the
grammar; the first engine that names exactly one card on the board wins. One recognition
at a time per core: the others wait in turn (up to QUEUE_SECONDS), they never crash.

For a pupil with "My voice" templates (templates.py), their templates go first: the nearest
card is proposed when it is close and clear enough. When the templates reject, the engines'
card is kept only if it has no template (the chain as before) or it is also the templates'
nearest card."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, replace

import speech_recognition as sr
from rapidfuzz import fuzz

from assistant.errors import DomainError
from assistant.speech.board import Board, normalise
from assistant.speech.engines import Engine, GrammarEngine, ModelUnavailable, Result, WhisperEngine
from assistant.speech.templates import VoiceModel, nearest, samples_of, to_bytes

log = logging.getLogger(__name__)

QUEUE_SECONDS = 20
ENGINE_ORDERS = {"auto": ("whisper", "grammar"), "whisper": ("whisper",), "grammar": ("grammar",)}


class Busy(DomainError):
    """Every recogniser was busy for longer than a pupil should wait."""


@dataclass(frozen=True)
class Proposal:
    """The card to highlight and ask about ("Did you say cooking?"), or none."""

    choice: str | None
    label: str | None
    text: str
    engine: str | None
    confidence: float
    seconds: float
    # The answer's "My voice" features (float16 .npy bytes) when the pupil has templates:
    # kept by the web app only until the pupil confirms or changes the card.
    features: bytes | None = None

    def as_dict(self) -> dict:
        """For the CLI: choice, text, engine, confidence, seconds."""
        return {
            "choice": self.choice,
            "label": self.label,
            "text": self.text,
            "engine": self.engine,
            "confidence": self.confidence,
            "seconds": round(self.seconds, 3),
        }


class Recogniser:
    """Engines in order of trust, and the slots that let one recognition run per core."""

    def __init__(self, engines: list[Engine], slots: int | None = None):
        self.engines = engines
        self._slots = threading.BoundedSemaphore(slots or os.cpu_count() or 1)

    @property
    def engine_names(self) -> list[str]:
        return [e.name for e in self.engines]

    def propose(self, audio: sr.AudioData, board: Board, voice: VoiceModel | None = None) -> Proposal:
        """The pupil's templates first (if any), then the engines in turn until one names a
        card; Busy if no slot frees in time."""
        started = time.perf_counter()
        if not self._slots.acquire(timeout=QUEUE_SECONDS):
            raise Busy("Listening is busy just now. Please touch the picture, or try again.")
        try:
            return self._propose(audio, board, voice, started)
        finally:
            self._slots.release()

    def _propose(self, audio: sr.AudioData, board: Board, voice: VoiceModel | None, started: float) -> Proposal:
        matched = None
        enrolled = [c.id for c in board.choices if voice is not None and c.id in voice.cards()]
        if enrolled:
            raw = audio.get_raw_data(convert_rate=16_000, convert_width=2)
            matched = nearest(samples_of(raw), voice, enrolled)
            kept = to_bytes(matched.features) if matched.features is not None else None
            if matched.accepted:
                choice = board.get(matched.card)
                confidence = round(max(0.0, 1.0 - matched.distance / 3.0), 3)
                return Proposal(choice.id, choice.label, "", "voice", confidence, time.perf_counter() - started, kept)
        proposal = self._engines(audio, board, started)
        if matched is not None:
            proposal = replace(proposal, features=kept)
            if proposal.choice in enrolled and proposal.choice != matched.card:
                # The templates know this card and heard another: nothing rather than a guess.
                proposal = Proposal(None, None, proposal.text, None, 0.0, time.perf_counter() - started, kept)
        return proposal

    def _engines(self, audio: sr.AudioData, board: Board, started: float) -> Proposal:
        result: Result | None = None
        heard: Result | None = None
        for engine in self.engines:
            result = engine.recognise(audio, board)
            if result.choice is not None and heard is not None and closest(board, heard.text) != result.choice:
                # The grammar always finds some option; after whisper it may only pick
                # the card whose name is closest to what whisper heard (not silence,
                # not "pizza").
                result = Result(None, result.text, result.engine, 0.0, result.seconds)
            if result.choice is not None:
                break
            heard = result if result.engine == "whisper" else heard
        seconds = time.perf_counter() - started
        if result is None or result.choice is None:
            return Proposal(None, None, result.text if result else "", None, 0.0, seconds)
        choice = board.get(result.choice)
        return Proposal(choice.id, choice.label, result.text, result.engine, result.confidence, seconds)


def closest(board: Board, text: str, threshold: float = 60.0) -> str | None:
    """The card whose phrase sounds most like `text` (fuzzy spelling), if any is close."""
    text = normalise(text)
    if not text:
        return None
    scores = {c.id: max(fuzz.partial_ratio(p, text) for p in c.phrases) for c in board.choices}
    best = max(scores, key=scores.get)
    ranked = sorted(scores.values(), reverse=True)
    if scores[best] < threshold or (len(ranked) > 1 and ranked[1] == ranked[0]):
        return None
    return best


def build(order: str = "auto", slots: int | None = None) -> Recogniser:
    """A recogniser with the engines of `order` (auto: whisper if its model is installed and
    verified, then grammar). Loads the models: call once per worker process."""
    slots = slots or os.cpu_count() or 1
    engines: list[Engine] = []
    for name in ENGINE_ORDERS[order]:
        if name == "whisper":
            try:
                engines.append(WhisperEngine(workers=slots, threads=1))
            except ModelUnavailable as error:
                if order == "whisper":
                    raise
                log.warning("Speech in without whisper: %s", error)
        else:
            engines.append(GrammarEngine())
    return Recogniser(engines, slots)


_shared: Recogniser | None = None
_shared_lock = threading.Lock()


def shared() -> Recogniser:
    """This worker's recogniser, built on first use (never at import time). A listening
    worker takes one recording at a time, so one slot: more recordings means more workers."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = build(slots=1)
        return _shared

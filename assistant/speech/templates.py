""" "My voice": a pupil's own recordings of the cards, as features, and the nearest card to
a new answer by dynamic time warping (DTW). Pure numpy; no model, no network.

Features: 13 MFCC (25 ms frames every 10 ms, 26 mel bands) with deltas and delta-deltas,
the silence before and after the word trimmed by the pupil's own speech-detector
threshold, then mean and variance normalised per recording. A template is one such
feature matrix (stored as float16; the audio itself is never kept).

Matching: DTW distance (Euclidean frame cost, steps (1,0), (0,1), (1,1), divided by the
path's length bound n + m) from the answer to every template on the board; a card's
distance is its nearest template's. The nearest card is proposed only when its distance,
divided by the pupil's scale (the typical distance between their own clips of one card),
is under ACCEPT and it is clearly nearer than the runner-up (ratio under MARGIN).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

import numpy as np

RATE = 16_000
FRAME = 400  # 25 ms
HOP = 160  # 10 ms
FFT = 512
MELS = 26
CEPSTRA = 13
DIM = CEPSTRA * 3
PRE_EMPHASIS = 0.97
# Speech detection: a frame is speech when its log energy is within SPEECH_DB of the
# recording's loudest frames and above the floor by FLOOR_DB.
SPEECH_DB = 35.0
FLOOR_DB = 12.0
MIN_SPEECH_SECONDS = 0.15
MAX_CLIP_SECONDS = 4.0
CLIPPED = 0.99  # |sample| at or above this is clipped
MAX_CLIPPED_SHARE = 0.01
# Rejection, on distances divided by the pupil's scale (tuned on one benchmark set,
# scripts/bench_voice.py --seed 23, and measured on another). A noisy answer (its loudest
# frames less than NOISY_SNR dB above its quietest) may be a little farther.
ACCEPT = 1.45
ACCEPT_NOISY = 2.0
NOISY_SNR = 30.0
MARGIN = 0.88
# Learning from use: at most this many templates per card; the farthest goes first.
MAX_PER_CARD = 8
# Enrolment: a clip whose distance to the card's other clips is over this (in scale units)
# is "not like the others" and recorded again.
CONSISTENT = 2.0
# The scale before any card has two clips: the median of the benchmark speakers' (1.2-2.0).
DEFAULT_SCALE = 1.5

# ---------------------------------------------------------------- features


def _mel_filters() -> np.ndarray:
    def mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def hz(m):
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    points = hz(np.linspace(mel(60.0), mel(RATE / 2 - 200), MELS + 2))
    bins = np.floor((FFT + 1) * points / RATE).astype(int)
    filters = np.zeros((MELS, FFT // 2 + 1))
    for i in range(MELS):
        left, centre, right = bins[i], bins[i + 1], bins[i + 2]
        for k in range(left, centre):
            filters[i, k] = (k - left) / max(1, centre - left)
        for k in range(centre, right):
            filters[i, k] = (right - k) / max(1, right - centre)
    return filters


def _dct_matrix() -> np.ndarray:
    n = np.arange(MELS)
    k = np.arange(CEPSTRA)[:, None]
    return np.cos(np.pi * k * (2 * n + 1) / (2 * MELS)) * np.sqrt(2.0 / MELS)


_MEL = _mel_filters()
_DCT = _dct_matrix()
_WINDOW = np.hamming(FRAME)


def samples_of(raw: bytes) -> np.ndarray:
    """16 kHz 16-bit mono PCM bytes as floats in -1..1."""
    return np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768.0


def _frames(samples: np.ndarray) -> np.ndarray:
    if len(samples) < FRAME:
        samples = np.pad(samples, (0, FRAME - len(samples)))
    count = 1 + (len(samples) - FRAME) // HOP
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    return samples[index]


def frame_energy_db(samples: np.ndarray) -> np.ndarray:
    """Each 10 ms frame's log energy in dB (full scale)."""
    frames = _frames(samples)
    return 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-10)


def speech_span(energy: np.ndarray, floor_db: float | None = None) -> tuple[int, int] | None:
    """The first and last speech frame (inclusive start, exclusive end), or None. With the
    pupil's `floor_db` a frame must also be louder than that."""
    peak = float(np.percentile(energy, 99))
    floor = float(np.percentile(energy, 10))
    threshold = max(peak - SPEECH_DB, floor + FLOOR_DB)
    if floor_db is not None:
        threshold = max(threshold, floor_db)
    speech = np.flatnonzero(energy > threshold)
    if len(speech) == 0:
        return None
    return int(speech[0]), int(speech[-1]) + 1


def features(samples: np.ndarray, floor_db: float | None = None) -> np.ndarray | None:
    """The (frames, 39) normalised MFCC + deltas of the speech in `samples`, or None when
    no speech is found."""
    energy = frame_energy_db(samples)
    span = speech_span(energy, floor_db)
    if span is None:
        return None
    start, end = max(0, span[0] - 3), min(len(energy), span[1] + 3)
    emphasised = np.append(samples[:1], samples[1:] - PRE_EMPHASIS * samples[:-1])
    frames = _frames(emphasised)[start:end] * _WINDOW
    power = np.abs(np.fft.rfft(frames, FFT)) ** 2 / FFT
    logmel = np.log(power @ _MEL.T + 1e-8)
    cepstra = logmel @ _DCT.T
    delta = _delta(cepstra)
    full = np.hstack([cepstra, delta, _delta(delta)])
    full = (full - full.mean(axis=0)) / (full.std(axis=0) + 1e-5)
    return full.astype(np.float32)


def _delta(values: np.ndarray, width: int = 2) -> np.ndarray:
    padded = np.pad(values, ((width, width), (0, 0)), mode="edge")
    total = sum(
        n * (padded[width + n : len(values) + width + n] - padded[width - n : len(values) + width - n])
        for n in range(1, width + 1)
    )
    return total / (2 * sum(n * n for n in range(1, width + 1)))


# ---------------------------------------------------------------- DTW


def dtw_many(query: np.ndarray, templates: list[np.ndarray]) -> np.ndarray:
    """The DTW distance from `query` to each template (all at once, row by row of the
    query: each row's horizontal steps are a running minimum, so no Python loop over the
    template's frames)."""
    if not templates:
        return np.zeros(0)
    lengths = np.array([len(t) for t in templates])
    longest = int(lengths.max())
    stacked = np.zeros((len(templates), longest, query.shape[1]), dtype=np.float32)
    for i, template in enumerate(templates):
        stacked[i, : len(template)] = template
    # cost[i, n, j]: query frame i against template n's frame j.
    cross = (query @ stacked.reshape(-1, query.shape[1]).T).reshape(len(query), len(templates), longest)
    cost = np.sqrt(np.maximum((query**2).sum(1)[:, None, None] + (stacked**2).sum(2)[None] - 2.0 * cross, 0.0))
    # Past a template's end the cost is 0: the path only moves right and down, so those
    # cells never reach the cell read out (its last frame).
    cost[:, np.arange(longest)[None, :] >= lengths[:, None]] = 0.0
    previous = np.cumsum(cost[0], axis=1)
    for i in range(1, len(query)):
        row = cost[i]
        diagonal = np.concatenate([np.full((len(templates), 1), np.inf), previous[:, :-1]], 1)
        entry = row + np.minimum(previous, diagonal)
        running = np.cumsum(row, axis=1)
        # D[j] = min over k <= j of entry[k] + sum(row[k+1..j]) = running[j] + min(entry - running)[..j]
        previous = running + np.minimum.accumulate(entry - running, axis=1)
    final = previous[np.arange(len(templates)), lengths - 1]
    return final / (len(query) + lengths)


# ---------------------------------------------------------------- a pupil's templates


@dataclass
class VoiceModel:
    """One pupil's templates for the cards of a board, and their own scale and speech
    threshold (plain values: it crosses into the listening sandbox by pickle)."""

    templates: dict[str, list[np.ndarray]] = field(default_factory=dict)
    scale: float = DEFAULT_SCALE
    floor_db: float | None = None

    def cards(self) -> set[str]:
        return {card for card, found in self.templates.items() if found}


@dataclass(frozen=True)
class Match:
    """The nearest card and whether it is close and clear enough to propose."""

    card: str | None
    accepted: bool
    distance: float
    runner_up: float
    seconds: float
    features: np.ndarray | None = None

    @property
    def ratio(self) -> float:
        return self.distance / self.runner_up if self.runner_up > 0 else 0.0


def card_distances(query: np.ndarray, model: VoiceModel, cards: list[str]) -> dict[str, float]:
    """Each card's distance (its nearest template's), in the pupil's scale units."""
    flat = [(card, t) for card in cards for t in model.templates.get(card, [])]
    if not flat:
        return {}
    found = dtw_many(query, [t.astype(np.float32) for _, t in flat])
    out: dict[str, float] = {}
    for (card, _), distance in zip(flat, found):
        out[card] = min(out.get(card, np.inf), float(distance) / model.scale)
    return out


def snr_db(samples: np.ndarray) -> float:
    """How far the loudest frames stand above the quietest (dB): low in babble."""
    energy = frame_energy_db(samples)
    return float(np.percentile(energy, 99) - np.percentile(energy, 10))


def nearest(
    samples: np.ndarray,
    model: VoiceModel,
    cards: list[str],
    accept: float | None = None,
    margin: float = MARGIN,
    extract=None,
) -> Match:
    """The nearest of `cards` (those with templates) to the recording, and whether to
    propose it. `extract` (samples, floor_db) -> frames replaces the MFCC `features` (the
    benchmark compares whisper's encoder frames with it)."""
    started = time.perf_counter()
    if accept is None:
        accept = ACCEPT if snr_db(samples) >= NOISY_SNR else ACCEPT_NOISY
    query = (extract or features)(samples, model.floor_db)
    if query is None:
        return Match(None, False, np.inf, np.inf, time.perf_counter() - started)
    distances = card_distances(query, model, cards)
    if not distances:
        return Match(None, False, np.inf, np.inf, time.perf_counter() - started, query)
    ranked = sorted(distances.items(), key=lambda item: item[1])
    best, distance = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else np.inf
    accepted = distance <= accept and (runner_up == np.inf or distance <= margin * runner_up)
    return Match(best, accepted, distance, runner_up, time.perf_counter() - started, query)


# ---------------------------------------------------------------- enrolment


@dataclass(frozen=True)
class ClipCheck:
    """An enrolment clip's features and what (if anything) is wrong with it."""

    features: np.ndarray | None
    problem: str | None
    speech_seconds: float
    level_db: float


NO_SPEECH = "I could not hear a word. Please say it again, a little louder."
TOO_SHORT = "That was very short. Please say the whole word again."
TOO_LONG_CLIP = "That was long. Please say just the word."
TOO_LOUD = "That was too loud (it crackled). Please say it again a little further away."
NOT_ALIKE = "That did not sound like the other two. Please say it again."


def check_clip(samples: np.ndarray, extract=None) -> ClipCheck:
    """Is this a usable enrolment recording: speech found, a word's length, not clipped.
    (`extract` as for `nearest`.)"""
    energy = frame_energy_db(samples)
    span = speech_span(energy)
    if span is None or float(np.percentile(energy, 99)) < -55.0:
        return ClipCheck(None, NO_SPEECH, 0.0, float(np.max(energy)))
    seconds = (span[1] - span[0]) * HOP / RATE
    level = float(np.median(energy[span[0] : span[1]]))
    if seconds < MIN_SPEECH_SECONDS:
        return ClipCheck(None, TOO_SHORT, seconds, level)
    if seconds > MAX_CLIP_SECONDS:
        return ClipCheck(None, TOO_LONG_CLIP, seconds, level)
    if np.mean(np.abs(samples) >= CLIPPED) > MAX_CLIPPED_SHARE:
        return ClipCheck(None, TOO_LOUD, seconds, level)
    return ClipCheck((extract or features)(samples, None), None, seconds, level)


def consistent(clip: np.ndarray, others: list[np.ndarray], scale: float) -> bool:
    """Is a new clip close enough to the card's other clips (the nearest of them)?"""
    if not others:
        return True
    return float(dtw_many(clip, others).min()) / scale <= CONSISTENT


def scale_of(by_card: dict[str, list[np.ndarray]]) -> float:
    """The pupil's scale: the median distance between two clips of the same card (their
    own variability), or DEFAULT_SCALE before any card has two clips."""
    pairs = []
    for clips in by_card.values():
        for i in range(1, len(clips)):
            pairs.extend(dtw_many(clips[i].astype(np.float32), [c.astype(np.float32) for c in clips[:i]]).tolist())
    return float(np.median(pairs)) if pairs else DEFAULT_SCALE


def floor_of(levels: list[float]) -> float | None:
    """The pupil's speech threshold (dB): well under the quietest of their clips' speech."""
    return float(min(levels)) - 25.0 if levels else None


def outlier(clips: list[np.ndarray]) -> int:
    """Which clip is farthest from the others (the one to drop when a card is full)."""
    totals = [
        float(dtw_many(c.astype(np.float32), [o.astype(np.float32) for j, o in enumerate(clips) if j != i]).sum())
        for i, c in enumerate(clips)
    ]
    return int(np.argmax(totals))


# ---------------------------------------------------------------- storage form


def to_bytes(values: np.ndarray) -> bytes:
    """A feature matrix as stored: .npy of float16 (no pickle)."""
    out = io.BytesIO()
    np.save(out, values.astype(np.float16), allow_pickle=False)
    return out.getvalue()


def from_bytes(data: bytes) -> np.ndarray:
    """A stored feature matrix; ValueError when it is not one."""
    values = np.load(io.BytesIO(data), allow_pickle=False)
    if values.ndim != 2 or values.shape[1] != DIM or values.dtype != np.float16:
        raise ValueError("not a feature matrix")
    return values

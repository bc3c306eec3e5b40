""" "My voice" templates: features, DTW, rejection and the on-the-spot checks, on clips
espeak-ng makes at test time (a pupil-like voice with its own way of saying some words)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.speech import templates as tpl
from tests.assistant.speech.voices import samples, say

# A pupil-like speaker: high pitch, and "puter" for computers, "too tin" for cooking.
SAYS = {
    "computers": "puter",
    "cooking": "too tin",
    "animals": "aminals",
    "football": "foo bo",
    "music": "music",
    "yes": "yes",
    "no": "no",
}
CARDS = list(SAYS)


def _naive_dtw(a: np.ndarray, b: np.ndarray) -> float:
    cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    d = np.full((len(a) + 1, len(b) + 1), np.inf)
    d[0, 0] = 0.0
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i, j] = cost[i - 1, j - 1] + min(d[i - 1, j - 1], d[i - 1, j], d[i, j - 1])
    return d[len(a), len(b)] / (len(a) + len(b))


def test_batched_dtw_is_the_textbook_dtw():
    rng = np.random.default_rng(3)
    query = rng.normal(size=(17, tpl.DIM)).astype(np.float32)
    others = [rng.normal(size=(n, tpl.DIM)).astype(np.float32) for n in (5, 17, 30)]
    found = tpl.dtw_many(query, others)
    for got, other in zip(found, others):
        assert got == pytest.approx(_naive_dtw(query, other), rel=1e-4)
    assert tpl.dtw_many(query, [query])[0] < 1e-3 * found.mean()  # float32 rounding only


def test_features_trim_silence_and_are_normalised():
    clip = samples(say("cooking", pad=1.0))
    found = tpl.features(clip)
    assert found.shape[1] == tpl.DIM
    assert found.shape[0] < len(clip) / tpl.HOP * 0.7  # the 2 s of padding is gone
    assert np.allclose(found.mean(axis=0), 0, atol=1e-3)
    assert tpl.features(np.zeros(16_000, dtype=np.float32)) is None


def test_stored_form_is_npy_float16_and_refuses_pickles():
    values = np.random.default_rng(1).normal(size=(40, tpl.DIM)).astype(np.float32)
    back = tpl.from_bytes(tpl.to_bytes(values))
    assert back.dtype == np.float16 and back.shape == values.shape
    assert np.allclose(back, values, atol=1e-2)
    import io
    import pickle

    with pytest.raises(ValueError):
        tpl.from_bytes(pickle.dumps({"a": 1}))
    wrong = io.BytesIO()
    np.save(wrong, np.zeros((3, 5), dtype=np.float16))
    with pytest.raises(ValueError):
        tpl.from_bytes(wrong.getvalue())
    with pytest.raises(ValueError):
        tpl.from_bytes(b"\x93NUMPY garbage")


def test_clip_checks_say_what_to_fix():
    assert tpl.check_clip(np.zeros(16_000, dtype=np.float32)).problem == tpl.NO_SPEECH
    quiet_noise = np.random.default_rng(0).normal(scale=0.0005, size=16_000).astype(np.float32)
    assert tpl.check_clip(quiet_noise).problem == tpl.NO_SPEECH
    word = samples(say("cooking"))
    good = tpl.check_clip(word)
    assert good.problem is None and good.features is not None and 0.2 < good.speech_seconds < 1.5
    clipped = np.clip(word * 60, -1, 1)
    assert tpl.check_clip(clipped).problem == tpl.TOO_LOUD
    click = np.zeros(16_000, dtype=np.float32)
    click[8000:8800] = np.sin(np.arange(800) / 3) * 0.5
    assert tpl.check_clip(click).problem == tpl.TOO_SHORT
    long = samples(say("cooking animals football music computers gardening swimming dance", speed=90))
    assert tpl.check_clip(long).problem == tpl.TOO_LONG_CLIP


@pytest.fixture(scope="module")
def enrolled():
    """Three enrolment clips per card, as the tablet keeps them."""
    by_card, levels = {}, []
    for card, word in SAYS.items():
        for seed in range(3):
            checked = tpl.check_clip(samples(say(word, seed=100 + seed)))
            assert checked.problem is None, (card, checked.problem)
            by_card.setdefault(card, []).append(checked.features)
            levels.append(checked.level_db)
    return tpl.VoiceModel(by_card, tpl.scale_of(by_card), tpl.floor_of(levels))


@pytest.mark.slow
def test_an_enrolled_speaker_is_recognised_and_unknown_words_are_not(enrolled):
    right = wrong = 0
    for card, word in SAYS.items():
        for seed in (7, 8):
            match = tpl.nearest(samples(say(word, seed=seed)), enrolled, CARDS)
            right += match.accepted and match.card == card
            wrong += match.accepted and match.card != card
    assert right >= 12 and wrong == 0  # of 14
    proposed = [
        tpl.nearest(samples(say(word, seed=5)), enrolled, CARDS)
        for word in ("elephant", "purple", "banana", "my brother")
    ]
    assert sum(m.accepted for m in proposed) <= 1
    noise = np.random.default_rng(2).normal(scale=0.05, size=24_000).astype(np.float32)
    assert not tpl.nearest(noise, enrolled, CARDS).accepted


def test_the_pupils_own_scale_and_threshold(enrolled):
    assert 0.2 < enrolled.scale < 3.0
    assert enrolled.floor_db is not None and enrolled.floor_db < -20
    # Only cards with templates are compared; none on the board means no match at all.
    match = tpl.nearest(samples(say("too tin", seed=9)), enrolled, ["cooking"])
    assert match.card == "cooking"
    assert tpl.nearest(samples(say("too tin", seed=9)), enrolled, ["gardening"]).card is None


def test_a_clip_unlike_the_others_is_refused(enrolled):
    cooking = enrolled.templates["cooking"]
    same = tpl.check_clip(samples(say("too tin", seed=11))).features
    other = tpl.check_clip(samples(say("elephant sandwich", seed=11))).features
    assert tpl.consistent(same, cooking, enrolled.scale)
    assert not tpl.consistent(other, cooking, enrolled.scale)


def test_the_outlier_is_the_clip_unlike_the_others(enrolled):
    clips = [*enrolled.templates["cooking"], tpl.check_clip(samples(say("football"))).features]
    assert tpl.outlier(clips) == 3


def test_matching_is_fast(enrolled):
    clip = samples(say("puter", seed=12))
    times = []
    for _ in range(5):
        times.append(tpl.nearest(clip, enrolled, CARDS).seconds)
    assert sorted(times)[2] < 0.1  # at most 100 ms per answer (21 templates)


def test_other_features_can_be_compared(enrolled):
    """The benchmark measures whisper's encoder frames against the MFCC through `extract`."""
    clip = samples(say("too tin", seed=9))
    seen = []

    def mfcc(values, floor_db):
        seen.append(floor_db)
        return tpl.features(values, floor_db)

    assert tpl.nearest(clip, enrolled, CARDS, extract=mfcc).card == "cooking"
    assert seen == [enrolled.floor_db]
    assert tpl.nearest(clip, enrolled, CARDS, extract=lambda v, f: None).card is None
    marked = tpl.check_clip(samples(say("cooking")), extract=lambda v, f: np.ones((3, 2)))
    assert marked.problem is None and marked.features.shape == (3, 2)


def test_whisper_encoder_frames_tell_words_apart():
    from scripts.bench_voice import EncoderFrames

    frames = EncoderFrames()
    one, again, other = (
        frames(samples(say(w, seed=s, pad=0.5)), None) for w, s in (("cooking", 1), ("cooking", 2), ("football", 1))
    )
    assert one.shape[1] == 384 and one.shape[0] < 100  # 20 ms frames of the word, not 30 s
    assert np.allclose(one.mean(axis=0), 0, atol=1e-3)
    near, far = tpl.dtw_many(one, [again, other])
    assert near < 0.8 * far
    assert frames(np.zeros(16_000, dtype=np.float32), None) is None

"""The malformed recordings of tests/data/bad_audio/: every one is refused by the checks
before a decoder sees it (or by the decoder, cleanly), inside the listening sandbox."""

from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import InvalidInput
from assistant.sandbox import Limits, Sandbox, SandboxFailed
from assistant.speech import audio
from tests.assistant.speech.bad_audio import FOLDER, corpus, wav


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox("bad-audio", Limits(memory_mb=1024, timeout=20))
    yield box
    box.close()


def test_the_files_are_what_the_generator_makes():
    made = corpus()
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(made)
    for name, data in made.items():
        assert (FOLDER / name).read_bytes() == data, f"{name}: run python -m tests.assistant.speech.bad_audio"


@pytest.mark.parametrize("name", sorted(corpus()))
def test_each_bad_recording_is_refused_cleanly(sandbox, name):
    with pytest.raises(InvalidInput):
        sandbox.run(audio.decode, (FOLDER / name).read_bytes())


def decode_unchecked(data: bytes) -> int:
    """What the decoder did before the checks: PyAV probes and decodes whatever it is given."""
    import io

    import av

    with av.open(io.BytesIO(data)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16_000)
        return sum(len(resampler.resample(frame)) for frame in container.decode(audio=0))


def test_what_the_checks_prevent_would_crash_a_decoder_and_only_its_worker(sandbox):
    # PyAV segfaults on a PCM WAV of 0 bits per sample (and on float at 16 bits): in the
    # sandbox that costs one worker, which is replaced.
    for name in ("zero_bits.wav", "float_at_16_bits.wav"):
        with pytest.raises(SandboxFailed, match="crashed"):
            sandbox.run(decode_unchecked, corpus()[name])
    good = wav(data=b"\x00\x10" * 16_000)
    assert len(sandbox.run(audio.decode, good).frame_data) == 32_000


FIELDS = st.fixed_dictionaries(
    {
        "tag": st.sampled_from([0, 1, 2, 3, 6, 7, 0xFFFE, 0xFFFF]) | st.integers(0, 0xFFFF),
        "channels": st.integers(0, 0xFFFF),
        "rate": st.sampled_from([0, 1, 8_000, 16_000, 48_000, 192_000, 0xFFFFFFFF]) | st.integers(0, 0xFFFFFFFF),
        "bits": st.sampled_from([0, 1, 4, 8, 12, 16, 24, 32, 64]) | st.integers(0, 0xFFFF),
        "byte_rate": st.none() | st.integers(0, 0xFFFFFFFF),
        "align": st.none() | st.integers(0, 0xFFFF),
        "data_size": st.none() | st.integers(0, 0xFFFFFFFF),
        "riff_size": st.none() | st.integers(0, 0xFFFFFFFF),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=FIELDS, cut=st.none() | st.integers(0, 2100))
def test_any_wav_header_is_decoded_or_refused_never_a_crash(sandbox, fields, cut):
    data = wav(data=bytes(range(256)) * 8, **fields)
    data = data if cut is None else data[:cut]
    try:
        decoded = sandbox.run(audio.decode, data)
    except InvalidInput:
        return
    assert decoded.sample_rate == audio.RATE and decoded.sample_width == audio.WIDTH
    header = struct.unpack_from("<HHIIHH", data, 20)
    assert header[0] in (1, 3) and 1 <= header[1] <= audio.MAX_CHANNELS

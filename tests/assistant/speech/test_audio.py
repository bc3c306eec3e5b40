from __future__ import annotations

import io
import math
import struct
import wave

import pytest

from assistant.errors import InvalidInput
from assistant.speech import audio


def tone(seconds: float, rate: int = 16_000, channels: int = 1) -> bytes:
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(i / 10))) * channels for i in range(int(seconds * rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def float_wav(seconds: float, rate: int = 16_000) -> bytes:
    count = int(seconds * rate)
    data = b"".join(struct.pack("<f", 0.25 * math.sin(i / 10)) for i in range(count))
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    return (
        b"RIFF"
        + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data))
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )


def webm_opus(seconds: float) -> bytes:
    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, "w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48_000)
        stream.layout = "stereo"
        samples = (0.2 * np.sin(np.arange(int(seconds * 48_000)) / 10)).astype(np.float32)
        for start in range(0, len(samples), 960):
            chunk = np.tile(samples[start : start + 960], (2, 1))
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(chunk.reshape(1, -1)), format="flt", layout="stereo"
            )
            frame.sample_rate = 48_000
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def test_pcm_wav_at_any_rate_becomes_16k_mono_16_bit():
    for data in (tone(1.0), tone(1.0, rate=48_000, channels=2)):
        read = audio.decode(data)
        assert (read.sample_rate, read.sample_width) == (16_000, 2)
        assert abs(len(read.frame_data) - 32_000) < 200


def test_float_wav_and_webm_opus_are_decoded_with_pyav():
    assert abs(len(audio.decode(float_wav(1.0)).frame_data) - 32_000) < 200
    assert abs(len(audio.decode(webm_opus(1.0)).frame_data) - 32_000) < 2_000


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"hello, this is not audio at all" * 10, "not a sound recording"),
        (b"RIFF\x00\x00\x00\x00WAVEjunk", "not a sound recording"),
        (b"\x1aE\xdf\xa3" + b"\x00" * 100, "not a sound recording"),  # a broken webm
    ],
)
def test_bad_uploads_are_clear_errors(data, message):
    with pytest.raises(InvalidInput, match=message):
        audio.decode(data)


def test_too_long_and_too_big(monkeypatch):
    with pytest.raises(InvalidInput, match="too long"):
        audio.decode(tone(audio.MAX_SECONDS + 1, rate=8_000))
    monkeypatch.setattr(audio, "MAX_BYTES", 1000)
    with pytest.raises(InvalidInput, match="too big"):
        audio.decode(tone(1.0))

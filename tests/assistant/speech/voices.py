"""Synthetic speakers for "My voice" tests: espeak-ng says a word with small random
changes (speed, pitch, level) each time, sox makes it 16 kHz with a little noise around."""

from __future__ import annotations

import random
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np


def say(
    text: str,
    voice: str = "en-gb+f4",
    speed: int = 130,
    pitch: int = 80,
    effects: tuple[str, ...] = (),
    seed: int = 0,
    pad: float = 0.4,
) -> bytes:
    """A 16 kHz mono 16-bit WAV of `text`, varied by `seed`."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "raw.wav", Path(folder) / "out.wav"
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                voice,
                "-s",
                str(int(speed * rng.uniform(0.9, 1.1))),
                "-p",
                str(max(0, min(99, pitch + rng.randint(-6, 6)))),
                "-w",
                str(raw),
                text,
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                "sox",
                str(raw),
                "-r",
                "16000",
                "-c",
                "1",
                "-b",
                "16",
                str(out),
                *effects,
                "gain",
                "-n",
                f"{rng.uniform(-6, -1):.1f}",
                "pad",
                str(pad),
                str(pad),
                "dither",
            ],
            check=True,
            capture_output=True,
        )
        return out.read_bytes()


def samples(wav: bytes) -> np.ndarray:
    """A WAV's samples as floats in -1..1."""
    import io

    with wave.open(io.BytesIO(wav)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768.0

"""Reading an uploaded answer into SpeechRecognition's AudioData (16 kHz, mono, 16-bit),
in memory only. PCM WAV, AIFF and FLAC go through sr.AudioFile; anything else a browser
records (webm/ogg opus, mp4 AAC, float WAV) is decoded with PyAV."""

from __future__ import annotations

import io
import wave

import speech_recognition as sr

from assistant.errors import InvalidInput

RATE = 16_000
WIDTH = 2
# A listening window is at most 30 s (CommunicationProfile.listen_seconds); a little slack.
MAX_SECONDS = 35
# 35 s of 48 kHz 16-bit stereo WAV, the largest plain recording a browser might send.
MAX_BYTES = 7 * 1024 * 1024
UNREADABLE = "That is not a sound recording I can read. Please try again, or touch the picture."


def decode(data: bytes) -> sr.AudioData:
    """The recording as 16 kHz mono 16-bit AudioData; InvalidInput if it is empty, too big,
    too long or not audio."""
    if not data:
        raise InvalidInput("The recording is empty. Please try again, or touch the picture.")
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"The recording is too big ({MAX_BYTES // (1024 * 1024)} MB at most).")
    audio = _read_plain(data) if data[:4] in (b"RIFF", b"FORM", b"fLaC") else None
    if audio is None:
        audio = _read_with_av(data)
    if len(audio.frame_data) == 0:
        raise InvalidInput("The recording is empty. Please try again, or touch the picture.")
    if len(audio.frame_data) > MAX_SECONDS * RATE * WIDTH:
        raise InvalidInput(f"The recording is too long ({MAX_SECONDS} seconds at most).")
    return audio


def _read_plain(data: bytes) -> sr.AudioData | None:
    try:
        with sr.AudioFile(io.BytesIO(data)) as source:
            if source.DURATION > MAX_SECONDS:
                raise InvalidInput(f"The recording is too long ({MAX_SECONDS} seconds at most).")
            audio = sr.Recognizer().record(source)
    except (ValueError, EOFError, wave.Error, AssertionError):
        return None  # float WAV and the like: PyAV reads those
    raw = audio.get_raw_data(convert_rate=RATE, convert_width=WIDTH)
    return sr.AudioData(raw, RATE, WIDTH)


def _read_with_av(data: bytes) -> sr.AudioData:
    import av  # only for uploads sr.AudioFile cannot read

    limit = MAX_SECONDS * RATE * WIDTH
    chunks: list[bytes] = []
    size = 0
    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InvalidInput(UNREADABLE)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = bytes(out.planes[0])[:out.samples * WIDTH]
                    chunks.append(chunk)
                    size += len(chunk)
                if size > limit:
                    raise InvalidInput(f"The recording is too long ({MAX_SECONDS} seconds at most).")
            for out in resampler.resample(None):
                chunks.append(bytes(out.planes[0])[:out.samples * WIDTH])
    except av.FFmpegError:
        raise InvalidInput(UNREADABLE) from None
    return sr.AudioData(b"".join(chunks), RATE, WIDTH)


def wav_bytes(audio: sr.AudioData) -> bytes:
    """The audio as a PCM WAV file (for tests and the CLI)."""
    return audio.get_wav_data(convert_rate=RATE, convert_width=WIDTH)

"""Reading an uploaded answer into SpeechRecognition's AudioData (16 kHz, mono, 16-bit),
in memory only. Runs inside the listening sandbox (assistant/sandbox.py), never in the web
app: decoders are native code, and a crafted file may crash or hang them.

Every upload is checked before any decoder sees it: its kind from its first bytes (WAV,
FLAC, WebM/Matroska, Ogg or MP4; nothing else), and for WAV and FLAC the header fields
(format, bits, channels, rate, sizes, length). PCM WAV and FLAC then go through
sr.AudioFile; float WAV and what MediaRecorder makes (webm/ogg opus, mp4 AAC) through PyAV,
with the container named (no probing) and the codec on a short list.
"""

from __future__ import annotations

import io
import struct
import wave

import speech_recognition as sr

from assistant.errors import InvalidInput

RATE = 16_000
WIDTH = 2
# A listening window is at most 30 s (CommunicationProfile.listen_seconds); a little slack.
MAX_SECONDS = 35
# 35 s of the widget's 16 kHz mono 16-bit WAV is 1.1 MB; room for 24 kHz from other clients.
MAX_BYTES = 2 * 1024 * 1024
MIN_HEADER_RATE, MAX_HEADER_RATE = 8_000, 192_000
MAX_CHANNELS = 8
# (format tag, bits per sample) a WAV may have: integer PCM, or IEEE float.
WAV_FORMATS = {(1, 8), (1, 16), (1, 24), (1, 32), (3, 32), (3, 64)}
WAVE_EXTENSIBLE = 0xFFFE
AV_FORMATS = {"webm": "matroska", "ogg": "ogg", "mp4": "mp4", "float_wav": "wav"}
AV_CODECS = {"opus", "vorbis", "aac", "flac", "mp3", "pcm_f32le", "pcm_f64le"}
UNREADABLE = "That is not a sound recording I can read. Please try again, or touch the picture."
EMPTY = "The recording is empty. Please try again, or touch the picture."
TOO_LONG = f"The recording is too long ({MAX_SECONDS} seconds at most)."


def decode(data: bytes) -> sr.AudioData:
    """The recording as 16 kHz mono 16-bit AudioData; InvalidInput if it is empty, too big,
    too long, malformed or not audio."""
    if not data:
        raise InvalidInput(EMPTY)
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"The recording is too big ({MAX_BYTES // (1024 * 1024)} MB at most).")
    kind = check(data)
    if kind in ("wav", "flac"):
        audio = _read_plain(data)
    else:
        audio = _read_with_av(data, kind)
    if len(audio.frame_data) == 0:
        raise InvalidInput(EMPTY)
    if len(audio.frame_data) > MAX_SECONDS * RATE * WIDTH:
        raise InvalidInput(TOO_LONG)
    return audio


def check(data: bytes) -> str:
    """The kind of recording ("wav" for PCM, "float_wav", "flac", "webm", "ogg" or "mp4")
    after checking what can be checked without decoding; InvalidInput otherwise."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav" if _check_wav(data) == 1 else "float_wav"
    if data[:4] == b"fLaC":
        _check_flac(data)
        return "flac"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if data[:4] == b"OggS":
        return "ogg"
    if data[4:8] == b"ftyp":
        return "mp4"
    raise InvalidInput(UNREADABLE)


def _chunks(data: bytes):
    """(id, start, size) of each RIFF chunk; InvalidInput when one runs past the end."""
    offset = 12
    while offset + 8 <= len(data):
        chunk_id, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        start = offset + 8
        if start + size > len(data):
            if chunk_id == b"data":
                raise InvalidInput(UNREADABLE)  # truncated, or a size made up to be huge
            return
        yield chunk_id, start, size
        offset = start + size + (size & 1)


def _check_wav(data: bytes) -> int:
    """The format tag (1 PCM, 3 float) of a WAV whose header holds together."""
    riff_size = struct.unpack_from("<I", data, 4)[0]
    if riff_size + 8 > len(data) or riff_size < 4:
        raise InvalidInput(UNREADABLE)  # truncated, or a size made up to be huge
    fmt = data_size = None
    for chunk_id, start, size in _chunks(data):
        if chunk_id == b"fmt " and fmt is None:
            if size < 16:
                raise InvalidInput(UNREADABLE)
            fmt = struct.unpack_from("<HHIIHH", data, start)
            if fmt[0] == WAVE_EXTENSIBLE:
                if size < 40:
                    raise InvalidInput(UNREADABLE)
                fmt = (struct.unpack_from("<H", data, start + 24)[0], *fmt[1:])
        elif chunk_id == b"data" and fmt is not None:
            data_size = size
            break
    if fmt is None or data_size is None:
        raise InvalidInput(UNREADABLE)
    tag, channels, rate, byte_rate, block_align, bits = fmt
    if (
        (tag, bits) not in WAV_FORMATS
        or not 1 <= channels <= MAX_CHANNELS
        or not MIN_HEADER_RATE <= rate <= MAX_HEADER_RATE
        or block_align != channels * bits // 8
        or byte_rate != rate * block_align
    ):
        raise InvalidInput(UNREADABLE)
    if data_size == 0:
        raise InvalidInput(EMPTY)
    if data_size / byte_rate > MAX_SECONDS:
        raise InvalidInput(TOO_LONG)
    return tag


def _check_flac(data: bytes) -> None:
    # fLaC, then the STREAMINFO block: type 0, 34 bytes long.
    if len(data) < 42 or data[4] & 0x7F != 0 or int.from_bytes(data[5:8], "big") != 34:
        raise InvalidInput(UNREADABLE)
    info = int.from_bytes(data[18:26], "big")
    rate, channels, bits = info >> 44, ((info >> 41) & 0x7) + 1, ((info >> 36) & 0x1F) + 1
    samples = info & 0xFFFFFFFFF
    if not MIN_HEADER_RATE <= rate <= MAX_HEADER_RATE or not 8 <= bits <= 32 or channels > MAX_CHANNELS:
        raise InvalidInput(UNREADABLE)
    if samples / rate > MAX_SECONDS:
        raise InvalidInput(TOO_LONG)


def _read_plain(data: bytes) -> sr.AudioData:
    try:
        with sr.AudioFile(io.BytesIO(data)) as source:
            if source.DURATION > MAX_SECONDS:
                raise InvalidInput(TOO_LONG)
            audio = sr.Recognizer().record(source)
    except (ValueError, EOFError, wave.Error, AssertionError, OSError, struct.error):
        raise InvalidInput(UNREADABLE) from None
    raw = audio.get_raw_data(convert_rate=RATE, convert_width=WIDTH)
    return sr.AudioData(raw, RATE, WIDTH)


def _read_with_av(data: bytes, kind: str) -> sr.AudioData:
    import av  # only for uploads sr.AudioFile cannot read

    limit = MAX_SECONDS * RATE * WIDTH
    chunks: list[bytes] = []
    size = 0
    try:
        with av.open(io.BytesIO(data), mode="r", format=AV_FORMATS[kind], metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams or streams[0].codec_context.name not in AV_CODECS:
                raise InvalidInput(UNREADABLE)
            stream = streams[0]
            if (
                not MIN_HEADER_RATE <= (stream.codec_context.sample_rate or 0) <= MAX_HEADER_RATE
                or not 1 <= stream.codec_context.layout.nb_channels <= MAX_CHANNELS
            ):
                raise InvalidInput(UNREADABLE)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = bytes(out.planes[0])[: out.samples * WIDTH]
                    chunks.append(chunk)
                    size += len(chunk)
                if size > limit:
                    raise InvalidInput(TOO_LONG)
            for out in resampler.resample(None):
                chunks.append(bytes(out.planes[0])[: out.samples * WIDTH])
    except (av.FFmpegError, ValueError, IndexError):
        raise InvalidInput(UNREADABLE) from None
    return sr.AudioData(b"".join(chunks), RATE, WIDTH)


def wav_bytes(audio: sr.AudioData) -> bytes:
    """The audio as a PCM WAV file (for tests and the CLI)."""
    return audio.get_wav_data(convert_rate=RATE, convert_width=WIDTH)

"""The corpus of malformed recordings kept in tests/data/bad_audio/: each must get a 400 from
/api/chat/listen and leave the service up. `python -m tests.assistant.speech.bad_audio`
writes the files again; a test checks that the files are what this makes."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "data" / "bad_audio"


def wav(
    tag=1,
    channels=1,
    rate=16_000,
    bits=16,
    data: bytes | None = None,
    byte_rate=None,
    align=None,
    data_size=None,
    riff_size=None,
    extra_fmt=b"",
    chunks=None,
) -> bytes:
    """A RIFF WAVE file with every header field open to being wrong."""
    data = bytes(range(256)) * 8 if data is None else data
    align = (channels * bits // 8) & 0xFFFF if align is None else align
    byte_rate = (rate * align) & 0xFFFFFFFF if byte_rate is None else byte_rate
    fmt = struct.pack("<HHIIHH", tag, channels, rate, byte_rate, align, bits) + extra_fmt
    fmt_chunk = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    data_chunk = b"data" + struct.pack("<I", len(data) if data_size is None else data_size) + data
    body = b"WAVE" + b"".join(chunks if chunks is not None else (fmt_chunk, data_chunk))
    return b"RIFF" + struct.pack("<I", len(body) if riff_size is None else riff_size) + body


def flac(rate=16_000, channels=1, bits=16, samples=16_000, length=34) -> bytes:
    info = (rate << 44) | ((channels - 1) << 41) | ((bits - 1) << 36) | samples
    streaminfo = struct.pack(">HH", 4096, 4096) + b"\x00" * 6 + info.to_bytes(8, "big") + b"\x00" * 16
    return b"fLaC" + bytes([0x80]) + length.to_bytes(3, "big") + streaminfo + b"\xff\xf8" + b"\x00" * 64


def corpus() -> dict[str, bytes]:
    """name -> bytes of every malformed recording."""
    good = wav()
    noise = random.Random(9).randbytes
    extensible = struct.pack("<HHI", 22, 16, 4) + b"\x07\x00" + b"\x00" * 14  # sub-format 7 (mu-law)
    return {
        "empty.wav": b"",
        "truncated_header.wav": good[:30],
        "truncated_data.wav": good[:200],
        "zero_rate.wav": wav(rate=0),
        "max_rate.wav": wav(rate=0xFFFFFFFF),
        "rate_too_low.wav": wav(rate=100),
        "zero_bits.wav": wav(bits=0),
        "float_at_16_bits.wav": wav(tag=3, bits=16),
        "bits_12.wav": wav(bits=12),
        "zero_channels.wav": wav(channels=0),
        "many_channels.wav": wav(channels=4096),
        "block_align_wrong.wav": wav(align=7),
        "byte_rate_wrong.wav": wav(byte_rate=1),
        "huge_data_size.wav": wav(data_size=0xFFFFFFF0),
        "huge_riff_size.wav": wav(riff_size=0xFFFFFFF0),
        "empty_data.wav": wav(data=b""),
        "too_long_by_header.wav": wav(rate=8_000, bits=8, data=b"\x80" * (8_000 * 36)),
        "fmt_too_short.wav": wav(
            chunks=[
                b"fmt " + struct.pack("<I", 8) + b"\x01\x00\x01\x00\x80>\x00\x00",
                b"data\x04\x00\x00\x00\x00\x00\x00\x00",
            ]
        ),
        "no_fmt.wav": wav(chunks=[b"data\x04\x00\x00\x00\x00\x00\x00\x00"]),
        "no_data.wav": wav(chunks=[good[12:36]]),
        "data_before_fmt.wav": wav(chunks=[b"data\x04\x00\x00\x00\x00\x00\x00\x00", good[12:36]]),
        "adpcm.wav": wav(tag=2, bits=4, align=256, byte_rate=4096),
        "mu_law.wav": wav(tag=7, bits=8),
        "extensible_mu_law.wav": wav(tag=0xFFFE, bits=16, extra_fmt=extensible),
        "extensible_too_short.wav": wav(tag=0xFFFE, bits=16),
        "riff_not_wave.wav": b"RIFF" + struct.pack("<I", 100) + b"AVI " + noise(100),
        "aiff.aiff": b"FORM"
        + struct.pack(">I", 4 + 26)
        + b"AIFF"
        + b"COMM"
        + struct.pack(">I", 18)
        + struct.pack(">hIh", 1, 0xFFFFFFFF, 0)
        + b"\x00" * 10,
        "flac_zero_rate.flac": flac(rate=0),
        "flac_wrong_block.flac": flac(length=12),
        "flac_too_long.flac": flac(samples=16_000 * 600),
        "flac_truncated.flac": flac()[:20],
        "webm_header_only.webm": b"\x1a\x45\xdf\xa3" + b"\x00" * 60,
        "ogg_noise.ogg": b"OggS" + noise(2000),
        "mp4_noise.m4a": b"\x00\x00\x00\x18ftypM4A " + noise(2000),
        "png.png": b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\x00" * 17,
        "pdf.pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
        "text.txt": b"I like cooking\n" * 40,
        "gzip.gz": zlib.compress(good),
        "mp3_id3.mp3": b"ID3\x04\x00\x00\x00\x00\x00\x10" + noise(500),
        "random_bytes.bin": noise(4096),
        "riff_random.wav": b"RIFF" + noise(4092),
        "riff_wave_random.wav": b"RIFF" + struct.pack("<I", 4092) + b"WAVE" + noise(4088),
    }


def write() -> None:
    """Write every file of the corpus (and nothing else) into FOLDER."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    for old in FOLDER.iterdir():
        old.unlink()
    for name, data in corpus().items():
        (FOLDER / name).write_bytes(data)


if __name__ == "__main__":
    write()
    print(f"wrote {len(corpus())} files to {FOLDER}")

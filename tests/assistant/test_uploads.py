"""Reading the files staff upload: a pupils CSV and an encounter photo (pure functions; the
web app runs them in the parsing sandbox)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from assistant.errors import InvalidInput
from assistant.uploads import MAX_FILE_BYTES, clean_photo, read_pupils_csv

HEADER = b"reference,given_name,family_name,year_group,group\n"


def test_a_good_csv_becomes_rows_with_their_numbers():
    rows = read_pupils_csv("\ufeff".encode() + HEADER + "A1,Maya,Green,Year 9,Oak class\n\n,Zoë,,,\n".encode())
    assert rows == [
        {
            "row": 2,
            "reference": "A1",
            "given_name": "Maya",
            "family_name": "Green",
            "year_group": "Year 9",
            "group": "Oak class",
        },
        {"row": 4, "reference": "", "given_name": "Zoë", "family_name": "", "year_group": "", "group": ""},
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (HEADER + b"A1,Ma\x00ya,Green,,\n", "NUL byte"),
        (HEADER + b"A1,Ma\xffya,Green,,\n", "not a UTF-8"),
        (b"name,surname\nMaya,Green\n", "must name the columns"),
        (HEADER + b"A1,,Green,,\n", "Row 2"),
        (HEADER + b"A1," + b"x" * 101 + b",,,\n", "Row 2"),
        (HEADER + b"A1,Maya,,," + b"g" * 121 + b"\n", "Row 2"),
        (b"given_name\n" + b"x" * (MAX_FILE_BYTES + 1), "too big"),
    ],
)
def test_bad_csv_files_say_what_is_wrong(data, message):
    with pytest.raises(InvalidInput, match=message):
        read_pupils_csv(data)


def test_csv_quirks_are_read_or_refused_never_crash():
    # Extra fields beyond the header, short rows and quoted newlines all read.
    rows = read_pupils_csv(HEADER + b'A1,Maya,Green,Year 9,Oak,extra,more\nA2,"Jo\nJo"\nA3,Kim\n')
    assert [r["given_name"] for r in rows] == ["Maya", "Jo\nJo", "Kim"]
    with pytest.raises(InvalidInput, match="could not be read"):
        read_pupils_csv(b'given_name\n"a' + b"x" * 200_000 + b'"b"\n' * 2 + b'"' * 3)


def picture(kind: str, size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=kind, **save)
    return out.getvalue()


def test_a_photo_is_saved_anew_without_its_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    data, suffix = clean_photo(picture("JPEG", exif=exif.tobytes()))
    assert suffix == ".jpg"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert not image.getexif()
    data, suffix = clean_photo(picture("PNG", size=(5000, 100)))
    with Image.open(io.BytesIO(data)) as image:
        assert suffix == ".png" and image.size[0] == 2048


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<script>alert(1)</script>",
        picture("GIF"),
        picture("PNG")[:60],  # truncated
        picture("JPEG")[:200],
        b"\x89PNG\r\n\x1a\n" + b"0" * 64,
    ],
)
def test_anything_but_a_whole_jpeg_or_png_is_refused(data):
    with pytest.raises(InvalidInput, match="JPEG or PNG"):
        clean_photo(data)


def test_a_picture_claiming_too_many_pixels_is_refused():
    # A PNG header saying 20000 x 20000 pixels (400 million): a decompression bomb.
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(InvalidInput):
        clean_photo(bomb)

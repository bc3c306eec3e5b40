"""Files staff upload: a CSV of pupils and a photo of an encounter's place.

Each is read by a pure function (bytes in, plain values out) that the web app runs in the
parsing sandbox (assistant/sandbox.py): a file that crashes or floods the parser costs that
one request. A photo is decoded in full and saved anew (orientation applied, EXIF and other
metadata such as GPS dropped, at most MAX_PHOTO_SIDE pixels a side), so what is kept and
shown is a picture this code wrote.
"""

from __future__ import annotations

import csv
import io

from assistant.errors import InvalidInput
from assistant.sandbox import Limits, SandboxFailed, shared_sandbox

# The size the staff pages promise for a CSV file or a photo.
MAX_FILE_BYTES = 5 * 1024 * 1024
CSV_COLUMNS = ("reference", "given_name", "family_name", "year_group", "group")
MAX_ROWS = 10_000
MAX_PHOTO_SIDE = 2048
MAX_PHOTO_PIXELS = 40_000_000  # a 5 MB file that claims more is a decompression bomb
PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png"}
PARSING_LIMITS = Limits(memory_mb=1024, cpu_seconds=20, timeout=30, start_timeout=30)


def parse(function, data: bytes):
    """`function(data)` in the parsing sandbox; InvalidInput when the file made it crash,
    hang or run out of memory."""
    try:
        return shared_sandbox("parse", PARSING_LIMITS).run(function, data)
    except SandboxFailed:
        raise InvalidInput("That file could not be read. Please check it and try again.") from None


def read_pupils_csv(data: bytes) -> list[dict]:
    """The rows of a pupils CSV (UTF-8, a header row naming the columns, given_name needed),
    each a dict of CSV_COLUMNS plus its row number; InvalidInput saying what is wrong."""
    if not data or not data.strip():
        raise InvalidInput("The CSV file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("The CSV file is too big (5 MB at most).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not a UTF-8 CSV file.") from None
    if "\x00" in text:
        raise InvalidInput("The file is not a CSV file (it holds a NUL byte).")
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        if "given_name" not in header:
            raise InvalidInput(f"The first row must name the columns: {', '.join(CSV_COLUMNS)}.")
        for raw in reader:
            number = reader.line_num
            row = {
                (k or "").strip().lower(): (v if isinstance(v, str) else "").strip()
                for k, v in raw.items()
                if isinstance(k, str)
            }
            if not any(row.values()):
                continue
            if (
                not row.get("given_name")
                or len(row["given_name"]) > 100
                or len(row.get("family_name", "")) > 100
                or len(row.get("reference", "")) > 50
                or len(row.get("year_group", "")) > 50
                or len(row.get("group", "")) > 120
            ):
                raise InvalidInput(
                    f"Row {number}: a given name (at most 100 characters) is "
                    "needed, and each other value must be short."
                )
            rows.append({"row": number, **{key: row.get(key, "") for key in CSV_COLUMNS}})
            if len(rows) > MAX_ROWS:
                raise InvalidInput(f"At most {MAX_ROWS} pupils at a time.")
    except csv.Error:
        raise InvalidInput(f"Row {reader.line_num}: this line could not be read as CSV.") from None
    return rows


def clean_photo(data: bytes) -> tuple[bytes, str]:
    """A JPEG or PNG photo decoded and saved anew: (bytes, ".jpg" or ".png");
    InvalidInput for anything else, a broken picture or one too large."""
    # Pillow is loaded in the sandbox's worker, where the picture is decoded, not in the app.
    from PIL import Image, ImageFile, ImageOps

    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("The photo is too big (5 MB at most).")
    Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS
    # A truncated picture is refused, whatever another library in this process allowed.
    truncated_allowed, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(io.BytesIO(data), formats=list(PHOTO_FORMATS)) as image:
            kind = image.format
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise InvalidInput("The photo has too many pixels.")
            image.load()
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
            out = io.BytesIO()
            if kind == "JPEG":
                picture.convert("RGB").save(out, format="JPEG", quality=88)
            else:
                picture.save(out, format="PNG", optimize=True)
    except InvalidInput:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError):
        raise InvalidInput("The photo must be a JPEG or PNG picture.") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed
    return out.getvalue(), PHOTO_FORMATS[kind]

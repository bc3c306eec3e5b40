"""Symbol pictures for reports: data URIs for HTML and PDF, PNG bytes for Word.

Word cannot hold SVG, so SVG symbols (the default OpenMoji set) are rasterised with
`rsvg-convert` (Debian package librsvg2-bin) when it is installed; without it, Word
documents show the concept's label instead of the picture (`can_rasterise()` says which).
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import shutil
import subprocess
from pathlib import Path

from symbols.catalogue import Concept
from symbols.sets import SymbolSets, media_type

log = logging.getLogger(__name__)
PNG_PIXELS = 144


def can_rasterise() -> bool:
    """True when SVG symbols can become PNG (rsvg-convert is on the PATH)."""
    return shutil.which("rsvg-convert") is not None


@functools.lru_cache(maxsize=512)
def _data_uri(path: Path, mtime: int) -> str:
    return f"data:{media_type(path)};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@functools.lru_cache(maxsize=512)
def _png_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@functools.lru_cache(maxsize=512)
def _png(path: Path, mtime: int, pixels: int) -> bytes | None:
    suffix = path.suffix.lower()
    if suffix == ".png":
        return path.read_bytes()
    if suffix == ".svg":
        tool = shutil.which("rsvg-convert")
        if tool is None:
            return None
        try:
            done = subprocess.run(
                [tool, "-w", str(pixels), "-h", str(pixels), "-a", "-f", "png", str(path)],
                capture_output=True,
                timeout=20,
                check=True,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            log.warning("could not rasterise symbol %s: %s", path.name, exc)
            return None
        return done.stdout
    from PIL import Image  # JPEG and WebP: Word takes JPEG, but one format keeps sizes even

    with Image.open(path) as image:
        out = io.BytesIO()
        image.convert("RGBA").save(out, format="PNG")
        return out.getvalue()


class SymbolImages:
    """The pictures of one symbol set (the pupil's), falling back to the default set."""

    def __init__(
        self,
        symbol_set: str = "openmoji",
        sets: SymbolSets | None = None,
        raster: bool = False,
        school_id: int | None = None,
        sets_root: Path | None = None,
    ):
        self.symbol_set = symbol_set
        # PDFs take PNG: WeasyPrint redraws an SVG at every place it appears, slow in long documents.
        self.raster = raster
        # The pupil's school's own sets (and the shared default), never another school's; the
        # folder of every school's sets (<instance>/symbol_sets) comes from the caller.
        self.sets = sets or SymbolSets.for_school(sets_root, school_id)
        self.used: set[str] = set()
        # One document shows the same few dozen symbols hundreds of times: look each up once.
        self._found: dict[str, tuple[str, Path] | None] = {}

    def path(self, concept: Concept) -> Path | None:
        """The picture file of a concept's symbol, or None."""
        if concept.symbol not in self._found:
            self._found[concept.symbol] = self.sets.resolve(self.symbol_set, concept.symbol)
        found = self._found[concept.symbol]
        if found is None:
            return None
        self.used.add(found[0])
        return found[1]

    def data_uri(self, concept: Concept) -> str | None:
        """The picture as a data: URI (HTML pages and PDFs carry their pictures)."""
        path = self.path(concept)
        if path is None:
            return None
        if self.raster and path.suffix.lower() == ".svg":
            png = _png(path, path.stat().st_mtime_ns, PNG_PIXELS)
            if png:
                return _png_uri(png)
        return _data_uri(path, path.stat().st_mtime_ns)

    def png(self, concept: Concept, pixels: int = PNG_PIXELS) -> bytes | None:
        """The picture as PNG bytes, or None when it cannot be made."""
        path = self.path(concept)
        return _png(path, path.stat().st_mtime_ns, pixels) if path else None

    def credits(self) -> list[str]:
        """Attribution lines for the sets whose pictures were used (licences ask for them)."""
        lines = []
        for name in sorted(self.used or {self.symbol_set}):
            try:
                info = self.sets.get(name).info
            except LookupError:
                continue
            lines.append(info.get("attribution") or info.get("title") or name)
        return lines

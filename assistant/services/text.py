"""Plain text from people: names and titles shown on staff pages, in documents and the CSV.

Bidirectional controls (the right-to-left override and its kin) are dropped from names and
titles: in one, they reverse the text after them and spoof what a page or a spreadsheet
shows. Zero-width joiners are kept everywhere: they join emoji (👩‍🍳) and letters of some
scripts, and dropping them changes what a pupil said."""

from __future__ import annotations

import unicodedata

# LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI; LRM, RLM; the Arabic letter mark.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean_name(value: object) -> str:
    """A one-line name or title: bidi and other control characters dropped, spaces collapsed."""
    text = str(value or "")
    text = "".join(ch for ch in text if ch not in BIDI_CONTROLS and unicodedata.category(ch) not in ("Cc", "Cs"))
    return " ".join(text.split())


def clean_note(value: object) -> str:
    """Several lines (notes): bidi controls and control characters but line breaks dropped."""
    text = str(value or "")
    return "".join(
        ch for ch in text if ch in "\n\t" or (ch not in BIDI_CONTROLS and unicodedata.category(ch) not in ("Cc", "Cs"))
    ).strip()

"""Tokens, indexed forms and matches: the values the matcher's steps pass along."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.matcher.spelling import load_lemma_table, norm_word


@dataclass
class Tok:
    """A normalised input token with its character span."""

    norm: str
    lemma: str
    start: int
    end: int
    orig: str


@dataclass(frozen=True)
class Form:
    """One indexed way of saying a concept."""

    words: tuple[str, ...]
    type: str
    value: str
    text: str


@dataclass
class Match:
    """A concept found over content tokens [i, j) with a match quality (0 best)."""

    i: int
    j: int
    type: str
    value: str
    quality: int
    form: Form
    clause: int = 0
    place: bool = False


def prepare(tokens: Iterable, text: str | None = None) -> list[Tok]:
    """Normalise tokens: glue pieces spaCy split off a word ("do"+"nt" -> "dont")."""
    out: list[Tok] = []
    for t in tokens:
        get = t.get if isinstance(t, dict) else (lambda k, t=t: getattr(t, k, None))
        raw = get("text") or ""
        start, end = get("start"), get("end")
        lemma = get("lemma") or raw
        n = norm_word(raw)
        if not re.search(r"[a-z0-9]", n):
            continue
        n = re.sub(r"[^a-z0-9]", "", n)
        if (
            out
            and start is not None
            and out[-1].end == start
            and (raw[:1] in "'\u2019" or n in ("nt", "s", "m", "d", "ll", "re", "ve", "t"))
        ):
            prev = out[-1]
            out[-1] = Tok(prev.norm + n, prev.norm + n, prev.start, end, prev.orig + raw)
            continue
        out.append(Tok(n, norm_word(lemma), start, end, raw))
    return out


def tokenize(text: str) -> list[dict]:
    """A plain tokenizer for callers without spaCy: words with their offsets, and the
    lemma from the same lookup table the Rasa pipeline's lemmatizer uses."""
    lemmas = load_lemma_table()
    return [
        {"text": m.group(0), "lemma": lemmas.get(m.group(0).lower()), "start": m.start(), "end": m.end()}
        for m in re.finditer(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*", text)
    ]

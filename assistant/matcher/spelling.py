"""Words as the matcher compares them: normalised, stemmed, sounded out, and the English
word lists (spacy-lookups-data's files, read without importing spaCy)."""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import re
from pathlib import Path

# Valid Roman numerals ("xxv") are in the lemma tables but are no answer.
ROMAN_RE = re.compile(r"^m{0,4}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def norm_word(word: str) -> str:
    """Lower-case a word and drop apostrophes, so "Don't" and "dont" are alike."""
    return re.sub(r"['\u2019\u2018`]", "", word.lower())


def split_words(text: str) -> list[str]:
    """Normalised words of a phrase ("make-up" -> ["make", "up"])."""
    return re.findall(r"[a-z0-9]+", norm_word(text))


@functools.lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A crude English stem, enough to equate "cooked", "cooking", "cooks" and "cook"."""
    w = word
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("in", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("e", ""),
    ):
        if len(w) - len(suffix) >= 3 and w.endswith(suffix):
            if suffix == "in" and not w.endswith(
                ("kin", "tin", "nin", "din", "pin", "cin", "win", "lin", "sin", "min", "rin")
            ):
                continue
            if suffix == "s" and w.endswith("ss"):
                continue
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # "swimm" -> "swim", "shopp" -> "shop"
    return w


@functools.lru_cache(maxsize=20000)
def skeleton(word: str) -> str:
    """A rough sound key: "electrishun" and "electrician" share "electrishn"."""
    w = word
    for pat, rep in (
        (r"(tion|sion|cian|shun|shon|shan|chun)", "shn"),
        (r"ph", "f"),
        (r"ck|q", "k"),
        (r"wh", "w"),
        (r"ou", "o"),
        (r"ee|ea|ie", "i"),
        (r"y$", "i"),
        (r"ey$", "i"),
        (r"z", "s"),
        (r"(.)\1+", r"\1"),
    ):
        w = re.sub(pat, rep, w)
    return w


def max_edits(length: int) -> int:
    """Edits allowed for a word of this length: none for short words."""
    if length < 5:
        return 0
    if length < 8:
        return 1
    if length < 11:
        return 2
    return 3


def squeeze(word: str) -> set[str]:
    """Spellings of a word with stretched letters undone ("yesss" -> "yes", "nooo" -> "no", "hiii" -> "hi")."""
    return {
        word,
        re.sub(r"(.)\1{2,}", r"\1", word),
        re.sub(r"(.)\1{2,}", r"\1\1", word),
        re.sub(r"(.)\1+", r"\1", word),
    }


def _lookups_file(name: str) -> Path | None:
    """A file of the spacy-lookups-data package, or None when the package is missing."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / name
    return path if path.is_file() else None


@functools.lru_cache(maxsize=1)
def load_common_words(max_rank_logprob: float = -13.0) -> frozenset:
    """Common English words (spacy-lookups-data's lexeme probabilities), never fuzzy-matched.

    Read straight from the data package's file, without importing spaCy. An empty set
    when the package is missing (fuzzy matching is then only limited by length).
    """
    path = _lookups_file("en_lexeme_prob.json.gz")
    if path is None:
        return frozenset()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        probs = json.load(fh)
    return frozenset(w for w, p in probs.items() if p >= max_rank_logprob and w.isalpha())


@functools.lru_cache(maxsize=1)
def load_lemma_table() -> dict:
    """spacy-lookups-data's English lemma table (form -> lemma), read without spaCy."""
    path = _lookups_file("en_lemma_lookup.json.gz")
    if path is None:
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=1)
def load_known_words() -> frozenset:
    """English words: spacy-lookups-data's lemma table (forms and lemmas) and the common words.

    Rare "words" of the frequency list ("qqq", "asdf") are left out on purpose.
    """
    words = set(load_common_words())
    for form, lemma in load_lemma_table().items():
        for w in (form, lemma):
            w = norm_word(w)
            if w.isalpha() and not (len(w) > 1 and ROMAN_RE.match(w) and w not in words):
                words.add(w)
    return frozenset(words)

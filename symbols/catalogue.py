"""The symbol catalogue: every vocabulary concept with its label, symbol and alt text.

The catalogue is plain data (catalogue.yml beside this file). The NLU matcher reads the
`say` lists, the dialogue reads labels and symbol ids, the widget shows the symbols.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yml")
KEYWORDS_PATH = Path(__file__).with_name("keywords.yml")
# The concept ids the project started from; the catalogue must keep every one of them.
VOCABULARY_PATH = Path(__file__).with_name("vocabulary.yml")

WORD_RE = re.compile(r"[\w']+|[^\w\s]+")
PUNCTUATION = set(".,;:!?\"'()-\u201c\u201d\u2026")
QUOTES = ('"', "\u201c")


@dataclass(frozen=True)
class Concept:
    """One vocabulary concept: an answer a pupil can give."""

    id: str
    type: str
    label: str
    symbol: str
    alt: str
    pfa: str | None = None
    say: tuple[str, ...] = ()

    def card(self) -> dict:
        """The answer card the widget shows for this concept."""
        return {"concept": self.id, "type": self.type, "label": self.label, "symbol": self.symbol, "alt": self.alt}


@dataclass
class Catalogue:
    """All concepts by id, and the symbol of each key word used in prompts."""

    concepts: dict[str, Concept]
    keywords: dict[str, str] = field(default_factory=dict)
    keyword_phrases: dict[str, str] = field(default_factory=dict)  # "don't like" -> dont_like

    def get(self, concept_id: str) -> Concept | None:
        """The concept with this id, or None."""
        return self.concepts.get(concept_id)

    def of_type(self, concept_type: str) -> list[Concept]:
        """All concepts of one entity type, in catalogue order."""
        return [c for c in self.concepts.values() if c.type == concept_type]

    @property
    def types(self) -> list[str]:
        """The entity types, in catalogue order."""
        return list(dict.fromkeys(c.type for c in self.concepts.values()))

    def symbol_for_word(self, word: str) -> str | None:
        """The symbol id for a key word of a prompt, or None for a word shown without one."""
        w = word.lower().strip("'")
        if w in self.keywords:
            return self.keywords[w]
        for candidate in (w[:-1] if w.endswith("s") else None, w[:-3] if w.endswith("ing") else None):
            if candidate and candidate in self.keywords:
                return self.keywords[candidate]
        return None

    def symbolise(self, text: str, extra: dict[str, str] | None = None) -> list[dict]:
        """Split a prompt into words, each with the symbol shown above it (or None).

        Key phrases ("don't like", "not sure") and a concept's label inside the prompt
        ("buses and trains") are kept together and carry their symbol; `extra` adds or
        overrides such phrases. A quote mark opens on the word after it.
        """
        phrases = dict(self.keyword_phrases)
        phrases.update(self.phrases)
        phrases.update({k.lower(): v for k, v in (extra or {}).items()})
        pattern = _phrase_pattern(tuple(sorted(phrases, key=len, reverse=True)))
        out: list[dict] = []
        opening = ""  # a quote mark that opens on the next word
        i = 0
        while i < len(text):
            hit = pattern.match(text, i) if pattern else None
            if hit:
                out.append({"text": opening + hit.group(0), "symbol": phrases[hit.group(0).lower()]})
                opening, i = "", hit.end()
                continue
            m = WORD_RE.match(text, i)
            if not m:
                i += 1
                continue
            token, i = m.group(0), m.end()
            if set(token) <= PUNCTUATION:
                if token.endswith(QUOTES) and i < len(text) and not text[i].isspace():
                    token, opening = token[:-1], token[-1]
                if token and out:
                    out[-1]["text"] += token  # punctuation rides on the word before it
                elif token:
                    opening = token + opening
            else:
                out.append({"text": opening + token, "symbol": self.symbol_for_word(token)})
                opening = ""
        if opening:
            out.append({"text": opening, "symbol": None})
        return out

    @functools.cached_property
    def phrases(self) -> dict[str, str]:
        """Concept labels as they appear in prompts ("buses and trains", "your family")."""
        out: dict[str, str] = {}
        for concept in self.concepts.values():
            label = concept.label.lower()
            for variant in (label, re.sub(r"\bmy\b", "your", label), re.sub(r"\bme\b", "you", label)):
                out.setdefault(variant, concept.symbol)
        return out


@functools.lru_cache(maxsize=256)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    if not phrases:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, phrases)) + r")(?![\w'])", re.I)


@functools.lru_cache(maxsize=4)
def load_catalogue(path: str | Path = CATALOGUE_PATH, keywords_path: str | Path = KEYWORDS_PATH) -> Catalogue:
    """Load the catalogue and the prompt key words from YAML (cached: read-only at run time)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    concepts: dict[str, Concept] = {}
    for concept_type, entries in data["concepts"].items():
        for concept_id, info in entries.items():
            if concept_id in concepts:
                raise ValueError(f"concept id {concept_id!r} appears twice in the catalogue")
            concepts[concept_id] = Concept(
                id=concept_id,
                type=concept_type,
                label=info["label"],
                symbol=info.get("symbol", concept_id),
                alt=info.get("alt", info["label"]),
                pfa=info.get("pfa"),
                say=tuple(str(s) for s in info.get("say") or ()),
            )
    keyword_data = yaml.safe_load(Path(keywords_path).read_text(encoding="utf-8"))
    keywords = {str(k).lower(): str(v) for k, v in (keyword_data.get("keywords") or {}).items()}
    phrases = {str(k).lower(): str(v) for k, v in (keyword_data.get("phrases") or {}).items()}
    return Catalogue(concepts=concepts, keywords=keywords, keyword_phrases=phrases)

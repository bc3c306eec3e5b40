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
VOCABULARY_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "vocabulary.yml"

WORD_RE = re.compile(r"[A-Za-z']+|[^\sA-Za-z']+")


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
        return {"concept": self.id, "type": self.type, "label": self.label,
                "symbol": self.symbol, "alt": self.alt}


@dataclass
class Catalogue:
    """All concepts by id, and the symbol of each key word used in prompts."""

    concepts: dict[str, Concept]
    keywords: dict[str, str] = field(default_factory=dict)

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

        `extra` maps phrases of this prompt (concept labels) to their symbol ids, so a
        label such as "Buses and trains" carries the concept's own symbol.
        """
        extra = {k.lower(): v for k, v in (extra or {}).items()}
        out: list[dict] = []
        lowered = text.lower()
        i = 0
        while i < len(text):
            hit = None
            for phrase in sorted(extra, key=len, reverse=True):
                if lowered.startswith(phrase, i) and _at_word_edge(lowered, i, len(phrase)):
                    hit = phrase
                    break
            if hit:
                out.append({"text": text[i:i + len(hit)], "symbol": extra[hit]})
                i += len(hit)
                continue
            m = WORD_RE.match(text, i)
            if not m:
                i += 1
                continue
            token = m.group(0)
            if token[0].isalpha():
                out.append({"text": token, "symbol": self.symbol_for_word(token)})
            elif out and not token.isspace():
                out[-1]["text"] += token  # punctuation rides on the word before it
            i = m.end()
        return out


def _at_word_edge(text: str, start: int, length: int) -> bool:
    end = start + length
    before_ok = start == 0 or not text[start - 1].isalnum()
    after_ok = end >= len(text) or not text[end].isalnum()
    return before_ok and after_ok


@functools.lru_cache(maxsize=4)
def load_catalogue(path: str | Path = CATALOGUE_PATH) -> Catalogue:
    """Load the catalogue from YAML (cached: it is read-only at run time)."""
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
    keywords = {str(k).lower(): str(v) for k, v in (data.get("keywords") or {}).items()}
    return Catalogue(concepts=concepts, keywords=keywords)

"""ConceptMatcher: the catalogue's concepts indexed as word sequences, found in a message's
tokens, then passed through the rules (rules.py) with the context of each clause."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from rapidfuzz.distance import OSA

from assistant.matcher import rules
from assistant.matcher.context import clauses_of, read_context
from assistant.matcher.spelling import (
    load_common_words,
    load_known_words,
    max_edits,
    norm_word,
    skeleton,
    split_words,
    squeeze,
    stem,
)
from assistant.matcher.tokens import Form, Match, Tok, prepare, tokenize
from assistant.matcher.words import (
    CASE_SENSITIVE_FORMS,
    EXTRA_FORMS,
    NO_ENTITY_INTENTS,
    NO_ENTITY_TYPES,
    SKIP_WORDS,
    SLANG_WORDS,
)
from symbols.catalogue import load_catalogue


class ConceptMatcher:
    """Finds catalogue concepts in token lists and applies the annotation conventions."""

    def __init__(self, concepts: dict, common_words: Iterable[str] | None = None, extra_forms: dict | None = None):
        self.common_words = frozenset(common_words) if common_words is not None else load_common_words()
        self.forms: list[Form] = []
        self.types = {}
        for cid, concept in concepts.items():
            self.types[cid] = concept.type
            texts = [concept.label, cid.replace("_", " "), *concept.say]
            for text in texts:
                self._add_form(text, concept.type, cid)
        for (ctype, cid), texts in (EXTRA_FORMS if extra_forms is None else extra_forms).items():
            if cid in self.types:
                for text in texts:
                    self._add_form(text, ctype, cid)
        self.by_first: dict[str, list[Form]] = {}
        for form in self.forms:
            self.by_first.setdefault(form.words[0], []).append(form)
        self.vocab = sorted({w for f in self.forms for w in f.words})
        self.vocab_by_stem: dict[str, set] = {}
        for w in self.vocab:
            self.vocab_by_stem.setdefault(stem(w), set()).add(w)

    @classmethod
    def from_catalogue(cls, **kwargs) -> ConceptMatcher:
        """A matcher over the project's symbol catalogue."""
        return cls(load_catalogue().concepts, **kwargs)

    def _add_form(self, text: str, ctype: str, cid: str) -> None:
        words = [w for w in split_words(text) if w not in SKIP_WORDS] or split_words(text)
        if ctype == "rating" or not words:
            return  # ratings are found by rules (see rules.ratings), not by phrase
        seen = {(f.words, f.value) for f in self.forms[-50:]}
        variants = [tuple(words)]
        if len(words) == 2 and len(words[0]) + len(words[1]) >= 6:
            variants.append((words[0] + words[1],))  # "zoo keeper" -> "zookeeper"
        for v in variants:
            if (v, cid) not in seen:
                self.forms.append(Form(v, ctype, cid, text))

    # ----------------------------------------------------------------- tokens

    prepare = staticmethod(prepare)
    tokenize = staticmethod(tokenize)

    # ----------------------------------------------------------------- word matching

    def _word_candidates(self, tok: Tok, fuzzy: bool = True) -> dict[str, int]:
        """Vocabulary words this token can stand for, with quality 0 exact, 1 stem, 2 fuzzy."""
        found: dict[str, int] = {}
        w = tok.norm
        if w in self.by_first or w in self.vocab_by_stem.get(stem(w), ()):
            found[w] = 0
        # Common words compare by their real lemma only ("made" is not "mad"); unknown
        # spellings also by the crude stem ("cookin" ~ "cook").
        keys = {tok.lemma}
        if tok.lemma != w:
            keys.add(stem(tok.lemma))
        if w not in self.common_words:
            keys.add(stem(w))
        if len(w) >= 5 and w.endswith("er"):
            keys.add(stem(w[:-2]))  # agent nouns: "runner" ~ "running", "dancer" ~ "dance"
            keys.add(stem(w[:-3]))  # "swimmer" ~ "swim"
        for key in keys:
            for v in self.vocab_by_stem.get(key, ()):
                found.setdefault(v, 1)
            if key in self.vocab_by_stem.get(stem(key), ()):
                found.setdefault(key, 1)
        if found or not fuzzy or w in self.common_words or w.isdigit():
            return found
        limit = max_edits(len(w))
        if not limit:
            return found
        sk = skeleton(w)
        for v in self.vocab:
            if abs(len(v) - len(w)) > limit or v[0] != w[0] or len(v) < 5:
                continue
            d = min(OSA.distance(w, v, score_cutoff=limit), OSA.distance(sk, skeleton(v), score_cutoff=limit))
            if d <= min(limit, max_edits(len(v))):
                found.setdefault(v, 2)
        return found

    def _find_forms(self, toks: list[Tok], content: list[int]) -> list[Match]:
        """All phrase matches over the content tokens (determiners skipped)."""
        cands = [self._word_candidates(toks[k]) for k in content]
        # Two input words written apart can be one vocabulary word ("skate board" style).
        joined = []
        for a in range(len(content) - 1):
            t1, t2 = toks[content[a]], toks[content[a + 1]]
            glued = Tok(t1.norm + t2.norm, t1.norm + t2.norm, t1.start, t2.end, t1.orig + t2.orig)
            # Glued words match exactly or by stem only: fuzzy joins invent words.
            joined.append(self._word_candidates(glued, fuzzy=False) if len(glued.norm) >= 6 else {})
        matches: list[Match] = []
        for a in range(len(content)):
            for word, q in cands[a].items():
                for form in self.by_first.get(word, ()):
                    quality, ok, b = q, True, a + 1
                    for fw in form.words[1:]:
                        if b < len(content) and fw in cands[b]:
                            quality = max(quality, cands[b][fw])
                            b += 1
                        else:
                            ok = False
                            break
                    if ok:
                        matches.append(Match(a, b, form.type, form.value, quality, form))
            if a < len(joined):
                for word, q in joined[a].items():
                    for form in self.by_first.get(word, ()):
                        if len(form.words) == 1 and q < 2:
                            matches.append(Match(a, a + 2, form.type, form.value, 1, form))
        return [m for m in matches if self._case_ok(m, toks, content)]

    @staticmethod
    def _case_ok(m: Match, toks: list[Tok], content: list[int]) -> bool:
        if m.j - m.i == 1 and m.form.words[0] in CASE_SENSITIVE_FORMS:
            want = CASE_SENSITIVE_FORMS[m.form.words[0]]
            return toks[content[m.i]].orig == want
        if m.form.words == ("ta",):
            # "ta" is also "thanks": only "TA" or "my/a/the TA" is the assistant.
            k = content[m.i]
            return toks[k].orig == "TA" or (k > 0 and toks[k - 1].norm in {"my", "a", "the", "his", "her", "their"})
        return True

    # ----------------------------------------------------------------- gibberish

    def is_known_word(self, word: str) -> bool:
        """An English word, a catalogue word (also misspelt), a number or a known short answer."""
        w = norm_word(word)
        w = re.sub(r"[^a-z0-9]", "", w)
        if not w or any(ch.isdigit() for ch in w):
            return True  # numbers, "ps5", "10/10", "gr8": not keyboard mashing
        known = load_known_words()
        for v in squeeze(w):
            if len(v) == 1:
                if v in SLANG_WORDS or v in "ia" and v == w:
                    return True
                continue  # "q", "qqq", "hhhh": single letters say nothing
            if v in known or v in SLANG_WORDS or v in self.by_first or v in self.vocab_by_stem.get(stem(v), ()):
                return True
        return bool(self._word_candidates(Tok(w, w, 0, len(w), w)))

    def is_gibberish(self, tokens: Iterable, text: str | None = None) -> bool:
        """True when the message has letters but no token is a word anyone would type as an answer.

        Keyboard mashing ("asdfgh", "qqq xxv") must not be taken for "stop" or "yes".
        Messages without letters (emoji, "?") are left to the classifier.
        """
        toks = self.prepare(tokens, text)
        words = [t for t in toks if re.search(r"[a-z]", t.norm)]
        if not words:
            return False
        return not any(
            self.is_known_word(t.norm) or (t.lemma and t.lemma != t.norm and self.is_known_word(t.lemma)) for t in toks
        )

    # ----------------------------------------------------------------- public API

    def match_text(self, text: str, intent: str | None = None, expect: tuple[str, ...] | None = None) -> list[dict]:
        """Concept entities in a text, tokenised without spaCy."""
        return self.find(self.tokenize(text), text=text, intent=intent, expect=expect)

    def find(
        self,
        tokens: Iterable,
        text: str | None = None,
        intent: str | None = None,
        expect: tuple[str, ...] | None = None,
    ) -> list[dict]:
        """Concept entities in a token list (dicts or objects with text, lemma, start, end).

        `intent` (the classifier's guess) only breaks ties where the words alone do not
        say whether the pupil states a need or an aspiration.
        `expect` is the question in hand: the concept types that answer it, in order
        ("*" for any). A span that names concepts of several types takes an expected one,
        and the question itself can frame the answer ("What help do you need?" makes a
        support concept a need without "I need").
        Returns dicts {entity, value, start, end, confidence, text}.
        """
        toks = self.prepare(tokens, text)
        if not toks:
            return []
        content = [k for k, t in enumerate(toks) if t.norm not in SKIP_WORDS]
        words = [t.norm for t in toks]
        clauses = clauses_of(words)
        ctx = read_context(words, clauses, intent, expect)
        raw = self._find_forms(toks, content)
        for m in raw:
            m.clause = clauses[content[m.i]]
        chosen = rules.select(raw, ctx)
        chosen = [m for m in chosen if rules.keep(rules.Spot(m, toks, content, words, ctx, intent))]
        chosen = rules.apply_clause_rules(chosen, ctx)
        out = [self._entity(m, toks, content) for m in chosen]
        out += rules.ratings(toks, words, intent, out)
        if intent in NO_ENTITY_INTENTS:
            out = [e for e in out if e["entity"] not in NO_ENTITY_TYPES]
        out.sort(key=lambda e: (e["start"], e["entity"]))
        return out

    @staticmethod
    def _entity(m: Match, toks: list[Tok], content: list[int]) -> dict:
        a, b = toks[content[m.i]], toks[content[m.j - 1]]
        return {
            "entity": m.type,
            "value": m.value,
            "start": a.start,
            "end": b.end,
            "confidence": (1.0, 0.9, 0.75)[m.quality],
            "text": m.form.text,
        }


@functools.lru_cache(maxsize=1)
def default_matcher() -> ConceptMatcher:
    """The catalogue matcher, built once."""
    return ConceptMatcher.from_catalogue()

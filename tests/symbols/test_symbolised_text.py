"""Symbols for meaning, not for every word: every prompt, check-back and read-back of every
conversation is rendered, and the test fails when a negation sits under a positive symbol,
when a function word gets a symbol, or when one concept is shown with two symbols."""

from __future__ import annotations

import re

import pytest

from assistant.conversation.engine import Context, Engine, Turn
from assistant.conversation.plans import (
    ANYTHING_ELSE_STEP,
    INTRODUCTIONS,
    PLANS,
    RATING_CLAUSES,
    RECALL_STEP,
    describe,
    first_person,
    recall_subject,
)
from symbols.catalogue import load_catalogue

POSITIVE = {"like", "happy", "good", "yes", "excited", "proud", "calm", "ok", "important"}
NEGATION = re.compile(r"\b(not|never|no)\b|n't\b", re.I)
FUNCTION_WORDS = {
    "you",
    "your",
    "i",
    "me",
    "my",
    "a",
    "an",
    "the",
    "is",
    "was",
    "were",
    "are",
    "to",
    "at",
    "of",
    "and",
    "do",
    "does",
    "did",
    "what",
    "where",
    "how",
    "it",
    "that",
    "this",
    "let's",
    "that's",
    "about",
    "with",
    "in",
    "on",
    "for",
    "be",
    "would",
    "will",
    "there",
    "one",
    "which",
    "can",
    "any",
    "anything",
    "or",
    "when",
}


def _sentences(catalogue) -> list[str]:
    """Everything the assistant can say about an answer, in every conversation."""
    texts = list(INTRODUCTIONS.values()) + [ANYTHING_ELSE_STEP.question]
    for steps in PLANS.values():
        for step in steps:
            texts += [step.text("Hilltop Garden Centre"), step.simple.format(place="it")]
            if step.board == "scale":
                texts += list(RATING_CLAUSES[step.stance].values())
                continue
            for concept in catalogue.concepts.values():
                if concept.type in step.types:
                    for stance in {step.stance, "like", "dont_like", "hard", "liked", "worry", "need", "dont_want"}:
                        clause = describe(stance, [concept])
                        texts += ["You told me: " + clause + ". Is that right?", first_person(clause)]
    for concept in catalogue.concepts.values():
        if concept.type in ("feeling", "rating"):
            continue  # feelings and ratings are never recalled (assistant.conversation.engine)
        subject = recall_subject(concept)
        texts.append(RECALL_STEP.question.format(place=subject))
        texts += [c.format(x=subject) for c in RATING_CLAUSES["recall"].values()]
    return texts


def _said_in_conversations(catalogue) -> list[dict]:
    """The messages of real turns: check-backs, stop questions, fallbacks and the end."""
    messages = []
    for conversation in PLANS:
        ctx = Context(catalogue=catalogue, conversation=conversation, pupil_name="Sam", place="Hilltop Garden Centre")
        state = None
        for words in ["i dont like swimming", "blorp", "stop", "cooking", "happy", "yes"]:
            reply = (
                Engine(ctx, state).start()
                if state is None
                else Engine(ctx, state).answer(Turn("nlu_fallback", [], words, confidence=0.3))
            )
            state = reply.state
            messages += reply.messages
    return messages


@pytest.fixture(scope="module")
def rendered():
    catalogue = load_catalogue()
    out = [(text, catalogue.symbolise(text)) for text in _sentences(catalogue)]
    out += [(m["text"], m["symbols"]) for m in _said_in_conversations(catalogue)]
    return out


def test_a_negation_never_sits_under_a_positive_symbol(rendered):
    clashes = []
    for text, words in rendered:
        for k, word in enumerate(words):
            before = ""  # the two words before, in the same sentence
            for w in reversed(words[max(0, k - 2) : k]):
                if w["text"].endswith((".", "?", "!", ":")):
                    break
                before = w["text"] + " " + before
            if word["symbol"] in POSITIVE and (NEGATION.search(word["text"]) or NEGATION.search(before)):
                clashes.append((text, word["text"]))
    assert clashes == []


def test_function_words_get_no_symbol(rendered):
    symbolised = {
        (w["text"].strip('.,;:!?"\u201c\u201d').lower(), w["symbol"])
        for _, words in rendered
        for w in words
        if w["symbol"]
    }
    assert {(w, s) for w, s in symbolised if w in FUNCTION_WORDS} == set()


def test_each_concept_has_one_symbol_everywhere(rendered):
    catalogue = load_catalogue()
    label_symbols: dict[str, set] = {}
    for _, words in rendered:
        for word in words:
            key = word["text"].strip('.,;:!?"\u201c\u201d').lower()
            label_symbols.setdefault(key, set()).add(word["symbol"])
    for concept in catalogue.concepts.values():
        for label in {concept.label.lower(), concept.label.lower().replace("my ", "your ")}:
            shown = label_symbols.get(label, set())
            assert shown <= {concept.symbol}, (concept.id, label, shown)


@pytest.mark.parametrize(
    "text,symbol_of",
    [
        ("What don't you like doing?", {"don't you like": "dont_like"}),
        ("What do you think about doing a job like that?", {"a job like that?": "job"}),
        ("You are not sure about going again.", {"not sure": "not_sure"}),
    ],
)
def test_phrases_carry_their_own_symbol(text, symbol_of):
    words = load_catalogue().symbolise(text)
    for phrase, symbol in symbol_of.items():
        assert {"text": phrase, "symbol": symbol} in words, words


def test_not_sure_is_one_face_on_every_board():
    catalogue = load_catalogue()
    assert catalogue.get("unsure").symbol == catalogue.get("not_sure").symbol
    assert catalogue.get("paid_job").symbol == catalogue.keywords["job"]

"""The symbol catalogue covers the shared vocabulary, and prompts are symbolised."""

from __future__ import annotations

from assistant.conversation.engine import SPECIAL_CARDS
from assistant.conversation.plans import PLANS


def test_every_vocabulary_concept_is_in_the_catalogue(catalogue, vocabulary):
    for concept_type, concepts in vocabulary["entities"].items():
        for concept_id, info in concepts.items():
            concept = catalogue.get(concept_id)
            assert concept is not None, concept_id
            assert concept.type == concept_type and concept.label == info["label"]
            assert concept.symbol and concept.alt


def test_every_card_of_every_question_is_a_concept(catalogue):
    for steps in PLANS.values():
        for step in steps:
            for card in step.cards:
                assert catalogue.get(card) is not None, (step.id, card)
    assert {"yes", "no", "dont_know", "skip", "something_else", "stop", "keep_going", "finish", "remove"} == set(
        SPECIAL_CARDS
    )
    assert not set(SPECIAL_CARDS) & set(catalogue.concepts)  # a special card is never an answer


def test_symbolise_keeps_every_word_and_marks_concept_labels(catalogue):
    words = catalogue.symbolise("You like buses and trains. Is that right?", {"buses and trains": "transport"})
    assert [w["text"] for w in words] == ["You", "like", "buses and trains.", "Is that right?"]
    assert words[2]["symbol"] == "transport"


def test_symbolise_copes_with_odd_text(catalogue):
    assert catalogue.symbolise("") == []
    assert [w["text"] for w in catalogue.symbolise("   !!  ")] == ["!!"]
    assert [w["text"] for w in catalogue.symbolise("😀 café, ok")] == ["😀", "café,", "ok"]

"""ConceptNormaliser: replaces DIET's entities with catalogue concepts from spaCy tokens."""

import pytest


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    import spacy

    from nlu_components.build_spacy_pipeline import build

    out = tmp_path_factory.mktemp("spacy") / "en"
    build(out)
    return spacy.load(out)


def parse(nlp, text, intent, entities=()):
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.shared.nlu.training_data.message import Message

    from nlu_components.concept_normaliser import ConceptNormaliser

    msg = Message({"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)})
    msg.set("text_spacy_doc", nlp(text))
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([msg])
    ConceptNormaliser(ConceptNormaliser.get_default_config()).process([msg])
    return msg


def test_replaces_diet_spans_with_canonical_values(nlp):
    stray = {"entity": "interest", "value": "dont", "start": 2, "end": 6, "extractor": "DIETClassifier"}
    msg = parse(nlp, "i dont like cookin", "express_dislike", [stray])
    assert [(e["entity"], e["value"], e["extractor"]) for e in msg.get("entities")] == [
        ("interest", "cooking", "ConceptNormaliser")
    ]
    assert msg.as_dict(only_output_properties=True)["entities"]  # reaches /model/parse


def test_uses_the_intent_for_context(nlp):
    msg = parse(nlp, "reading is hard for me", "express_need_help")
    assert [(e["entity"], e["value"]) for e in msg.get("entities")] == [("support", "reading_help")]


@pytest.mark.parametrize("text,diet_intent", [("asdfgh", "stop"), ("zzkq", "affirm"), ("qqq xxv", "stop")])
def test_gibberish_falls_back(nlp, text, diet_intent):
    msg = parse(nlp, text, diet_intent)
    assert msg.get("intent")["name"] == "nlu_fallback"
    assert msg.get("intent_ranking")[0]["name"] == "nlu_fallback"


@pytest.mark.parametrize(
    "text,diet_intent", [("yeah", "affirm"), ("nah mate", "deny"), ("hiya", "greet"), ("i lik cookin", "express_like")]
)
def test_real_answers_keep_their_intent(nlp, text, diet_intent):
    assert parse(nlp, text, diet_intent).get("intent")["name"] == diet_intent


def test_gibberish_guard_can_be_switched_off(nlp):
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.shared.nlu.training_data.message import Message

    from nlu_components.concept_normaliser import ConceptNormaliser

    msg = Message({"text": "asdfgh", "intent": {"name": "stop", "confidence": 0.7}, "entities": []})
    msg.set("text_spacy_doc", nlp("asdfgh"))
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([msg])
    ConceptNormaliser({"keep_unmatched_diet": False, "gibberish_fallback": False}).process([msg])
    assert msg.get("intent")["name"] == "stop"

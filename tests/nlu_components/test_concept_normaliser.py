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

    msg = Message({"text": text, "intent": {"name": intent, "confidence": 0.9},
                   "entities": list(entities)})
    msg.set("text_spacy_doc", nlp(text))
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([msg])
    ConceptNormaliser(ConceptNormaliser.get_default_config()).process([msg])
    return msg


def test_replaces_diet_spans_with_canonical_values(nlp):
    stray = {"entity": "interest", "value": "dont", "start": 2, "end": 6, "extractor": "DIETClassifier"}
    msg = parse(nlp, "i dont like cookin", "express_dislike", [stray])
    assert [(e["entity"], e["value"], e["extractor"]) for e in msg.get("entities")] == [
        ("interest", "cooking", "ConceptNormaliser")]
    assert msg.as_dict(only_output_properties=True)["entities"]  # reaches /model/parse


def test_uses_the_intent_for_context(nlp):
    msg = parse(nlp, "reading is hard for me", "express_need_help")
    assert [(e["entity"], e["value"]) for e in msg.get("entities")] == [("support", "reading_help")]

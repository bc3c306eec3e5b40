"""Rasa component that turns the pupil's words into catalogue concept entities.

It runs after DIETClassifier, reads the spaCy tokens and lemmas of the message and the
classifier's intent, asks assistant.matcher.ConceptMatcher for the concepts
mentioned, and replaces DIET's entities with them: DIET tags stray tokens and cannot
map a misspelling it never saw to a canonical id, while the matcher returns exactly the
vocabulary's ids (so no EntitySynonymMapper is needed). The logic lives in the matcher.

It also guards against keyboard mashing: when no token of the message is an English
word, a catalogue word or a known short answer ("asdfgh", "qqq xxv"), the intent is set
to nlu_fallback (entities, if any, are kept), so that nonsense never ends a session as
"stop" or answers "yes".
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.matcher import ConceptMatcher, default_matcher
from nlu_components import rasa_speedups

rasa_speedups.install()  # loaded with the model: Rasa's action response check, built once


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ConceptNormaliser(GraphComponent, EntityExtractorMixin):
    """Replaces the classifier's entity spans with canonical catalogue concepts."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """keep_unmatched_diet: also keep DIET entities the matcher has no concept for.
        gibberish_fallback: set the intent to nlu_fallback when no token is a known word."""
        return {"keep_unmatched_diet": False, "gibberish_fallback": True}

    def __init__(self, config: dict[str, Any], matcher: ConceptMatcher | None = None) -> None:
        self.config = config
        self._matcher = matcher

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ConceptNormaliser:
        """Build the component; the matcher itself is built on first use."""
        return cls(config)

    @property
    def matcher(self) -> ConceptMatcher:
        """The catalogue matcher (built lazily, once per process)."""
        if self._matcher is None:
            self._matcher = default_matcher()
        return self._matcher

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn: training examples keep their annotated entities."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Set each message's entities to the concepts the matcher finds."""
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        plain = [{"text": t.text, "lemma": getattr(t, "lemma", None), "start": t.start, "end": t.end} for t in tokens]
        if not plain:
            plain = ConceptMatcher.tokenize(text)
        if self.config.get("gibberish_fallback", True) and self.matcher.is_gibberish(plain, text=text):
            fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [
                r
                for r in (message.get(INTENT_RANKING_KEY) or [])
                if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
            ]
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [fallback, *ranking], add_to_output=True)
        intent = (message.get(INTENT) or {}).get("name")
        found = self.matcher.find(plain, text=text, intent=intent)
        entities = self.add_extractor_name(
            [
                {
                    "entity": e["entity"],
                    "value": e["value"],
                    "start": e["start"],
                    "end": e["end"],
                    "confidence_entity": e["confidence"],
                }
                for e in found
            ]
        )
        if self.config.get("keep_unmatched_diet"):
            covered = [(e["start"], e["end"]) for e in entities]
            for e in message.get(ENTITIES, []):
                if not any(s < e["end"] and e["start"] < t for s, t in covered):
                    entities.append(e)
        message.set(ENTITIES, entities, add_to_output=True)

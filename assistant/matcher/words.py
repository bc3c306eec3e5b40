"""The matcher's word lists, read once from the YAML files in data/ beside this module.

The files keep what the rules need (cues, feeling words, rating phrases, short answers);
the symbol catalogue keeps what pupils say for each concept. Lists of single words are
written as one string of words (split on spaces) so YAML never reads "no" or "y" as a
boolean; phrases and mappings are quoted.
"""

from __future__ import annotations

from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data")


def _load(name: str) -> dict:
    with (DATA / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _words(text: str) -> frozenset:
    return frozenset(text.split())


_cues = _load("cues.yml")
_feelings = _load("feelings.yml")
_concepts = _load("concepts.yml")
_ratings = _load("ratings.yml")
_answers = _load("answers.yml")

# Types in the order they win when one span names concepts of several types (not words:
# the rules' own order, kept here beside the cues that choose between them).
TYPE_ORDER_DEFAULT = ("interest", "feeling", "sensory", "job", "pathway", "living", "support", "rating")
TYPE_ORDER_NEED = ("support", "interest", "feeling", "sensory", "job", "pathway", "living", "rating")
TYPE_ORDER_ASPIRATION = ("job", "pathway", "living", "interest", "feeling", "sensory", "support", "rating")

# cues.yml: what a clause is doing.
NEED_CUES = tuple(_cues["need"])
ASPIRATION_CUES = tuple(_cues["aspiration"])
STUDY_CUES = tuple(_cues["study"])
WORK_CUES = tuple(_cues["work"])
LIVING_CUES = tuple(_cues["living"])
OWN_EVALUATION_CUES = tuple(_cues["own_evaluation"])
CLAUSE_BREAKS = _words(_cues["clause_breaks"])
NEGATIONS = _words(_cues["negations"])
PLACE_AFTER = tuple(_cues["place_after"])

# feelings.yml: feeling words that need their context.
PREDICATE_CUES = _words(_feelings["predicate_cues"])
INTENSIFIERS = _words(_feelings["intensifiers"])
AMBIGUOUS_FEELINGS = _words(_feelings["ambiguous_feelings"])
NOT_FEELING_AFTER = _words(_feelings["not_feeling_after"])

# concepts.yml: indexing, and one concept standing for another in context.
SKIP_WORDS = _words(_concepts["skip_words"])
CASE_SENSITIVE_FORMS = dict(_concepts["case_sensitive_forms"])
STRONG_LIVING = frozenset(_concepts["strong_living"])
INTEREST_TO_JOB = dict(_concepts["interest_to_job"])
ABSORBED_BY_SUPPORT = {support: set(interests) for support, interests in _concepts["absorbed_by_support"].items()}
INTEREST_TO_SUPPORT = dict(_concepts["interest_to_support"])
EXTRA_FORMS = {
    (ctype, cid): list(forms) for ctype, concepts in _concepts["extra_forms"].items() for cid, forms in concepts.items()
}

# ratings.yml: evaluations of an unnamed it/that/one.
RATING_PRONOUNS = _words(_ratings["pronouns"])
RATING_VERBS_LIKE = _words(_ratings["verbs_like"])
RATING_VERBS_DISLIKE = _words(_ratings["verbs_dislike"])
RATING_FIXED = dict(_ratings["fixed"])

# answers.yml: a message made only of these is an answer, not gibberish.
SLANG_WORDS = _words(_answers["short_answers"])

# Intents whose answers name no feeling, need or rating ("good morning" is not happy,
# "help, say it again" is no support); concepts of other types are kept, in case the
# classifier took a fragment ("my xbox") for one of these.
NO_ENTITY_INTENTS = frozenset({"greet", "goodbye", "repeat"})
NO_ENTITY_TYPES = frozenset({"feeling", "rating", "support"})
# Intents whose answers never carry a rating (bare yes / no / don't know).
NO_RATING_INTENTS = frozenset({"affirm", "deny", "dont_know", "greet", "goodbye", "stop", "repeat"})

"""Find vocabulary concepts in what a pupil typed, and apply the annotation conventions.

Pure Python (no Rasa, no spaCy): the Rasa component nlu_components.concept_normaliser
feeds it spaCy tokens and lemmas; tests and other code can call `match_text`.

Matching: every concept's label, id and catalogue `say` phrases are indexed as token
sequences (determiners and possessives dropped, so "with my mum" matches "with mum").
An input token matches a phrase word exactly, by lemma/stem ("cooked" ~ "cook"), or by
a length-aware edit distance on the spelling and on a rough sound skeleton
("cookin" ~ "cooking", "electrishun" ~ "electrician"); common English words are never
fuzzy-matched ("looking" is not "cooking"). Overlapping matches keep the longest, then
the closest.

Context rules (the NLU annotation conventions 3-8, tests/data/nlu_heldout.yml) then decide which concepts
are reported: support only in statements of need, the job only in an aspiration, living
only when living is talked about, ambiguous feeling adjectives only when predicated,
rating only for an unnamed it/that/one, and so on. Each rule is a small function in
rules.py.

The package:
- words.py and data/*.yml: the word lists (cues, feeling words, rating phrases, short answers);
- spelling.py: normalising, stemming, sound keys, the English word lists;
- tokens.py: tokens, indexed forms and matches;
- context.py: what each clause is doing (a need, an aspiration, about living);
- rules.py: the conventions, one small function each;
- concepts.py: ConceptMatcher, which indexes the catalogue and runs the steps.
"""

from assistant.matcher.concepts import ConceptMatcher, default_matcher
from assistant.matcher.spelling import max_edits, norm_word, skeleton, split_words, stem
from assistant.matcher.words import INTEREST_TO_JOB

__all__ = [
    "INTEREST_TO_JOB",
    "ConceptMatcher",
    "default_matcher",
    "max_edits",
    "norm_word",
    "skeleton",
    "split_words",
    "stem",
]

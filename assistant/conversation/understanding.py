"""What a pupil's message means, with the question in hand. Pure: no Rasa, no Flask.

Rasa classifies each message on its own; the commonest answer a pupil gives, one or two
words, says nothing about intent ("animals", "crafts", "my hamster"). So the meaning is
decided here, where the question is known:

1. A message that names something fitting the question is an answer to it, whatever the
   classifier thought ("crafts" is not goodbye). Its stance comes from the question unless
   the pupil's own words carry one: each concept takes the polarity of its own clause
   ("I like swimming but not football" is two answers with two stances).
2. A scale question ("Would you like to go again?") reads yes, no and maybe in words.
3. "I don't know" is a real answer.
4. Commands (stop, goodbye, hello, say it again) come from words only when there is no
   answer in them, the classifier is confident and the words hold the command's own cue.
5. Anything else with real words is kept as the pupil's words; keyboard mashing is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.matcher import INTEREST_TO_JOB, ConceptMatcher, default_matcher, norm_word
from symbols.catalogue import Catalogue, Concept

# How sure the classifier must be before its intent alone counts (commands, yes and no).
CONFIDENT = 0.6
# The speech act a question asks for, given to the concept matcher in place of the
# classifier's guess about a message read on its own ("reading" to "What help do you need?"
# is a need, whatever a classifier made of the one word).
QUESTION_ACTS = {
    "good_at": "express_good_at",
    "need": "express_need_help",
    "aspire": "express_aspiration",
    "live": "express_aspiration",
}

POSITIVE_CUES = (
    "like",
    "likes",
    "liked",
    "liking",
    "love",
    "loves",
    "loved",
    "loving",
    "lovin",
    "luv",
    "enjoy",
    "enjoys",
    "enjoyed",
    "enjoying",
    "adore",
    "adores",
    "adored",
    "into",
    "fan",
    "favourite",
    "favorite",
    "fave",
    "fav",
    "prefer",
    "prefers",
    "keen",
    "fun",
    "great",
    "good",
    "amazing",
    "brilliant",
    "awesome",
    "cool",
    "ace",
    "best",
    "buzzing",
    "mint",
    "lush",
    "class",
    "fab",
    "wicked",
    "epic",
    "nice",
    "lovely",
    "happy",
    "want",
    "wants",
    "wanna",
    "wanted",
    "obsessed",
    "interested",
    "excited",
    "proud",
)
NEGATIVE_CUES = (
    "hate",
    "hates",
    "hated",
    "hating",
    "dislike",
    "dislikes",
    "disliked",
    "detest",
    "detests",
    "boring",
    "bored",
    "rubbish",
    "sucks",
    "suck",
    "sucked",
    "crap",
    "awful",
    "horrible",
    "worst",
    "annoying",
    "annoyed",
    "nasty",
    "gross",
    "yuck",
    "yuk",
    "disgusting",
    "scary",
    "scared",
    "frightening",
    "afraid",
    "terrible",
    "bad",
    "dreadful",
    "pants",
    "naff",
    "stupid",
    "dumb",
    "cringe",
    "hard",
    "difficult",
    "upset",
    "upsets",
    "upsetting",
    "hurts",
    "hurt",
    "stinks",
    "stank",
    "worried",
    "nervous",
    "fear",
)
# Phrases read as one cue before single words ("can't stand" is not "stand").
PHRASE_CUES = {
    "cant stand": -1,
    "cannot stand": -1,
    "couldnt stand": -1,
    "not a fan": -1,
    "not into": -1,
    "not keen": -1,
    "no thanks": -1,
    "no thank you": -1,
    "fed up": -1,
    "sick of": -1,
    "not for me": -1,
    "not my thing": -1,
    "too much": -1,
    "not good": -1,
    "not nice": -1,
    "not bad": 1,
    "dont mind": 1,
    "doesnt mind": 1,
    "didnt mind": 1,
    "really good at": 1,
    "good at": 1,
    "the best": 1,
    "big fan": 1,
    "cant wait": 1,
}
NEGATORS = frozenset(
    "not nt no never dont doesnt didnt wont wouldnt isnt wasnt arent werent cant "
    "couldnt shouldnt aint hardly neither nor nothing".split()
)
# Words that open a new clause: a cue on one side does not reach a concept on the other.
HARD_BREAKS = frozenset("but although though however except whereas yet apart".split())
SOFT_BREAKS = frozenset("and also plus or then because cos coz cuz so when".split())
# Yes, no and the like at the start of a message answer the question, not the concept
# ("no, I like swimming" corrects; it does not dislike swimming).
INTERJECTIONS = frozenset("yes yeah yep yup yh ya ye aye no nah nope naw um erm hmm well oh ok okay".split())

# Good feelings that, said beside a thing, evaluate it ("the dogs were ace").
EVALUATIVE_FEELINGS = frozenset({"happy", "excited", "calm"})
# Sensory concepts carry their own polarity ("it was noisy" is a complaint).
SENSORY_POLARITY = {"noisy": -1, "crowded": -1, "bright": -1, "smelly": -1, "hot": -1, "cold": -1, "quiet": 1}

# Scale answers in words: (phrase, rating, strength). Longer phrases are tried first, and a
# stronger cue outweighs a weaker one ("yes, maybe" is a maybe; "no chance" is a no).
SCALE_CUES: tuple[tuple[str, str, int], ...] = (
    ("definitely not", "dont_like", 4),
    ("defo not", "dont_like", 4),
    ("no chance", "dont_like", 4),
    ("no way", "dont_like", 4),
    ("never again", "dont_like", 4),
    ("not again", "dont_like", 4),
    ("not really", "dont_like", 3),
    ("not for me", "dont_like", 4),
    ("no thanks", "dont_like", 4),
    ("no thank you", "dont_like", 4),
    ("dont think so", "dont_like", 3),
    ("dont want", "dont_like", 3),
    ("wouldnt want", "dont_like", 3),
    ("too scared", "dont_like", 4),
    ("too hard", "dont_like", 3),
    ("too loud", "dont_like", 3),
    ("too noisy", "dont_like", 3),
    ("too busy", "dont_like", 3),
    ("probably not", "dont_like", 4),
    ("not bothered", "not_sure", 2),
    ("not fussed", "not_sure", 2),
    ("not sure", "not_sure", 3),
    ("not bad", "not_sure", 3),
    ("i guess", "not_sure", 2),
    ("i suppose", "not_sure", 2),
    ("one day", "not_sure", 2),
    ("sort of", "not_sure", 2),
    ("kind of", "not_sure", 2),
    ("a bit", "not_sure", 2),
    ("in between", "not_sure", 3),
    ("in the middle", "not_sure", 3),
    ("so so", "not_sure", 3),
    ("50 50", "not_sure", 3),
    ("fifty fifty", "not_sure", 3),
    ("might do", "not_sure", 3),
    ("could do", "not_sure", 2),
    ("some of it", "not_sure", 3),
    ("bits of it", "not_sure", 3),
    ("think so", "like", 2),
    ("of course", "like", 4),
    ("yes please", "like", 4),
    ("cant wait", "like", 4),
    ("would love", "like", 4),
    ("id love", "like", 4),
    ("love to", "like", 4),
    ("id like", "like", 3),
    ("would like", "like", 3),
    ("hell yeah", "like", 4),
    ("for sure", "like", 4),
    ("absolutely", "like", 4),
    ("definitely", "like", 4),
    ("defo", "like", 4),
    ("deffo", "like", 4),
    ("totally", "like", 3),
    ("certainly", "like", 4),
    ("100 percent", "like", 4),
    ("yes", "like", 2),
    ("yeah", "like", 2),
    ("yea", "like", 2),
    ("yep", "like", 2),
    ("yup", "like", 2),
    ("yh", "like", 2),
    ("ya", "like", 2),
    ("aye", "like", 2),
    ("sure", "like", 2),
    ("ok", "not_sure", 1),
    ("okay", "not_sure", 1),
    ("alright", "not_sure", 1),
    ("fine", "not_sure", 1),
    ("maybe", "not_sure", 3),
    ("perhaps", "not_sure", 3),
    ("possibly", "not_sure", 3),
    ("might", "not_sure", 2),
    ("probably", "like", 2),
    ("dunno", "not_sure", 1),
    ("meh", "not_sure", 3),
    ("unsure", "not_sure", 3),
    ("no", "dont_like", 2),
    ("nah", "dont_like", 2),
    ("nope", "dont_like", 2),
    ("naw", "dont_like", 2),
    ("never", "dont_like", 3),
    ("love", "like", 3),
    ("loved", "like", 3),
    ("like", "like", 2),
    ("liked", "like", 2),
    ("enjoyed", "like", 2),
    ("enjoy", "like", 2),
    ("great", "like", 2),
    ("good", "like", 2),
    ("brilliant", "like", 3),
    ("amazing", "like", 3),
    ("fun", "like", 2),
    ("awesome", "like", 3),
    ("cool", "like", 2),
    ("hate", "dont_like", 3),
    ("hated", "dont_like", 3),
    ("boring", "dont_like", 3),
    ("rubbish", "dont_like", 3),
    ("scared", "dont_like", 3),
    ("scary", "dont_like", 3),
    ("horrible", "dont_like", 3),
    ("awful", "dont_like", 3),
    ("bad", "dont_like", 2),
    ("worried", "dont_like", 2),
    ("nervous", "dont_like", 2),
    # What an adult types for a gesture.
    ("nodded", "like", 3),
    ("nods", "like", 3),
    ("nodding", "like", 3),
    ("thumbs up", "like", 3),
    ("smiled", "like", 2),
    ("shook his head", "dont_like", 3),
    ("shook her head", "dont_like", 3),
    ("shook their head", "dont_like", 3),
    ("shakes his head", "dont_like", 3),
    ("shakes her head", "dont_like", 3),
    ("shook head", "dont_like", 3),
    ("thumbs down", "dont_like", 3),
)
DONT_KNOW_CUES = (
    "dont know",
    "do not know",
    "dunno",
    "duno",
    "dno",
    "idk",
    "no idea",
    "no clue",
    "cant remember",
    "cannot remember",
    "dont remember",
    "not sure",
    "unsure",
    "cant say",
    "cant think",
    "pass",
    "iunno",
    "ion know",
    "dont no",
    "dont kno",
)
# A command's own words: the classifier's intent counts only with one of these.
COMMAND_CUES = {
    "stop": (
        "stop",
        "finish",
        "finished",
        "done",
        "enough",
        "quit",
        "end",
        "no more",
        "had enough",
        "leave me alone",
        "go back to class",
        "want to go",
        "wanna go",
        "dont want to do this",
        "dont want to talk",
        "dont wanna",
        "can we stop",
    ),
    "goodbye": (
        "bye",
        "goodbye",
        "see you",
        "see ya",
        "cya",
        "laters",
        "ta ra",
        "tara",
        "tarra",
        "night",
        "gtg",
        "got to go",
        "gotta go",
        "im off",
        "see you later",
    ),
    "greet": (
        "hi",
        "hello",
        "hiya",
        "hey",
        "heya",
        "morning",
        "afternoon",
        "evening",
        "yo",
        "sup",
        "wagwan",
        "howdy",
        "hallo",
        "hullo",
        "alright",
        "how are you",
        "hows it going",
    ),
    "repeat": (
        "again",
        "repeat",
        "pardon",
        "what",
        "eh",
        "huh",
        "sorry",
        "didnt hear",
        "say that",
        "come again",
        "one more time",
        "didnt get",
        "what did you say",
        "i missed",
    ),
}
AFFIRM_CUES = (
    "yes",
    "yeah",
    "yea",
    "yep",
    "yup",
    "yh",
    "ya",
    "aye",
    "ok",
    "okay",
    "sure",
    "right",
    "correct",
    "thats right",
    "thumbs up",
    "uh huh",
    "mhm",
    "definitely",
    "of course",
)
DENY_CUES = (
    "no",
    "nah",
    "nope",
    "naw",
    "not really",
    "wrong",
    "thats wrong",
    "not right",
    "thumbs down",
    "no way",
    "never",
)
# Words that keep going: "I don't want to stop" is no stop.
NOT_STOPPING = (
    "dont want to stop",
    "dont stop",
    "not stop",
    "not finished",
    "not done",
    "dont want to finish",
    "not yet",
    "keep going",
    "carry on",
)
COMMAND_INTENTS = ("stop", "goodbye", "greet", "repeat")
NOTHING_CUES = ("nothing", "none", "not anything", "nowt", "nothing really", "no one", "nobody")
SPECIAL_CARD_MEANINGS = {
    "something_else": "something_else",
    "keep_going": "keep_going",
    "stop": "stop",
    "finish": "finish",
    "remove": "remove",
}
MAT_ITEM = re.compile(r"^item_([0-9]{1,3})$")  # an item of the final mat, by its place


@dataclass
class Mention:
    """One concept the pupil named, with the polarity of their own words about it
    (+1 liked, -1 disliked, 0 their words say neither)."""

    concept: Concept
    polarity: int = 0


@dataclass
class Meaning:
    """What a message means for the question in hand.

    kind: answer (mentions) | rating | dont_know | affirm | deny | stop | goodbye | greet |
    repeat | something_else | keep_going | words (real words that fit nothing) | unclear.
    `command` is True for what the adult's or pupil's buttons sent, never typed words.
    """

    kind: str
    mentions: list[Mention] = field(default_factory=list)
    rating: str | None = None
    command: bool = False
    stance: str | None = None  # the stance shown on a chosen check-back card
    item: int = 0  # the final mat's item a card stands for


def words_of(text: str) -> list[str]:
    """Normalised words ("Don't" -> "dont"), numbers kept."""
    return re.findall(r"[a-z0-9]+", norm_word(text))


def _has_phrase(words: list[str], phrase: str) -> bool:
    return f" {phrase} " in " " + " ".join(words) + " "


def has_cue(words: list[str], cues) -> bool:
    """True when any cue phrase occurs as whole words."""
    joined = " " + " ".join(words) + " "
    return any(f" {c} " in joined for c in cues)


def scale_rating(words: list[str]) -> str | None:
    """A rating on the three-point scale from words ("maybe one day" -> not_sure)."""
    hits: list[tuple[int, str]] = []
    joined = " " + " ".join(words) + " "
    used = joined
    for phrase, rating, strength in sorted(SCALE_CUES, key=lambda c: -len(c[0])):
        needle = f" {phrase} "
        while needle in used:
            start = used.index(needle)
            before = used[:start].split()[-2:]
            if (
                rating in ("like", "dont_like")
                and any(b in NEGATORS for b in before)
                and phrase not in ("no", "nah", "nope", "naw")
            ):
                rating = "dont_like" if rating == "like" else "not_sure"
            hits.append((strength, rating))
            used = used[:start] + " " + "#" * (len(phrase)) + " " + used[start + len(needle) :]
    if not hits:
        return None
    best = max(s for s, _ in hits)
    ratings = {r for s, r in hits if s == best}
    return ratings.pop() if len(ratings) == 1 else "not_sure"


def _clauses(words: list[str]) -> list[tuple[int, str]]:
    """Each word's clause number and how that clause joined the one before it."""
    out, n, join = [], 0, "start"
    for k, w in enumerate(words):
        if k > 0 and (w in HARD_BREAKS or w in SOFT_BREAKS):
            n += 1
            join = "hard" if w in HARD_BREAKS else "soft"
        out.append((n, join))
    return out


def _cues_in(words: list[str], lo: int, hi: int, named: frozenset = frozenset()) -> list[tuple[int, int]]:
    """Polarity cues between word lo and hi: (position, +1/-1), negation applied. Words that
    name a concept themselves ("stank" is smelly) are no cue about another."""
    found: list[tuple[int, int]] = []
    k = lo
    while k < hi:
        if k in named:
            k += 1
            continue
        for phrase, polarity in PHRASE_CUES.items():
            parts = phrase.split()
            if words[k : k + len(parts)] == parts and k + len(parts) <= hi:
                if parts[0] not in NEGATORS and any(x in NEGATORS for x in words[max(lo, k - 2) : k]):
                    polarity = -polarity  # "not good at", "not really into"
                found.append((k + len(parts) - 1, polarity))
                k += len(parts)
                break
        else:
            w = words[k]
            polarity = 1 if w in POSITIVE_CUES else -1 if w in NEGATIVE_CUES else 0
            if polarity:
                window = words[max(lo, k - 3) : k]
                if any(x in NEGATORS for x in window):
                    polarity = -polarity
                found.append((k, polarity))
            k += 1
    return found


def polarities(words: list[str], spans: list[tuple[int, int]]) -> list[tuple[int, bool]]:
    """The pupil's own polarity about each span of words (a concept they named), and whether
    the concept's own clause said it (False when it was carried over from the one before).

    The nearest cue before the concept in its clause decides ("I don't like dancing"),
    else the nearest after it ("football is boring"), else a "not"/"no" just before it
    ("but not football"); a clause without a cue, joined by "and" or a comma, continues
    the clause before ("I hate tennis and swimming").
    """
    clause_of = _clauses(words)
    n_clauses = clause_of[-1][0] + 1 if clause_of else 0
    named = frozenset(k for i, j in spans for k in range(i, j))
    bounds = []
    for c in range(n_clauses):
        members = [k for k, (n, _) in enumerate(clause_of) if n == c]
        bounds.append((members[0], members[-1] + 1, clause_of[members[0]][1]))
    # Leading interjections are answers to the question ("no, I like it"), not cues.
    first = 0
    while first < len(words) and words[first] in INTERJECTIONS:
        first += 1

    def clause_polarity(c: int, span: tuple[int, int] | None) -> int:
        lo, hi, _ = bounds[c]
        lo = max(lo, first)
        if span is None:
            cues = _cues_in(words, lo, hi, named)
            return cues[0][1] if cues else 0
        i, j = span
        before = [p for k, p in _cues_in(words, lo, i, named)]
        if before:
            return before[-1]
        if (
            i > lo
            and words[i - 1] in NEGATORS
            or (i > lo + 1 and words[i - 2] in NEGATORS and words[i - 1] in ("the", "a", "my", "any"))
        ):
            return -1
        after = [p for k, p in _cues_in(words, j, hi, named)]
        return after[0] if after else 0

    out = []
    for i, j in spans:
        c = clause_of[i][0] if i < len(clause_of) else 0
        polarity = clause_polarity(c, (i, j))
        own = bool(polarity)
        while not polarity and c > 0 and bounds[c][2] == "soft":
            c -= 1
            polarity = clause_polarity(c, None)
        out.append((polarity, own))
    return out


def _span_words(text: str, start: int | None, end: int | None) -> tuple[int, int]:
    """Character span -> word indexes of words_of(text)."""
    if start is None or end is None:
        return 0, 0
    i = len(words_of(text[:start]))
    j = i + max(1, len(words_of(text[start:end])))
    return i, j


class Reader:
    """Reads messages for one catalogue (and its concept matcher)."""

    def __init__(self, catalogue: Catalogue, matcher: ConceptMatcher | None = None):
        self.catalogue = catalogue
        self._matcher = matcher

    @property
    def matcher(self) -> ConceptMatcher:
        """The catalogue's concept matcher, built on first use (it loads word lists)."""
        if self._matcher is None:
            self._matcher = default_matcher()
        return self._matcher

    def read(
        self,
        *,
        text: str | None,
        intent: str,
        confidence: float,
        entities: list[dict],
        types: tuple[str, ...],
        scale: bool,
        question_stance: str = "",
        stance: str | None = None,
    ) -> Meaning:
        """The meaning of one message for a question that takes `types` (or the scale) and
        whose answers take `question_stance`; `stance` is a chosen check-back card's."""
        if text is None:
            return self._card_or_command(intent, entities, stance)
        words = words_of(text)
        if not words:
            return Meaning("unclear")
        mentions = self.mentions(text, words, types, QUESTION_ACTS.get(question_stance))
        if scale:
            rating = scale_rating(words)
            if rating is None and mentions:
                polarity = mentions[0].polarity
                rating = {1: "like", -1: "dont_like"}.get(polarity)
            if rating is None and has_cue(words, DONT_KNOW_CUES):
                return Meaning("dont_know")
            if rating is None and confidence >= CONFIDENT and not self.names_a_concept(text):
                # A bare "yep" the word lists missed; never "animals" to "cooking now?".
                rating = {
                    "affirm": "like",
                    "express_like": "like",
                    "deny": "dont_like",
                    "express_dislike": "dont_like",
                }.get(intent)
            if rating is not None:
                return Meaning("rating", rating=rating)
        elif mentions:
            return Meaning("answer", mentions=mentions)
        if has_cue(words, DONT_KNOW_CUES) or (intent == "dont_know" and confidence >= CONFIDENT):
            return Meaning("dont_know")
        if has_cue(words, NOT_STOPPING):
            return Meaning("keep_going")
        if (
            not mentions
            and intent in COMMAND_INTENTS
            and has_cue(words, COMMAND_CUES[intent])
            and (confidence >= CONFIDENT or len(words) <= 2)
        ):
            return Meaning(intent)
        for command in COMMAND_INTENTS:  # the classifier missed a bare command ("bye")
            if (
                not mentions
                and len(words) <= 3
                and has_cue(words, COMMAND_CUES[command])
                and intent
                not in (
                    "express_like",
                    "express_dislike",
                    "express_good_at",
                    "express_need_help",
                    "express_feeling",
                    "express_aspiration",
                )
            ):
                if command in ("stop", "goodbye") or intent == command or len(words) == 1:
                    return Meaning(command)
        if has_cue(words, NOTHING_CUES) and len(words) <= 4:
            return Meaning("deny")  # "nothing" to "Is anything worrying you?"
        if has_cue(words, DENY_CUES) and len(words) <= 4:
            return Meaning("deny")
        if has_cue(words, AFFIRM_CUES) and len(words) <= 4:
            return Meaning("affirm")
        if intent in ("affirm", "deny") and confidence >= CONFIDENT and len(words) <= 6:
            return Meaning(intent)
        mashing = self.matcher.is_gibberish(self.matcher.tokenize(text), text=text)
        return Meaning("unclear" if mashing else "words")

    def names_a_concept(self, text: str) -> bool:
        """True when the words name any concept of the catalogue, fitting or not."""
        return any(e["entity"] != "rating" for e in self.matcher.match_text(text, expect=("*",)))

    def mentions(self, text: str, words: list[str], types: tuple[str, ...], act: str | None) -> list[Mention]:
        """The concepts named that answer a question of these types (asking for this speech
        act), with their polarity."""
        found = self.matcher.match_text(text, intent=act, expect=types)
        if types == ("job",):
            # "What job would you like?" - "football": the job of that interest.
            for ent in found:
                if ent["entity"] == "interest" and ent["value"] in INTEREST_TO_JOB:
                    ent["entity"], ent["value"] = "job", INTEREST_TO_JOB[ent["value"]]
        fitting, spans = [], []
        for ent in found:
            concept = self.catalogue.get(str(ent["value"]))
            if concept is None or concept.type == "rating" or concept in fitting:
                continue
            if "*" in types or concept.type in types:
                fitting.append(concept)
                spans.append(_span_words(text, ent.get("start"), ent.get("end")))
        out = []
        complaint = any(c.type == "sensory" for c in fitting)
        # A good feeling beside something else it is about ("the cafe was mint") is how the
        # pupil felt about that thing, not an answer of its own, unless feelings are asked.
        evaluated = types[:1] != ("feeling",) and any(c.type != "feeling" for c in fitting)
        for concept, (polarity, own) in zip(fitting, polarities(words, spans)):
            if complaint and concept.type == "interest" and not own:
                continue  # the setting of a complaint ("the canteen, too many people")
            if evaluated and concept.id in EVALUATIVE_FEELINGS:
                continue
            if not polarity and concept.type == "sensory":
                polarity = SENSORY_POLARITY.get(concept.id, 0)
            out.append(Mention(concept, polarity))
        return out

    def _card_or_command(self, intent: str, entities: list[dict], stance: str | None) -> Meaning:
        if intent == "choose":
            for ent in entities:
                value = str(ent.get("value"))
                if ent.get("entity") != "concept":
                    continue
                if value in SPECIAL_CARD_MEANINGS:
                    return Meaning(SPECIAL_CARD_MEANINGS[value], command=True)
                if MAT_ITEM.match(value):
                    return Meaning("item", item=int(MAT_ITEM.match(value).group(1)), command=True)
                concept = self.catalogue.get(value)
                if concept is not None:
                    if concept.type == "rating":
                        return Meaning("rating", rating=concept.id, command=True)
                    return Meaning("answer", mentions=[Mention(concept)], command=True, stance=stance)
            return Meaning("unclear", command=True)
        if intent in ("affirm", "deny", "dont_know", "stop", "goodbye", "greet", "repeat"):
            return Meaning(intent, command=True)
        return Meaning("unclear", command=True)

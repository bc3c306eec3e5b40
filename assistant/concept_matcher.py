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
rating only for an unnamed it/that/one, and so on. Each rule is a small function below.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rapidfuzz.distance import OSA

from symbols.catalogue import load_catalogue

# --------------------------------------------------------------------------- word lists

# Dropped from phrases and skipped in the input when matching phrases.
SKIP_WORDS = frozenset("the a an my his her their our your some best".split())

# Types in the order they win when one span names concepts of several types.
TYPE_ORDER_DEFAULT = ("interest", "feeling", "sensory", "job", "pathway", "living", "support", "rating")
TYPE_ORDER_NEED = ("support", "interest", "feeling", "sensory", "job", "pathway", "living", "rating")
TYPE_ORDER_ASPIRATION = ("job", "pathway", "living", "interest", "feeling", "sensory", "support", "rating")

NEED_CUES = (
    "need", "needs", "needed", "help me", "help with", "helps me", "helped me", "help to",
    "help finding", "help getting", "help reading", "help writing", "help counting", "help paying",
    "find it hard", "finds it hard", "hard for me", "hard for him", "hard for her", "is hard",
    "are hard", "struggle", "struggles", "struggling", "difficult", "cant do", "can someone",
    "can somebody", "could someone", "someone to", "somebody to", "support with", "support to",
    "have to have", "has to have", "use my", "uses his", "uses her", "cant read", "cant write",
    "cant count", "tricky", "hard to", "stuck with", "must have", "requires", "helpful",
    "it helps", "that helps", "this helps",
)
ASPIRATION_CUES = (
    "want to be", "wants to be", "wanna be", "want to become", "wants to become", "become a",
    "become an", "when i leave", "when he leaves", "when she leaves", "when they leave",
    "leave school", "after school", "grow up", "grows up", "when im older", "when i am older",
    "when im big", "dream job", "dream is", "my dream", "career", "id like to be", "id love to be",
    "would like to be", "would love to be", "hope to be", "hopes to be", "going to be",
    "gonna be", "want to work", "wants to work", "wanna work", "want a job", "wants a job",
    "get a job", "be a", "be an", "work as", "job as", "job in", "job at", "job with",
    "want to live", "wants to live", "wanna live", "move out", "move in", "go to college",
    "go to uni", "go to university", "want to go to", "wants to go to", "id love to", "id like to",
    "apply for", "train to be", "training to be", "want to study", "wants to study", "the future",
    "in future", "want to do", "wants to do", "wanna do", "plan is", "planning to", "i will be",
    "be my own", "live on my own", "live with", "live in", "own flat", "own house",
)
STUDY_CUES = ("study", "studying", "course", "learn", "learning", "do", "doing", "qualification", "degree in")
WORK_CUES = ("work", "works", "working", "job", "career", "be", "become", "employed", "apprenticeship",
             "internship", "placement", "volunteer", "volunteering")
LIVING_CUES = ("live", "lives", "living", "move", "moving", "moves", "flat", "house", "home", "stay",
               "stays", "staying", "rent", "married")
# Copulas, feeling verbs and intensifiers after which an evaluative adjective is a feeling.
PREDICATE_CUES = frozenset(
    "is was were am im be been being its it feel feels felt feeling looked looks seemed seems "
    "made makes make got get gets getting bit so very really quite proper well too dead pretty "
    "sooo soo rly realy vv v abit kinda kind sort totally super extremely thats that bare mega hella "
    "right reet felt proper".split())
INTENSIFIERS = frozenset("really realy rly very so quite proper well pretty super dead v vv sooo soo too bare mega "
                         "hella extra right reet".split())
# Feeling words that are also ordinary adjectives ("good at", "a nice teacher"): tagged
# only when predicated ("it was good", "she felt fine") or said on their own.
AMBIGUOUS_FEELINGS = frozenset(
    "good great nice lovely fine ok okay alright cool class mint ace wicked sound fab "
    "mad cross down low weird strange safe shy long dull proud pleased content settled "
    "brilliant amazing fantastic awesome excellent fabulous brill epic "
    "comfortable bad decent funny magic boss canny champion lush sick lit fire insane wow brave "
    "confident dry pants grand positive full".split())
NEGATIONS = frozenset("not nt no never dont didnt doesnt isnt wasnt werent arent cant couldnt wont".split())
# After these an ambiguous feeling word is a skill or a relation, not a feeling.
NOT_FEELING_AFTER = frozenset("at with for".split())

# An interest that is the object of work in an aspiration names the matching job
# ("she wants to work with animals" -> job animal_carer).
INTEREST_TO_JOB = {
    "animals": "animal_carer", "cooking": "chef", "gardening": "gardener", "outdoors": "gardener",
    "sport": "sports_coach", "football": "footballer",
    "music": "musician", "singing": "musician", "art": "artist", "crafts": "artist",
    "computers": "it_worker", "video_games": "game_designer", "cars": "mechanic",
    "transport": "driver", "bikes": "mechanic", "building": "builder", "shops": "shop_worker",
    "cafe": "cafe_worker", "caring": "carer", "children": "nursery_worker", "cleaning": "cleaner",
    "drama": "actor", "films_tv": "actor", "hair_beauty": "hairdresser", "office": "office_worker",
    "science": "scientist", "farming": "farmer",
}
# In a statement of need, an interest found beside this support is part of the need
# ("help finding the right train" is travel help, not an interest in trains).
ABSORBED_BY_SUPPORT = {
    "travel_help": {"transport", "cars", "bikes"},
    "communication_help": {"computers"},
    "money_help": {"maths", "shops"},
    "reading_help": {"reading"},
    "visual_timetable": {"art"},
    "quiet_space": {"science"},
}
# In a statement of need, these interests are themselves the need's support concept
# ("I find reading hard" -> reading_help).
INTEREST_TO_SUPPORT = {"reading": "reading_help"}
# Need-only words for support concepts, on top of the catalogue (so that the catalogue
# keeps what pupils say and this file keeps what the rules need).
EXTRA_FORMS = {
    ("support", "reading_help"): ["read", "reading", "reads", "words", "menus", "signs", "letters"],
    ("support", "writing_help"): ["write", "writing", "writes", "spell", "spellings", "pen", "pencil"],
    ("support", "money_help"): ["counting money", "my change", "pay", "pays", "pounds", "pennies", "shopping money", "till receipt"],
    ("support", "travel_help"): ["bus", "buses", "train", "trains", "tram", "taxi", "travel", "travelling", "get to", "get home", "get there", "find the way", "the route"],
    ("support", "communication_help"): ["talk", "talking", "speak", "communicate", "sign", "signs and symbols", "my device", "tablet to talk", "ipad to talk", "say what i want", "tell people"],
    ("support", "visual_timetable"): ["pictures", "picture cards", "what is next", "whats next", "what happens next", "visual"],
    ("support", "quiet_space"): ["space", "somewhere calm", "calm space", "quiet corner", "den"],
    ("support", "breaks"): ["a break", "have a break", "a breather", "fresh air break", "rest"],
    ("support", "extra_time"): ["more time", "slower", "slowly", "take longer", "longer to finish"],
    ("support", "someone_with_me"): ["helper", "adult", "a member of staff", "staff with me", "my teacher with me", "someone there", "somebody with me", "support staff"],
    ("support", "step_by_step"): ["instructions", "show me", "show him", "show her", "one at a time", "steps"],
}
# A job word after "at/to the" in the plural or possessive names a place ("the doctors").
PLACE_AFTER = ("at the", "to the", "in the", "from the")
# Rating: evaluations of an unnamed it/that/one.
RATING_PRONOUNS = frozenset("it that this one them those these thing".split())
RATING_VERBS_LIKE = frozenset("like likes liked love loves loved rate rates rated enjoy enjoyed enjoys adore".split())
RATING_VERBS_DISLIKE = frozenset("hate hates hated dislike dislikes disliked".split())
RATING_FIXED = {
    "favourite": "like", "favorite": "like", "fave": "like", "fav": "like", "the best": "like",
    "not for me": "dont_like", "not my thing": "dont_like", "the worst": "dont_like",
    "not for him": "dont_like", "not for her": "dont_like", "not my cup of tea": "dont_like",
    "so so": "not_sure", "meh": "not_sure", "half and half": "not_sure", "in the middle": "not_sure",
    "in between": "not_sure", "sort of": "not_sure", "kind of": "not_sure", "kinda": "not_sure",
    "sorta": "not_sure", "maybe": "not_sure", "not bad": "not_sure", "its ok": "not_sure",
    "its okay": "not_sure", "its alright": "not_sure", "thats ok": "not_sure", "its fine": "not_sure",
    "some of it": "not_sure", "bits of it": "not_sure", "a bit": "not_sure",
    # Scores and stock phrases for an unnamed it/that/one (convention 5).
    "50 50": "not_sure", "5050": "not_sure", "fifty fifty": "not_sure", "5 out of 10": "not_sure",
    "five out of ten": "not_sure", "not fussed": "not_sure", "not bothered": "not_sure",
    "could be better": "not_sure", "ok i guess": "not_sure", "alright i guess": "not_sure",
    "its alright i suppose": "not_sure", "it was ok": "not_sure", "it was alright": "not_sure",
    "10 out of 10": "like", "ten out of ten": "like", "1010": "like", "100 percent": "like",
    "my fav": "like", "my fave": "like", "top one": "like", "the one for me": "like",
    "0 out of 10": "dont_like", "zero out of ten": "dont_like", "1 out of 10": "dont_like",
    "not keen": "dont_like", "not really for me": "dont_like", "not really my thing": "dont_like",
    "not my kind of thing": "dont_like", "a no from me": "dont_like", "not my vibe": "dont_like",
}
# Intents whose answers name no feeling, need or rating ("good morning" is not happy,
# "help, say it again" is no support); concepts of other types are kept, in case the
# classifier took a fragment ("my xbox") for one of these.
NO_ENTITY_INTENTS = frozenset({"greet", "goodbye", "repeat"})
NO_ENTITY_TYPES = frozenset({"feeling", "rating", "support"})
# Intents whose answers never carry a rating (bare yes / no / don't know).
NO_RATING_INTENTS = frozenset({"affirm", "deny", "dont_know", "greet", "goodbye", "stop", "repeat"})
CLAUSE_BREAKS = frozenset("but and because cos coz cuz then though although also plus or when while".split())
# Forms that must keep their case to count ("IT" is not "it").
CASE_SENSITIVE_FORMS = {"it": "IT"}


# --------------------------------------------------------------------------- helpers

def norm_word(word: str) -> str:
    """Lower-case a word and drop apostrophes, so "Don't" and "dont" are alike."""
    return re.sub(r"['\u2019\u2018`]", "", word.lower())


def split_words(text: str) -> list[str]:
    """Normalised words of a phrase ("make-up" -> ["make", "up"])."""
    return re.findall(r"[a-z0-9]+", norm_word(text))


@functools.lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A crude English stem, enough to equate "cooked", "cooking", "cooks" and "cook"."""
    w = word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("in", ""), ("ed", ""),
                         ("es", ""), ("s", ""), ("e", "")):
        if len(w) - len(suffix) >= 3 and w.endswith(suffix):
            if suffix == "in" and not w.endswith(("kin", "tin", "nin", "din", "pin", "cin", "win", "lin", "sin", "min", "rin")):
                continue
            if suffix == "s" and w.endswith("ss"):
                continue
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # "swimm" -> "swim", "shopp" -> "shop"
    return w


@functools.lru_cache(maxsize=20000)
def skeleton(word: str) -> str:
    """A rough sound key: "electrishun" and "electrician" share "electrishn"."""
    w = word
    for pat, rep in ((r"(tion|sion|cian|shun|shon|shan|chun)", "shn"), (r"ph", "f"),
                     (r"ck|q", "k"), (r"wh", "w"), (r"ou", "o"), (r"ee|ea|ie", "i"),
                     (r"y$", "i"), (r"ey$", "i"), (r"z", "s"), (r"(.)\1+", r"\1")):
        w = re.sub(pat, rep, w)
    return w


def max_edits(length: int) -> int:
    """Edits allowed for a word of this length: none for short words."""
    if length < 5:
        return 0
    if length < 8:
        return 1
    if length < 11:
        return 2
    return 3


@functools.lru_cache(maxsize=1)
def load_common_words(max_rank_logprob: float = -13.0) -> frozenset:
    """Common English words (spacy-lookups-data's lexeme probabilities), never fuzzy-matched.

    Read straight from the data package's file, without importing spaCy. An empty set
    when the package is missing (fuzzy matching is then only limited by length).
    """
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "en_lexeme_prob.json.gz"
    if not path.is_file():
        return frozenset()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        probs = json.load(fh)
    return frozenset(w for w, p in probs.items() if p >= max_rank_logprob and w.isalpha())


# Short answers, greetings and text-speak that the English word lists lack or rank as rare:
# a message made only of these is an answer, not gibberish (see ConceptMatcher.is_gibberish).
SLANG_WORDS = frozenset("""
    yes yeah yeh yea yep yup ya yah yh ye aye ay ja oui si mhm mhmm mmhmm mmm uhuh uh huh ok okay okey oki okie
    okies kk k kl alrite alright aight ight ite sound safe bet deffo defo def totes sure shure yass yas yasss
    no nah naw nae na nope nop noo naa nay nein nada nowt nothin nuffin nothing never
    idk dunno dno duno donno dunnno iuno ion dk idc idek nvm hmm hmmm umm um erm errr er uh eh huh wot wat wha
    hi hiya heya hey hiy hai hii hallo hullo ello allo oi oy yo sup wassup wasup wagwan wagwaan waguan howdy
    alreet alrite areet ey up eyup ayup now then hows mornin morning evenin afternoon gm gn nite nighty
    bye byee bye-bye tata tara tarra ta taa ttyl ttfn cya cyaa seeya laters l8r l8ters latez peace gtg g2g brb
    cheers thanks thx ty tyvm thankyou thanku ta luv pls plz plez please soz sozza sorry pardon
    innit init bruv bro bredrin fam mate mush cuz blud lad lass hun babe bestie pal marra kidda our
    lol lmao lmfao rofl omg omd wtf ffs ngl tbh fr frfr deadass lowkey highkey bare peak long mint lush
    cba cant dont wont didnt doesnt isnt wasnt werent arent couldnt wouldnt shouldnt aint im ive id youre
    thats whats theres hes shes theyre lets its ill dis dat dem wiv wid ur u r y n c b k x
    stop done finish finished quit enough end
    """.split())
# Valid Roman numerals ("xxv") are in the lemma tables but are no answer.
ROMAN_RE = re.compile(r"^m{0,4}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


@functools.lru_cache(maxsize=1)
def load_lemma_table() -> dict:
    """spacy-lookups-data's English lemma table (form -> lemma), read without spaCy."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "en_lemma_lookup.json.gz"
    if not path.is_file():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=1)
def load_known_words() -> frozenset:
    """English words: spacy-lookups-data's lemma table (forms and lemmas) and the common words.

    Rare "words" of the frequency list ("qqq", "asdf") are left out on purpose.
    """
    words = set(load_common_words())
    for form, lemma in load_lemma_table().items():
        for w in (form, lemma):
            w = norm_word(w)
            if w.isalpha() and not (len(w) > 1 and ROMAN_RE.match(w) and w not in words):
                words.add(w)
    return frozenset(words)


def squeeze(word: str) -> set[str]:
    """Spellings of a word with stretched letters undone ("yesss" -> "yes", "nooo" -> "no", "hiii" -> "hi")."""
    return {word, re.sub(r"(.)\1{2,}", r"\1", word), re.sub(r"(.)\1{2,}", r"\1\1", word),
            re.sub(r"(.)\1+", r"\1", word)}


# --------------------------------------------------------------------------- data types

@dataclass
class Tok:
    """A normalised input token with its character span."""

    norm: str
    lemma: str
    start: int
    end: int
    orig: str


@dataclass(frozen=True)
class Form:
    """One indexed way of saying a concept."""

    words: tuple[str, ...]
    type: str
    value: str
    text: str


@dataclass
class Match:
    """A concept found over content tokens [i, j) with a match quality (0 best)."""

    i: int
    j: int
    type: str
    value: str
    quality: int
    form: Form
    clause: int = 0
    place: bool = False


# --------------------------------------------------------------------------- the matcher

class ConceptMatcher:
    """Finds catalogue concepts in token lists and applies the annotation conventions."""

    def __init__(self, concepts: dict, common_words: Iterable[str] | None = None,
                 extra_forms: dict | None = None):
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
    def from_catalogue(cls, **kwargs) -> "ConceptMatcher":
        """A matcher over the project's symbol catalogue."""
        return cls(load_catalogue().concepts, **kwargs)

    def _add_form(self, text: str, ctype: str, cid: str) -> None:
        words = [w for w in split_words(text) if w not in SKIP_WORDS] or split_words(text)
        if ctype == "rating" or not words:
            return  # ratings are found by rules (see _ratings), not by phrase
        seen = {(f.words, f.value) for f in self.forms[-50:]}
        variants = [tuple(words)]
        if len(words) == 2 and len(words[0]) + len(words[1]) >= 6:
            variants.append((words[0] + words[1],))  # "zoo keeper" -> "zookeeper"
        for v in variants:
            if (v, cid) not in seen:
                self.forms.append(Form(v, ctype, cid, text))

    # ----------------------------------------------------------------- tokens

    @staticmethod
    def prepare(tokens: Iterable, text: str | None = None) -> list[Tok]:
        """Normalise tokens: glue pieces spaCy split off a word ("do"+"nt" -> "dont")."""
        out: list[Tok] = []
        for t in tokens:
            get = t.get if isinstance(t, dict) else (lambda k, t=t: getattr(t, k, None))
            raw = get("text") or ""
            start, end = get("start"), get("end")
            lemma = get("lemma") or raw
            n = norm_word(raw)
            if not re.search(r"[a-z0-9]", n):
                continue
            n = re.sub(r"[^a-z0-9]", "", n)
            if out and start is not None and out[-1].end == start and (
                    raw[:1] in "'\u2019" or n in ("nt", "s", "m", "d", "ll", "re", "ve", "t")):
                prev = out[-1]
                out[-1] = Tok(prev.norm + n, prev.norm + n, prev.start, end, prev.orig + raw)
                continue
            out.append(Tok(n, norm_word(lemma), start, end, raw))
        return out

    @staticmethod
    def tokenize(text: str) -> list[dict]:
        """A plain tokenizer for callers without spaCy: words with their offsets, and the
        lemma from the same lookup table the Rasa pipeline's lemmatizer uses."""
        lemmas = load_lemma_table()
        return [{"text": m.group(0), "lemma": lemmas.get(m.group(0).lower()),
                 "start": m.start(), "end": m.end()}
                for m in re.finditer(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*", text)]

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
        return not any(self.is_known_word(t.norm) or (t.lemma and t.lemma != t.norm and self.is_known_word(t.lemma))
                       for t in toks)

    # ----------------------------------------------------------------- public API

    def match_text(self, text: str, intent: str | None = None,
                   expect: tuple[str, ...] | None = None) -> list[dict]:
        """Concept entities in a text, tokenised without spaCy."""
        return self.find(self.tokenize(text), text=text, intent=intent, expect=expect)

    def find(self, tokens: Iterable, text: str | None = None, intent: str | None = None,
             expect: tuple[str, ...] | None = None) -> list[dict]:
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
        clauses = self._clauses(words)
        ctx = self._contexts(words, clauses, intent, expect)
        raw = self._find_forms(toks, content)
        for m in raw:
            m.clause = clauses[content[m.i]]
        chosen = self._select(raw, ctx)
        chosen = [m for m in chosen if self._keep(m, toks, content, words, ctx, intent)]
        chosen = self._apply_clause_rules(chosen, toks, content, words, clauses, ctx)
        out = [self._entity(m, toks, content) for m in chosen]
        out += self._ratings(toks, words, intent, out)
        if intent in NO_ENTITY_INTENTS:
            out = [e for e in out if e["entity"] not in NO_ENTITY_TYPES]
        out.sort(key=lambda e: (e["start"], e["entity"]))
        return out

    # ----------------------------------------------------------------- context

    @staticmethod
    def _clauses(words: list[str]) -> list[int]:
        """Clause number of each token: clauses split at "but", "and", "because"..."""
        n, out = 0, []
        for k, w in enumerate(words):
            if w in CLAUSE_BREAKS and k > 0:
                n += 1
            out.append(n)
        return out

    @staticmethod
    def _has(words: list[str], cues: Iterable[str]) -> bool:
        joined = " " + " ".join(words) + " "
        return any(f" {c} " in joined for c in cues)

    def _contexts(self, words: list[str], clauses: list[int], intent: str | None,
                  expect: tuple[str, ...] | None = None) -> dict:
        """Per clause: is it a statement of need, an aspiration, about living?"""
        n = clauses[-1] + 1 if clauses else 1
        per = []
        for c in range(n):
            cw = [w for w, k in zip(words, clauses) if k == c]
            per.append({"need": self._has(cw, NEED_CUES),
                        "aspiration": self._has(cw, ASPIRATION_CUES),
                        "words": cw})
        # A clause without cues of its own continues the one before it; the first falls
        # back on the intent ("swimming is hard" has a cue, "maths" after it does not).
        for c in range(n):
            if not per[c]["need"] and not per[c]["aspiration"]:
                if c > 0:
                    own_eval = self._has(per[c]["words"], ("like", "love", "hate", "enjoy", "good at", "felt", "was", "is"))
                    if not own_eval:
                        per[c]["need"], per[c]["aspiration"] = per[c - 1]["need"], per[c - 1]["aspiration"]
                elif intent == "express_need_help":
                    per[c]["need"] = True
                elif intent == "express_aspiration":
                    per[c]["aspiration"] = True
        if intent == "express_need_help" and not any(p["need"] for p in per):
            per[0]["need"] = True
        if intent == "express_aspiration" and not any(p["aspiration"] for p in per):
            per[0]["aspiration"] = True
        expect = tuple(expect or ())
        if expect[:1] in (("job",), ("pathway",)):
            for p in per:
                p["aspiration"] = True  # "What job would you like to do?": a job named is one
        living = self._has(words, LIVING_CUES) or "living" in expect or "*" in expect
        activity = intent == "express_good_at"
        return {"clauses": per, "living": living, "all_words": words, "activity_intent": activity,
                "expect": tuple(t for t in expect if t != "*"),
                "support_asked": "support" in expect[:2]}

    # ----------------------------------------------------------------- selection

    def _select(self, matches: list[Match], ctx: dict) -> list[Match]:
        """Keep non-overlapping matches: longest first, then best quality, then type order."""
        def order(m: Match):
            c = ctx["clauses"][m.clause]
            types = TYPE_ORDER_NEED if c["need"] else TYPE_ORDER_ASPIRATION if c["aspiration"] else TYPE_ORDER_DEFAULT
            # The question's own types come first ("too many people" is crowded when asked
            # what was not liked, and overwhelmed when asked how it felt).
            types = ctx["expect"] + tuple(t for t in types if t not in ctx["expect"])
            # Support words count only in a need; elsewhere they lose every tie.
            rank = types.index(m.type) if m.type in types else 99
            if m.type == "support" and not (c["need"] or ctx["support_asked"]):
                rank = 100
            # In a need, a support concept wins over a longer feeling or interest phrase
            # ("I need a break" is the support, not "needed a break" feeling).
            support_first = 0 if (c["need"] and m.type == "support") else 1
            # With the question in hand, a reading that answers it beats a longer one that
            # does not ("too busy" is crowded, not overwhelmed, when asked what was hard).
            unexpected = 1 if ctx["expect"] and m.type not in ctx["expect"] else 0
            return (unexpected, support_first, -(m.j - m.i), m.quality, rank, m.i)
        # Skills name activities: "a good singer" is singing.
        activity_spans = {(m.i, m.j) for m in matches if m.type == "interest"}
        matches = [m for m in matches if not (
            m.type == "job" and (m.i, m.j) in activity_spans
            and not ctx["clauses"][m.clause]["aspiration"] and ctx.get("activity_intent"))]
        chosen: list[Match] = []
        taken: set[int] = set()
        for m in sorted(matches, key=order):
            span = set(range(m.i, m.j))
            if span & taken:
                continue
            chosen.append(m)
            taken |= span
        return sorted(chosen, key=lambda m: m.i)

    def _keep(self, m: Match, toks: list[Tok], content: list[int], words: list[str],
              ctx: dict, intent: str | None) -> bool:
        """Context rules that drop a single match."""
        c = ctx["clauses"][m.clause]
        first = content[m.i]
        prev = [toks[k].norm for k in range(max(0, first - 3), first)]
        nxt = toks[content[m.j]].norm if m.j < len(content) else ""
        if m.type == "support":
            return c["need"] or ctx["support_asked"]  # convention 6: support only in needs
        if m.type == "living":
            strong = m.form.text.lower() in {"supported living", "a group home", "my own flat", "my own house",
                                             "live alone", "live independently", "live at home", "get married"}
            return strong or ctx["living"]  # convention 7: "by myself" is living only about living
        if m.type == "pathway" and m.value == "paid_job":
            if "experience" in words[first:first + 3]:
                return False  # "work experience" is an encounter
            return c["aspiration"]
        if m.type == "feeling":
            w = m.form.words
            if any(p in NEGATIONS for p in prev[-2:]) and w[0] not in NEGATIONS:
                if m.value != "happy":
                    return False  # "I wasn't scared": no feeling named
                m.value = "sad"   # "not happy"
            if m.value == "calm" and prev and (prev[-1] in {"its", "thats"} or prev[-2:] == ["it", "is"]):
                return False  # "it's ok" rates an unnamed it (convention 5)
            if m.j - m.i == 1 and toks[first].norm in INTENSIFIERS and nxt and nxt not in CLAUSE_BREAKS:
                return False  # "well nervous", "proper buzzing": "well" (lemma "good") only intensifies
            if len(w) == 1 and w[0] in AMBIGUOUS_FEELINGS:
                alone = len(content) <= 2
                core = list(prev)
                while core and core[-1] in INTENSIFIERS:
                    core.pop()
                attributive = bool(core) and core[-1] in {"a", "an"}  # "a really good drummer"
                if nxt in NOT_FEELING_AFTER or attributive:
                    return False
                return alone or any(p in PREDICATE_CUES for p in prev)
            if intent in ("dont_know",) and m.value == "unsure":
                return False
        if m.type == "job" and toks[content[m.j - 1]].norm.endswith("s") and m.j - m.i == 1:
            before = " ".join(toks[k].norm for k in range(max(0, first - 2), first))
            if before in PLACE_AFTER:
                m.place = True  # "at the doctors": a place; dropped if a job is named too
        return True

    def _apply_clause_rules(self, chosen: list[Match], toks, content, words, clauses, ctx) -> list[Match]:
        """Rules that look at the other concepts of the clause (conventions 3, 6, 8)."""
        out: list[Match] = []
        for c, info in enumerate(ctx["clauses"]):
            group = [m for m in chosen if m.clause == c]
            others = [m for m in chosen if m.clause != c]
            jobs = [m for m in group if m.type == "job" and not m.place]
            # A place named after a job ("at the doctors") is not a second job.
            group = [m for m in group if not (m.place and (jobs or [j for j in others if j.type == "job"]))]
            if info["need"]:
                supports = {m.value for m in group if m.type == "support"}
                absorbed = set().union(*(ABSORBED_BY_SUPPORT.get(s, set()) for s in supports)) if supports else set()
                kept = []
                for m in group:
                    if m.type == "interest" and m.value in absorbed:
                        continue
                    if m.type == "pathway" and supports:
                        continue  # "help getting the bus to college": college is the setting
                    if m.type == "interest" and m.value in INTEREST_TO_SUPPORT and not supports:
                        m.type, m.value = "support", INTEREST_TO_SUPPORT[m.value]
                    kept.append(m)
                group = kept
            if info["aspiration"]:
                cw = info["words"]
                jobs = [m for m in chosen if m.type == "job" and ctx["clauses"][m.clause]["aspiration"]]
                pathways = [m for m in group if m.type == "pathway" and m.value != "paid_job"]
                studying = bool(pathways) and self._has(cw, STUDY_CUES)
                if not jobs and not studying and self._has(cw, WORK_CUES):
                    for m in group:
                        if m.type == "interest" and m.value in INTEREST_TO_JOB:
                            m.type, m.value = "job", INTEREST_TO_JOB[m.value]
                    jobs = [m for m in group if m.type == "job"]
                if jobs or (pathways and not studying):
                    group = [m for m in group if m.type != "interest"]  # convention 3: the job only
                if jobs:
                    group = [m for m in group if m.value != "paid_job"]
            out.extend(group)
        # Several matches of one concept: keep the first, grown over adjacent repeats
        # ("baking cakes" is one mention of cooking).
        first: dict = {}
        unique = []
        for m in sorted(out, key=lambda m: m.i):
            key = (m.type, m.value)
            if key not in first:
                first[key] = m
                unique.append(m)
            elif first[key].j == m.i:
                first[key].j = m.j
        return unique

    # ----------------------------------------------------------------- ratings

    def _ratings(self, toks: list[Tok], words: list[str], intent: str | None, found: list[dict]) -> list[dict]:
        """Convention 5: a rating only where the pupil evaluates an unnamed it/that/one."""
        if intent in NO_RATING_INTENTS:
            return []
        if any(e["entity"] in ("interest", "job", "pathway", "living", "support", "feeling", "sensory") for e in found):
            return []
        for k, w in enumerate(words):
            nxt = words[k + 1] if k + 1 < len(words) else ""
            negated = any(p in NEGATIONS for p in words[max(0, k - 2):k])
            value = None
            if w in RATING_VERBS_LIKE and nxt in RATING_PRONOUNS:
                value = "dont_like" if negated else "like"
            elif w in RATING_VERBS_DISLIKE and nxt in RATING_PRONOUNS:
                value = "not_sure" if negated else "dont_like"
            elif w == "stand" and nxt in RATING_PRONOUNS and negated:
                value = "dont_like"
            if value:
                return [self._rating_entity(value, toks[k].start, toks[k + 1].end, toks[k].orig)]
        joined = " ".join(words)
        for phrase, value in sorted(RATING_FIXED.items(), key=lambda kv: -len(kv[0])):
            m = re.search(rf"(?:^| ){re.escape(phrase)}(?: |$)", joined)
            if m:
                k0 = joined[:m.start() + (1 if m.start() else 0)].count(" ")
                k1 = k0 + phrase.count(" ")
                return [self._rating_entity(value, toks[k0].start, toks[k1].end, phrase)]
        return []

    @staticmethod
    def _rating_entity(value: str, start, end, text) -> dict:
        return {"entity": "rating", "value": value, "start": start, "end": end, "confidence": 0.9, "text": text}

    @staticmethod
    def _entity(m: Match, toks: list[Tok], content: list[int]) -> dict:
        a, b = toks[content[m.i]], toks[content[m.j - 1]]
        return {"entity": m.type, "value": m.value, "start": a.start, "end": b.end,
                "confidence": (1.0, 0.9, 0.75)[m.quality], "text": m.form.text}


@functools.lru_cache(maxsize=1)
def default_matcher() -> ConceptMatcher:
    """The catalogue matcher, built once."""
    return ConceptMatcher.from_catalogue()

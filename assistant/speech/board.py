"""The board on screen as something to listen for: each card's phrases (its label, a few of
the ways pupils say it, and yes/no synonyms), the carriers pupils put before an answer
("I like", "it was"), a JSGF grammar built from them, and the mapping from heard words back
to one card (or to none)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from assistant.vocabulary import SPECIAL_CARD_LABELS
from symbols.catalogue import Catalogue

# Words said around an answer: "I like cooking", "it was good", "I want to be a chef".
CARRIERS = (
    "i like",
    "i love",
    "i liked",
    "i'd like",
    "i like doing",
    "i'm good at",
    "i felt",
    "i feel",
    "i was",
    "i am",
    "i'm",
    "it was",
    "it's",
    "i think",
    "i want to be a",
    "i want to",
    "i want",
    "i would like to",
    "i need",
    "maybe",
    "um",
    "er",
)
TAILS = ("please", "thank you", "thanks")
# Phrases for the special and rating cards beyond their labels.
SPECIAL_PHRASES = {
    "yes": ("yes", "yeah", "yep", "yes please", "yup"),
    "no": ("no", "nope", "no thanks", "no thank you", "nah"),
    "dont_know": ("i don't know", "don't know", "dunno", "no idea"),
    "skip": ("skip", "skip this question", "next question", "skip it"),
    "like": ("i like it", "like it", "love it", "i love it", "thumbs up"),
    "not_sure": ("not sure", "i'm not sure", "maybe", "in between"),
    "dont_like": ("i don't like it", "don't like it", "hate it", "i hate it", "not for me"),
}
# Common words that are not answers: the grammar's way to say "none of these" (kept short:
# a longer list swallows real answers).
GARBAGE = (
    "the a an and but or so then that this it is was were be been have has had do did "
    "does not what when where who why how which there here they them their we us our you "
    "your he she his her him my me one two three some any all more most very really just "
    "like about from with into for on in at to of up down out over again go going went "
    "come came get got make made see saw know think say said tell told look want day "
    "time today yesterday tomorrow school home class lesson teacher friend mum dad food "
    "water play played work house car bus lunch dinner break morning after before now "
    "because if well oh hello bye okay right left big little new old red blue green"
).split()
MAX_SYNONYMS = 3
MAX_PHRASE_WORDS = 4
WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Choice:
    """One card on the board and the phrases that name it."""

    id: str
    label: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Board:
    """The cards on screen, in the order shown."""

    choices: tuple[Choice, ...]

    @property
    def key(self) -> str:
        """Names the grammar of this option set (same cards and phrases, same key)."""
        text = "\n".join(f"{c.id}:{'|'.join(c.phrases)}" for c in self.choices)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def get(self, choice_id: str) -> Choice | None:
        """The choice with this id, if it is on the board."""
        return next((c for c in self.choices if c.id == choice_id), None)


def normalise(text: str) -> str:
    """Lower case words only: "I like Cooking!" -> "i like cooking"."""
    text = text.lower().replace("\u2019", "'").replace("-", " ")
    return " ".join(WORD.findall(text)).replace(" '", " ").strip("'")


def board_of_phrases(options: list[str]) -> Board:
    """A board from plain option phrases (the CLI's --choices): each is its own id."""
    choices = []
    for option in options:
        phrase = normalise(option)
        if phrase:
            extra = SPECIAL_PHRASES.get(phrase.replace(" ", "_").replace("'", ""), ())
            choices.append(Choice(option.strip(), option.strip(), _unique((phrase, *extra))))
    return _without_shared_phrases(choices)


def board_of_cards(catalogue: Catalogue, card_ids: list[str]) -> Board:
    """A board from the card ids on screen: labels and a few short ways of saying each."""
    choices = []
    for card_id in card_ids:
        concept = catalogue.get(card_id)
        if card_id in SPECIAL_CARD_LABELS or concept is None:
            label = SPECIAL_CARD_LABELS.get(card_id, card_id.replace("_", " "))
            phrases = (normalise(label), *SPECIAL_PHRASES.get(card_id, ()))
        else:
            label = concept.label
            short = [normalise(s) for s in concept.say if 0 < len(normalise(s).split()) <= MAX_PHRASE_WORDS]
            phrases = (
                normalise(label),
                *SPECIAL_PHRASES.get(card_id, ()),
                *[s for s in short if s != normalise(label)][:MAX_SYNONYMS],
            )
        choices.append(Choice(card_id, label, _unique(phrases)))
    return _without_shared_phrases(choices)


def _unique(phrases) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in phrases if p))


def _without_shared_phrases(choices: list[Choice]) -> Board:
    # A phrase that names two cards proves neither ("not sure" on a feelings board).
    counts: dict[str, int] = {}
    for choice in choices:
        for phrase in choice.phrases:
            counts[phrase] = counts.get(phrase, 0) + 1
    return Board(
        tuple(Choice(c.id, c.label, tuple(p for p in c.phrases if counts[p] == 1) or c.phrases[:1]) for c in choices)
    )


def match(board: Board, text: str) -> str | None:
    """The one card that `text` names, or None: no card named, two cards named, or a word
    said three or more times (whisper's "Good, good, good." on noise)."""
    words = normalise(text).split()
    if not words or any(words.count(w) >= 3 for w in set(words)):
        return None
    found: list[tuple[int, int, str]] = []  # (start, end, choice id), longest phrases first
    spans = sorted(
        ((phrase.split(), choice.id) for choice in board.choices for phrase in choice.phrases),
        key=lambda item: -len(item[0]),
    )
    taken = [False] * len(words)
    for phrase, choice_id in spans:
        n = len(phrase)
        for start in range(len(words) - n + 1):
            if words[start : start + n] == phrase and not any(taken[start : start + n]):
                found.append((start, start + n, choice_id))
                taken[start : start + n] = [True] * n
    ids = {choice_id for _, _, choice_id in found}
    return ids.pop() if len(ids) == 1 else None


def jsgf(board: Board, known, garbage: bool = True) -> str | None:
    """A JSGF grammar: [carrier] option [tail] | garbage. `known(word)` says whether the
    recogniser's dictionary has a word; phrases with unknown words are left out. None when
    no option can be said."""

    def sayable(phrase: str) -> bool:
        return all(known(word) for word in phrase.split())

    options = []
    for index, choice in enumerate(board.choices):
        phrases = [p for p in choice.phrases if sayable(p)]
        if phrases:
            options.append(f"<c{index}> = {' | '.join(phrases)};")
    if not options:
        return None
    answer_words = {w for c in board.choices for p in c.phrases for w in p.split()}
    carriers = [c for c in CARRIERS if sayable(c)]
    tails = [t for t in TAILS if sayable(t)]
    fillers = [
        w for w in GARBAGE if w not in answer_words and w not in {x for c in carriers for x in c.split()} and known(w)
    ]
    names = " | ".join(line.split(" ", 1)[0] for line in options)
    answer = f"[<carrier>] ({names}) [<tail>]"
    lines = [
        "#JSGF V1.0;",
        "grammar board;",
        f"public <answer> = {answer}" + (" | <garbage>;" if garbage and fillers else ";"),
        f"<carrier> = {' | '.join(carriers)};",
        f"<tail> = {' | '.join(tails)};",
        *options,
    ]
    if garbage and fillers:
        # One word, not a loop: a (...)+ loop makes pocketsphinx's FSG search 10-100x slower.
        lines.append(f"<garbage> = {' | '.join(fillers)};")
    return "\n".join(lines) + "\n"

"""The three conversations as plans of questions, and how answers are put into words.

Questions are short and concrete. Ratings use the three-point scale, never a leading
yes/no; yes/no is kept for checking back ("You like cooking. Is that right?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symbols.catalogue import Concept


@dataclass(frozen=True)
class Step:
    """One question of a conversation."""

    id: str
    question: str  # may hold {place}: the encounter's title
    simple: str  # the plainer wording used after a misunderstanding
    board: str  # choice | feelings | scale
    types: tuple[str, ...]  # concept types that answer it ("*": any)
    cards: tuple[str, ...] = ()  # answer cards in priority order (the profile sets how many)
    stance: str = ""  # how an answer is put into words (see describe)

    def text(self, place: str) -> str:
        return self.question.format(place=place)


# Good and hard feelings in turn, so a board of any size offers both alike.
BALANCED_FEELINGS = (
    "happy",
    "worried",
    "calm",
    "sad",
    "excited",
    "scared",
    "proud",
    "overwhelmed",
    "unsure",
    "bored",
    "tired",
    "angry",
)
# The questions whose cards come first from the encounter and the pupil's own likes.
ENCOUNTER_STEPS = ("expect_like", "liked")

PLANS: dict[str, tuple[Step, ...]] = {
    "interests": (
        Step(
            "likes",
            "What do you like doing?",
            "What do you like?",
            "choice",
            ("interest",),
            (
                "cooking",
                "animals",
                "football",
                "music",
                "art",
                "computers",
                "video_games",
                "gardening",
                "swimming",
                "dance",
                "transport",
                "shops",
            ),
            "like",
        ),
        Step(
            "dislikes",
            "What don't you like doing?",
            "What do you not like?",
            "choice",
            ("interest", "sensory"),
            ("noisy", "crowded", "cleaning", "sport", "reading", "maths", "shops", "cooking", "bright"),
            "dont_like",
        ),
        Step(
            "good_at",
            "What are you good at?",
            "What can you do well?",
            "choice",
            ("interest",),
            ("art", "computers", "cooking", "sport", "music", "reading", "maths", "building", "animals"),
            "good_at",
        ),
        Step(
            "help_needed",
            "What help do you need?",
            "What would help you?",
            "choice",
            ("support", "interest"),
            (
                "someone_with_me",
                "quiet_space",
                "reading_help",
                "breaks",
                "extra_time",
                "step_by_step",
                "visual_timetable",
                "travel_help",
                "money_help",
            ),
            "need",
        ),
        Step(
            "important",
            "What is important to you?",
            "What matters to you?",
            "choice",
            ("interest", "living", "job", "pathway", "support", "sensory"),
            (
                "with_family",
                "with_friends",
                "animals",
                "music",
                "outdoors",
                "sport",
                "video_games",
                "caring",
                "films_tv",
            ),
            "important",
        ),
    ),
    "prepare": (
        Step(
            "expect_feeling",
            "How do you feel about going to {place}?",
            "How do you feel about it?",
            "feelings",
            ("feeling",),
            BALANCED_FEELINGS,
            "expect_felt",
        ),
        Step(
            "expect_like",
            "What do you think you will like at {place}?",
            "What will be good?",
            "choice",
            ("interest", "job", "sensory"),
            (
                "animals",
                "cooking",
                "computers",
                "shops",
                "cafe",
                "building",
                "cars",
                "caring",
                "outdoors",
                "office",
                "gardening",
                "quiet",
            ),
            "expect_like",
        ),
        Step(
            "worries",
            "Is anything worrying you about {place}?",
            "Any worries?",
            "choice",
            ("sensory", "feeling", "support", "interest"),
            ("noisy", "crowded", "bright", "smelly", "hot", "cold", "transport", "overwhelmed", "worried"),
            "worry",
        ),
        Step(
            "help_there",
            "What would help you at {place}?",
            "What would help?",
            "choice",
            ("support",),
            (
                "someone_with_me",
                "quiet_space",
                "breaks",
                "visual_timetable",
                "step_by_step",
                "travel_help",
                "extra_time",
                "communication_help",
                "reading_help",
            ),
            "need",
        ),
    ),
    "debrief": (
        Step(
            "feeling",
            "How did you feel at {place}?",
            "How did you feel?",
            "feelings",
            ("feeling",),
            BALANCED_FEELINGS,
            "felt",
        ),
        Step(
            "liked",
            "What did you like at {place}?",
            "What was good?",
            "choice",
            ("interest", "job", "sensory", "feeling"),
            (
                "animals",
                "cooking",
                "computers",
                "shops",
                "cafe",
                "building",
                "cars",
                "caring",
                "quiet",
                "outdoors",
                "office",
                "gardening",
            ),
            "liked",
        ),
        Step(
            "hard",
            "What was hard at {place}?",
            "What was hard?",
            "choice",
            ("sensory", "feeling", "support", "interest"),
            ("noisy", "crowded", "overwhelmed", "bright", "tired", "worried", "smelly", "hot", "cold"),
            "hard",
        ),
        Step(
            "again",
            "What do you think about going to {place} again?",
            "Go there again?",
            "scale",
            ("rating",),
            (),
            "again",
        ),
        Step(
            "do_job",
            "What do you think about doing a job like that?",
            "A job like that?",
            "scale",
            ("rating",),
            (),
            "do_job",
        ),
    ),
    "aspirations": (
        Step(
            "work_learning",
            "When you leave school, what would you like to do?",
            "After school, what next?",
            "choice",
            ("pathway", "job", "interest"),
            (
                "college",
                "paid_job",
                "supported_internship",
                "apprenticeship",
                "sixth_form",
                "volunteering",
                "supported_employment",
                "specialist_college",
                "day_centre",
                "university",
                "own_business",
            ),
            "aspire",
        ),
        Step(
            "job",
            "What job would you like to do?",
            "What job?",
            "choice",
            ("job",),
            (
                "chef",
                "shop_worker",
                "animal_carer",
                "gardener",
                "mechanic",
                "driver",
                "carer",
                "cafe_worker",
                "hairdresser",
                "builder",
                "office_worker",
                "it_worker",
            ),
            "aspire",
        ),
        Step(
            "living",
            "Where would you like to live when you are older?",
            "Where will you live?",
            "choice",
            ("living",),
            ("with_family", "on_my_own", "supported_living", "with_friends", "with_partner"),
            "live",
        ),
        Step(
            "community",
            "What would you like to do with your friends?",
            "What do you do with friends?",
            "choice",
            ("interest",),
            ("films_tv", "video_games", "music", "dance", "sport", "shops", "cafe", "drama", "swimming"),
            "community",
        ),
        Step(
            "health",
            "What helps you to feel healthy and happy?",
            "What keeps you well?",
            "choice",
            ("interest", "support"),
            ("outdoors", "sport", "swimming", "football", "bikes", "dance", "cooking", "breaks", "quiet_space"),
            "health",
        ),
    ),
}

# The recall question for an answer from an earlier session, on the three-point scale.
RECALL_STEP = Step("recall", "What do you think about {place} now?", "{place} now?", "scale", ("rating",), (), "recall")
# A control question, asked once when a pupil's choices follow the cards' places rather
# than what is on them: one earlier answer again, in another format (the scale).
CONTROL_STEP = Step("control", "What do you think about {place}?", "{place}?", "scale", ("rating",), (), "control")

# The last question of every conversation: the pupil ends it (words said here are kept).
ANYTHING_ELSE_STEP = Step(
    "anything_else",
    "That's all my questions. Is there anything else you want to tell me?",
    "Anything else?",
    "end",
    ("*",),
    (),
    "",
)

INTRODUCTIONS = {
    "interests": "Hello {name}! Let's talk about you and what you like.",
    "prepare": "Hello {name}! Soon you are going to {place}. Let's talk about it.",
    "debrief": "Hello {name}! Let's talk about {place}.",
    "aspirations": "Hello {name}! Let's talk about when you leave school.",
}

RATING_CLAUSES = {
    "again": {
        "like": "you would like to go again",
        "not_sure": "you are not sure about going again",
        "dont_like": "you would not like to go again",
    },
    "do_job": {
        "like": "you would like a job like that",
        "not_sure": "you are not sure about a job like that",
        "dont_like": "you would not like a job like that",
    },
    "recall": {"like": "you like {x}", "not_sure": "you are not sure about {x}", "dont_like": "you don't like {x}"},
    "control": {"like": "you like {x}", "not_sure": "you are not sure about {x}", "dont_like": "you don't like {x}"},
}

# Stances whose answer is a like or dislike: the entry's rating says so too.
LIKE_STANCES = {"like": "like", "dont_like": "dont_like"}

# Which way each stance leans (+1 for it, -1 against it); stances without a lean (feelings,
# needs) never turn over. When the pupil's own words lean the other way ("I love cooking"
# to "What don't you like?"), the answer takes the opposite stance.
STANCE_LEAN = {
    "like": 1,
    "dont_like": -1,
    "liked": 1,
    "hard": -1,
    "expect_like": 1,
    "worry": -1,
    "good_at": 1,
    "important": 1,
    "community": 1,
    "health": 1,
    "aspire": 1,
    "live": 1,
    "dont_want": -1,
}
# Every stance an answer can take (a check-back card may carry one).
STANCES = (
    "like",
    "dont_like",
    "good_at",
    "need",
    "important",
    "expect_felt",
    "expect_like",
    "worry",
    "felt",
    "liked",
    "hard",
    "again",
    "do_job",
    "aspire",
    "live",
    "community",
    "health",
    "recall",
    "dont_want",
    "not_sure",
)
OPPOSITE_STANCE = {
    "like": "dont_like",
    "dont_like": "like",
    "liked": "hard",
    "hard": "liked",
    "expect_like": "worry",
    "worry": "expect_like",
    "good_at": "need",
    "important": "dont_like",
    "community": "dont_like",
    "health": "dont_like",
    "aspire": "dont_want",
    "live": "dont_want",
    "dont_want": "aspire",
}

FEELING_PHRASES = {"overwhelmed": "that it was too much", "unsure": "not sure"}


def stance_for(question_stance: str, polarity: int) -> str:
    """The stance of an answer: the question's, unless the pupil's words lean the other way."""
    lean = STANCE_LEAN.get(question_stance)
    if not polarity or lean is None or (polarity > 0) == (lean > 0):
        return question_stance
    return OPPOSITE_STANCE[question_stance]


def moved_stance(stance: str, group: str) -> str:
    """The stance of an answer the pupil moved on the final mat to like, not sure or don't
    like: the question's own stance or its opposite where it has a lean, else the group."""
    if group == "not_sure":
        return "not_sure"
    polarity = 1 if group == "like" else -1
    if stance in STANCE_LEAN:
        return stance_for(stance, polarity)
    return "like" if polarity > 0 else "dont_like"


def other_stance(stance: str) -> str | None:
    """The opposite reading of a stance, offered beside it when an answer is checked back."""
    return OPPOSITE_STANCE.get(stance) if stance in STANCE_LEAN else None


def steps_for(conversation: str) -> tuple[Step, ...]:
    """The questions of one conversation, in order."""
    return PLANS[conversation]


# How a concept reads as the subject of "What do you think about ... now?" when its label
# is not a noun ("noisy" -> "noise").
SUBJECT_PHRASES = {
    "noisy": "noise",
    "quiet": "quiet places",
    "crowded": "crowds",
    "bright": "bright lights",
    "smelly": "smells",
    "hot": "the heat",
    "cold": "the cold",
}


def recall_subject(concept: Concept) -> str:
    """A concept as a noun phrase: "noise", "being a chef", "living on your own"."""
    if concept.id in SUBJECT_PHRASES:
        return SUBJECT_PHRASES[concept.id]
    if concept.type == "job":
        return "being " + _with_article(plain_label(concept))
    if concept.type == "living":
        return "living " + plain_label(concept)
    return plain_label(concept)


def plain_label(concept: Concept) -> str:
    """A concept's label as it reads inside a sentence said to the pupil."""
    label = concept.label
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        label = label[0].lower() + label[1:]
    label = re.sub(r"\bmy\b", "your", label)
    label = re.sub(r"\bme\b", "you", label)
    return label


def join_words(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _with_article(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def _clause_for(stance: str, concept: Concept) -> str:
    x = plain_label(concept)
    if stance == "not_sure":
        return f"you are not sure about {recall_subject(concept)}"
    if stance == "important":
        return f"being {x} is important to you" if concept.type == "living" else f"{x} is important to you"
    if concept.type == "feeling":
        return ("you feel " if stance in ("expect_felt", "worry") else "you felt ") + FEELING_PHRASES.get(concept.id, x)
    if stance == "worry":
        return f"you are worried it might be {x}" if concept.type == "sensory" else f"you are worried about {x}"
    if stance == "expect_like":
        return f"you think you will like {x}" if concept.type != "sensory" else f"you think it will be {x}"
    if concept.type == "sensory":
        if stance == "dont_like":
            return f"you don't like it when it is {x}"
        if stance == "like":
            return f"you like it when it is {x}"
        return ("it was " + x) if stance == "hard" else ("you liked that it was " + x)
    if concept.type == "support":
        if stance == "health":
            return f"{x} helps you feel well"
        return ("you needed " if stance == "hard" else "you need ") + x
    if stance == "hard" and concept.type in ("job", "pathway", "living"):
        return f"you found {'the job of ' if concept.type == 'job' else ''}{x} hard"
    if concept.type == "job":
        if stance in ("liked",):
            return "you liked the job of " + x
        if stance in ("dont_like", "dont_want"):
            return "you would not like to be " + _with_article(x)
        return "you would like to be " + _with_article(x)
    if concept.type == "pathway":
        if stance in ("dont_like", "dont_want"):
            return "after school you would not like: " + x
        return "after school you would like: " + x
    if concept.type == "living":
        if stance in ("dont_like", "dont_want"):
            return "you would not like to live " + x
        return "you would like to live " + x
    if concept.type == "rating":
        return {"like": "you like it", "not_sure": "you are not sure", "dont_like": "you don't like it"}[concept.id]
    return {
        "like": "you like {x}",
        "dont_like": "you don't like {x}",
        "good_at": "you are good at {x}",
        "need": "you find {x} hard",
        "important": "{x} is important to you",
        "liked": "you liked {x}",
        "hard": "{x} was hard",
        "aspire": "you are interested in {x}",
        "community": "with your friends you would like {x}",
        "health": "{x} helps you feel well",
        "expect_like": "you think you will like {x}",
        "dont_want": "you would not like {x}",
        "not_sure": "you are not sure about {x}",
    }.get(stance, "you said {x}").format(x=x)


def describe(stance: str, concepts: list[Concept]) -> str:
    """Put an answer into a second-person clause: 'you like cooking and football'.

    Concepts of the same kind are joined into one clause; different kinds into several.
    """
    groups: dict[str, list[Concept]] = {}
    for concept in concepts:
        key = concept.type if concept.type in ("interest", "job") else concept.id
        groups.setdefault(key, []).append(concept)
    clauses = []
    for members in groups.values():
        if len(members) > 1 and members[0].type == "interest":
            fake = Concept(
                id="", type="interest", label=join_words([plain_label(m) for m in members]), symbol="", alt=""
            )
            clauses.append(_clause_for(stance, fake))
        else:
            clauses.extend(_clause_for(stance, m) for m in members)
    return join_words(clauses)


def describe_rating(stance: str, rating: str, subject: str = "") -> str:
    """A rating on the scale as a clause: 'you would like to go again'."""
    return RATING_CLAUSES[stance][rating].format(x=subject)


def describe_words(words: str) -> str:
    """An answer kept only in the pupil's words."""
    return f'you said "{words}"'


_FIRST_PERSON = [
    (re.compile(r"\byou are\b", re.I), "I am"),
    (re.compile(r"\byou were\b", re.I), "I was"),
    (re.compile(r"\b(helps|to|with|for|help) you\b", re.I), r"\1 me"),
    (re.compile(r"\byour\b", re.I), "my"),
    (re.compile(r"\byou\b", re.I), "I"),
]


def first_person(clause: str) -> str:
    """A clause said to the pupil ("you like cooking") as the pupil's own sentence."""
    for pattern, replacement in _FIRST_PERSON:
        clause = pattern.sub(replacement, clause)
    return sentence(clause)


def sentence(clause: str) -> str:
    """Capitalise a clause into a sentence."""
    return clause[:1].upper() + clause[1:] + "."

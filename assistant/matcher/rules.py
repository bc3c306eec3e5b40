"""The annotation conventions (3-8, tests/data/nlu_heldout.yml) as small rules.

Four kinds, applied in this order by ConceptMatcher.find:
- selection: overlapping matches keep one (`select`);
- match rules: each looks at one match in its place and keeps it (True), drops it (False)
  or has no say (None); the first with a say decides, and a match no rule drops is kept;
- clause rules: each looks at the matches of one clause (and the others) and returns the
  clause's matches to keep;
- ratings: a rating only where nothing else is named (`ratings`).
Rules may re-type a match ("not happy" is sad, "work with animals" is a job).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.matcher.context import has_cue
from assistant.matcher.tokens import Match, Tok
from assistant.matcher.words import (
    ABSORBED_BY_SUPPORT,
    AMBIGUOUS_FEELINGS,
    CLAUSE_BREAKS,
    INTENSIFIERS,
    INTEREST_TO_JOB,
    INTEREST_TO_SUPPORT,
    NEGATIONS,
    NO_RATING_INTENTS,
    NOT_FEELING_AFTER,
    PLACE_AFTER,
    PREDICATE_CUES,
    RATING_FIXED,
    RATING_PRONOUNS,
    RATING_VERBS_DISLIKE,
    RATING_VERBS_LIKE,
    STRONG_LIVING,
    STUDY_CUES,
    TYPE_ORDER_ASPIRATION,
    TYPE_ORDER_DEFAULT,
    TYPE_ORDER_NEED,
    WORK_CUES,
)

# --------------------------------------------------------------------------- selection


def select(matches: list[Match], ctx: dict) -> list[Match]:
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

    matches = skills_name_activities(matches, ctx)
    chosen: list[Match] = []
    taken: set[int] = set()
    for m in sorted(matches, key=order):
        span = set(range(m.i, m.j))
        if span & taken:
            continue
        chosen.append(m)
        taken |= span
    return sorted(chosen, key=lambda m: m.i)


def skills_name_activities(matches: list[Match], ctx: dict) -> list[Match]:
    """Skills name activities: "a good singer" is singing (a job read of the same words is
    dropped when the pupil says what they are good at, outside an aspiration)."""
    activity_spans = {(m.i, m.j) for m in matches if m.type == "interest"}
    return [
        m
        for m in matches
        if not (
            m.type == "job"
            and (m.i, m.j) in activity_spans
            and not ctx["clauses"][m.clause]["aspiration"]
            and ctx.get("activity_intent")
        )
    ]


# --------------------------------------------------------------------------- match rules


@dataclass
class Spot:
    """One match in its place: the tokens around it and the context of its clause."""

    match: Match
    toks: list[Tok]
    content: list[int]
    words: list[str]
    ctx: dict
    intent: str | None

    @property
    def clause(self) -> dict:
        return self.ctx["clauses"][self.match.clause]

    @property
    def first(self) -> int:
        """Index in toks of the match's first token."""
        return self.content[self.match.i]

    @property
    def prev(self) -> list[str]:
        """Up to three words before the match."""
        return [self.toks[k].norm for k in range(max(0, self.first - 3), self.first)]

    @property
    def next(self) -> str:
        """The content word after the match ("" at the end)."""
        m = self.match
        return self.toks[self.content[m.j]].norm if m.j < len(self.content) else ""


def support_only_in_need(s: Spot) -> bool | None:
    """Convention 6: support concepts only in statements of need (or when help is asked about)."""
    return s.clause["need"] or s.ctx["support_asked"]


def living_only_about_living(s: Spot) -> bool | None:
    """Convention 7: "by myself" is living only when living is talked about."""
    return s.match.form.text.lower() in STRONG_LIVING or s.ctx["living"]


def paid_job_only_in_aspiration(s: Spot) -> bool | None:
    """A paid job only in an aspiration; "work experience" is an encounter."""
    if s.match.value != "paid_job":
        return None
    if "experience" in s.words[s.first : s.first + 3]:
        return False
    return s.clause["aspiration"]


def negated_feeling(s: Spot) -> bool | None:
    """ "I wasn't scared" names no feeling; "not happy" is sad."""
    m = s.match
    if any(p in NEGATIONS for p in s.prev[-2:]) and m.form.words[0] not in NEGATIONS:
        if m.value != "happy":
            return False
        m.value = "sad"
    return None


def its_ok_rates_it(s: Spot) -> bool | None:
    """ "it's ok" rates an unnamed it (convention 5): not calm."""
    prev = s.prev
    if s.match.value == "calm" and prev and (prev[-1] in {"its", "thats"} or prev[-2:] == ["it", "is"]):
        return False
    return None


def intensifier_only_intensifies(s: Spot) -> bool | None:
    """ "well nervous", "proper buzzing": "well" (lemma "good") only intensifies."""
    m, nxt = s.match, s.next
    if m.j - m.i == 1 and s.toks[s.first].norm in INTENSIFIERS and nxt and nxt not in CLAUSE_BREAKS:
        return False
    return None


def ambiguous_feeling_only_predicated(s: Spot) -> bool | None:
    """ "good", "nice", "fine" are feelings only when predicated ("it was good") or alone;
    "good at", "a really good drummer" are not."""
    w = s.match.form.words
    if not (len(w) == 1 and w[0] in AMBIGUOUS_FEELINGS):
        return None
    prev = s.prev
    alone = len(s.content) <= 2
    core = list(prev)
    while core and core[-1] in INTENSIFIERS:
        core.pop()
    attributive = bool(core) and core[-1] in {"a", "an"}  # "a really good drummer"
    if s.next in NOT_FEELING_AFTER or attributive:
        return False
    return alone or any(p in PREDICATE_CUES for p in prev)


def dont_know_is_no_feeling(s: Spot) -> bool | None:
    """ "I don't know" answers; it does not say the pupil felt unsure."""
    if s.intent in ("dont_know",) and s.match.value == "unsure":
        return False
    return None


def plural_job_after_at_the_is_place(s: Spot) -> bool | None:
    """ "at the doctors": a place, marked here and dropped if a job is named too."""
    m = s.match
    if s.toks[s.content[m.j - 1]].norm.endswith("s") and m.j - m.i == 1:
        before = " ".join(s.toks[k].norm for k in range(max(0, s.first - 2), s.first))
        if before in PLACE_AFTER:
            m.place = True
    return None


MatchRule = Callable[[Spot], "bool | None"]
MATCH_RULES: dict[str, tuple[MatchRule, ...]] = {
    "support": (support_only_in_need,),
    "living": (living_only_about_living,),
    "pathway": (paid_job_only_in_aspiration,),
    "feeling": (
        negated_feeling,
        its_ok_rates_it,
        intensifier_only_intensifies,
        ambiguous_feeling_only_predicated,
        dont_know_is_no_feeling,
    ),
    "job": (plural_job_after_at_the_is_place,),
}


def keep(spot: Spot) -> bool:
    """Whether the match rules of its type keep a match (the first rule with a say decides)."""
    for rule in MATCH_RULES.get(spot.match.type, ()):
        verdict = rule(spot)
        if verdict is not None:
            return verdict
    return True


# --------------------------------------------------------------------------- clause rules


def no_place_beside_a_job(group: list[Match], others: list[Match]) -> list[Match]:
    """A place named after a job ("at the doctors") is not a second job."""
    jobs = [m for m in group if m.type == "job" and not m.place]
    return [m for m in group if not (m.place and (jobs or [j for j in others if j.type == "job"]))]


def need_rules(group: list[Match]) -> list[Match]:
    """Conventions 6 and 8 in a statement of need: the support is the need."""
    supports = {m.value for m in group if m.type == "support"}
    group = interests_absorbed_by_support(group, supports)
    group = setting_of_a_support(group, supports)
    interest_as_support(group, supports)
    return group


def interests_absorbed_by_support(group: list[Match], supports: set[str]) -> list[Match]:
    """ "help finding the right train" is travel help, not an interest in trains."""
    absorbed = set().union(*(ABSORBED_BY_SUPPORT.get(s, set()) for s in supports)) if supports else set()
    return [m for m in group if not (m.type == "interest" and m.value in absorbed)]


def setting_of_a_support(group: list[Match], supports: set[str]) -> list[Match]:
    """ "help getting the bus to college": college is the setting, not a pathway."""
    return [m for m in group if not (m.type == "pathway" and supports)]


def interest_as_support(group: list[Match], supports: set[str]) -> None:
    """ "I find reading hard": with no support named, the interest is the need's support."""
    for m in group:
        if m.type == "interest" and m.value in INTEREST_TO_SUPPORT and not supports:
            m.type, m.value = "support", INTEREST_TO_SUPPORT[m.value]


def aspiration_rules(group: list[Match], chosen: list[Match], info: dict, ctx: dict) -> list[Match]:
    """Convention 3 in an aspiration: the job only."""
    cw = info["words"]
    jobs = [m for m in chosen if m.type == "job" and ctx["clauses"][m.clause]["aspiration"]]
    pathways = [m for m in group if m.type == "pathway" and m.value != "paid_job"]
    studying = bool(pathways) and has_cue(cw, STUDY_CUES)
    if not jobs and not studying and has_cue(cw, WORK_CUES):
        jobs = work_with_interest_is_job(group)
    if jobs or (pathways and not studying):
        group = [m for m in group if m.type != "interest"]  # convention 3: the job only
    if jobs:
        group = [m for m in group if m.value != "paid_job"]
    return group


def work_with_interest_is_job(group: list[Match]) -> list[Match]:
    """ "she wants to work with animals" -> job animal_carer. Returns the clause's jobs."""
    for m in group:
        if m.type == "interest" and m.value in INTEREST_TO_JOB:
            m.type, m.value = "job", INTEREST_TO_JOB[m.value]
    return [m for m in group if m.type == "job"]


def one_mention_per_concept(matches: list[Match]) -> list[Match]:
    """Several matches of one concept: keep the first, grown over adjacent repeats
    ("baking cakes" is one mention of cooking)."""
    first: dict = {}
    unique = []
    for m in sorted(matches, key=lambda m: m.i):
        key = (m.type, m.value)
        if key not in first:
            first[key] = m
            unique.append(m)
        elif first[key].j == m.i:
            first[key].j = m.j
    return unique


def apply_clause_rules(chosen: list[Match], ctx: dict) -> list[Match]:
    """Rules that look at the other concepts of the clause (conventions 3, 6, 8)."""
    out: list[Match] = []
    for c, info in enumerate(ctx["clauses"]):
        group = [m for m in chosen if m.clause == c]
        others = [m for m in chosen if m.clause != c]
        group = no_place_beside_a_job(group, others)
        if info["need"]:
            group = need_rules(group)
        if info["aspiration"]:
            group = aspiration_rules(group, chosen, info, ctx)
        out.extend(group)
    return one_mention_per_concept(out)


# --------------------------------------------------------------------------- ratings


def ratings(toks: list[Tok], words: list[str], intent: str | None, found: list[dict]) -> list[dict]:
    """Convention 5: a rating only where the pupil evaluates an unnamed it/that/one."""
    if intent in NO_RATING_INTENTS:
        return []
    if any(e["entity"] in ("interest", "job", "pathway", "living", "support", "feeling", "sensory") for e in found):
        return []
    return rating_by_verb(toks, words) or rating_by_phrase(toks, words)


def rating_by_verb(toks: list[Tok], words: list[str]) -> list[dict]:
    """ "I like it", "didn't hate it", "can't stand it"."""
    for k, w in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else ""
        negated = any(p in NEGATIONS for p in words[max(0, k - 2) : k])
        value = None
        if w in RATING_VERBS_LIKE and nxt in RATING_PRONOUNS:
            value = "dont_like" if negated else "like"
        elif w in RATING_VERBS_DISLIKE and nxt in RATING_PRONOUNS:
            value = "not_sure" if negated else "dont_like"
        elif w == "stand" and nxt in RATING_PRONOUNS and negated:
            value = "dont_like"
        if value:
            return [rating_entity(value, toks[k].start, toks[k + 1].end, toks[k].orig)]
    return []


def rating_by_phrase(toks: list[Tok], words: list[str]) -> list[dict]:
    """Stock phrases and scores ("not my thing", "10 out of 10"), the longest first."""
    joined = " ".join(words)
    for phrase, value in sorted(RATING_FIXED.items(), key=lambda kv: -len(kv[0])):
        m = re.search(rf"(?:^| ){re.escape(phrase)}(?: |$)", joined)
        if m:
            k0 = joined[: m.start() + (1 if m.start() else 0)].count(" ")
            k1 = k0 + phrase.count(" ")
            return [rating_entity(value, toks[k0].start, toks[k1].end, phrase)]
    return []


def rating_entity(value: str, start, end, text) -> dict:
    """A rating entity, as find returns it."""
    return {"entity": "rating", "value": value, "start": start, "end": end, "confidence": 0.9, "text": text}

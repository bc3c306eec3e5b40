"""What each clause of a message is doing: a statement of need, an aspiration, about living.

The context is a dict: "clauses" (per clause: need, aspiration, its words), "living",
"all_words", "activity_intent", "expect" (the question's types, "*" dropped) and
"support_asked". The rules read it; nothing here decides a concept.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.matcher.words import ASPIRATION_CUES, CLAUSE_BREAKS, LIVING_CUES, NEED_CUES, OWN_EVALUATION_CUES


def clauses_of(words: list[str]) -> list[int]:
    """Clause number of each token: clauses split at "but", "and", "because"..."""
    n, out = 0, []
    for k, w in enumerate(words):
        if w in CLAUSE_BREAKS and k > 0:
            n += 1
        out.append(n)
    return out


def has_cue(words: list[str], cues: Iterable[str]) -> bool:
    """Whether any cue (a word or a phrase) is in the words, as whole words."""
    joined = " " + " ".join(words) + " "
    return any(f" {c} " in joined for c in cues)


def read_context(
    words: list[str], clauses: list[int], intent: str | None, expect: tuple[str, ...] | None = None
) -> dict:
    """Per clause: is it a statement of need, an aspiration, about living?"""
    n = clauses[-1] + 1 if clauses else 1
    per = []
    for c in range(n):
        cw = [w for w, k in zip(words, clauses) if k == c]
        per.append({"need": has_cue(cw, NEED_CUES), "aspiration": has_cue(cw, ASPIRATION_CUES), "words": cw})
    continue_earlier_clause(per, intent)
    expect = tuple(expect or ())
    if expect[:1] in (("job",), ("pathway",)):
        for p in per:
            p["aspiration"] = True  # "What job would you like to do?": a job named is one
    living = has_cue(words, LIVING_CUES) or "living" in expect or "*" in expect
    activity = intent == "express_good_at"
    return {
        "clauses": per,
        "living": living,
        "all_words": words,
        "activity_intent": activity,
        "expect": tuple(t for t in expect if t != "*"),
        "support_asked": "support" in expect[:2],
    }


def continue_earlier_clause(per: list[dict], intent: str | None) -> None:
    """A clause without cues of its own continues the one before it; the first falls back
    on the intent ("swimming is hard" has a cue, "maths" after it does not)."""
    for c in range(len(per)):
        if not per[c]["need"] and not per[c]["aspiration"]:
            if c > 0:
                if not has_cue(per[c]["words"], OWN_EVALUATION_CUES):
                    per[c]["need"], per[c]["aspiration"] = per[c - 1]["need"], per[c - 1]["aspiration"]
            elif intent == "express_need_help":
                per[c]["need"] = True
            elif intent == "express_aspiration":
                per[c]["aspiration"] = True
    if intent == "express_need_help" and not any(p["need"] for p in per):
        per[0]["need"] = True
    if intent == "express_aspiration" and not any(p["aspiration"] for p in per):
        per[0]["aspiration"] = True

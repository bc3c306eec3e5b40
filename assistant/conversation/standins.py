"""Names never reach Rasa: what passes through it carries stand-ins, and the web app puts
the names back before the tablet sees them.

Rasa's tracker store keeps every message of a conversation, both ways. The pupil's given
and family names, the adult's name and the school's name are replaced there by tokens such
as "⟦pupil⟧": in the replies the action server dispatches (the greeting, "Thank you, Sam",
a read-back of typed words) and in the words the web app sends (a pupil may type their own
name). The action server puts the names back into a pupil's words before the engine reads
them, so the record keeps the pupil's words exactly. A token records the name's case as
typed (as recorded, lower, UPPER, Title); a name typed in any other mixing of cases passes
unchanged, as any other word does.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.record.models import ConversationSession, School

# Which name each token stands for; the forms of a name that get their own token.
ROLES = ("pupil", "family", "adult", "school")
FORMS = ("", "lower", "upper", "title")
TOKEN = re.compile(r"⟦((?:pupil|family|adult|school)(?:#[0-9])?)(?:\.(lower|upper|title))?⟧")
SHORTEST = 2  # a one-letter name is not hidden (it would hide "a", "I")


def names_of(db: Session, session: ConversationSession) -> dict[str, str]:
    """The names of this conversation that must not reach Rasa, by role."""
    school = db.get(School, session.pupil.school_id)
    return {
        "pupil": session.pupil.given_name or "",
        "family": session.pupil.family_name or "",
        "adult": session.adult_name or "",
        "school": school.name if school else "",
    }


def names_for_sender(db: Session, sender_id: str) -> dict[str, str]:
    """`names_of` the session Rasa knows as `sender_id` (no names for an unknown one)."""
    session = db.execute(
        select(ConversationSession).where(ConversationSession.rasa_sender_id == sender_id)
    ).scalar_one_or_none()
    return names_of(db, session) if session is not None else {}


def _expanded(names: dict[str, str]) -> dict[str, str]:
    """The names, and each word of a name of several words as "role#N": a reply spells a
    sentence out word by word (each word with its symbol), so "Kingfisher" travels alone."""
    out = dict(names)
    for role in ROLES:
        words = (names.get(role) or "").split()
        if len(words) > 1:
            out.update({f"{role}#{i}": word for i, word in enumerate(words[:10]) if len(word) >= SHORTEST})
    return out


def _form(name: str, form: str) -> str:
    return {"": name, "lower": name.lower(), "upper": name.upper(), "title": name.title()}[form]


def _token(role: str, form: str) -> str:
    return f"⟦{role}{'.' + form if form else ''}⟧"


def hide_text(text: str, names: dict[str, str]) -> str:
    """`text` with each name (a whole word or phrase, in one of its forms) as its token;
    longer names first, so "Ann Marie" goes before "Ann"."""
    pairs = {}
    names = _expanded(names)
    for role in sorted(names, key=lambda r: "#" in r):
        name = (names.get(role) or "").strip()
        if len(name) < SHORTEST:
            continue
        for form in FORMS:
            pairs.setdefault(_form(name, form), _token(role, form))
    if not pairs:
        return text
    # One pass, so that a token put in is never read again as a name ("School" in "⟦school⟧").
    either = "|".join(re.escape(name) for name in sorted(pairs, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{either})(?!\w)", lambda m: pairs[m.group(0)], text)


def show_text(text: str, names: dict[str, str]) -> str:
    """`text` with each token as the name it stands for."""
    names = _expanded(names)
    return TOKEN.sub(lambda m: _form(names.get(m.group(1)) or "", m.group(2) or ""), text)


def shifts(text: str, names: dict[str, str]) -> list[tuple[int, int]]:
    """Where `show_text` changes lengths: (end of a token in `text`, the change so far), in
    order, to move an offset in `text` (an entity's span) to the shown text."""
    out, change, names = [], 0, _expanded(names)
    for match in TOKEN.finditer(text):
        change += len(_form(names.get(match.group(1)) or "", match.group(2) or "")) - len(match.group(0))
        out.append((match.end(), change))
    return out


def moved(offset: int | None, moves: list[tuple[int, int]]) -> int | None:
    """An offset in hidden text, in the shown text (`shifts`)."""
    if offset is None:
        return None
    change = 0
    for end, total in moves:
        if end <= offset:
            change = total
    return offset + change


def hide(value, names: dict[str, str]):
    """A reply (nested dicts, lists and strings) with every name as its token."""
    return _walk(value, lambda s: hide_text(s, names))


def show(value, names: dict[str, str]):
    """A reply with every token as its name: what the tablet gets."""
    return _walk(value, lambda s: show_text(s, names))


def _walk(value, change):
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_walk(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, change) for k, v in value.items()}
    return value

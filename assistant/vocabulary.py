"""The record's vocabulary, in one place: staff roles, session statuses, provenances, input
modes, the special cards and the card-id pattern, with the words each audience reads.

Every layer (core, actions, web, reports) imports these; nothing else spells them out. The
enums are str-valued, so a member equals its stored value ("finished" == SessionStatus.FINISHED)
and the record keeps plain strings. Tuples and label maps hold plain strings, safe to pass to
SQL and JSON as they are. Pure: no database, no Flask, no Rasa.
"""

from __future__ import annotations

import re
from enum import Enum

from assistant.errors import InvalidInput


class _Value(str, Enum):
    """A str-valued enum whose str() and format() are its stored value (as StrEnum's)."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


def _values(enum: type[Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


# ---------------------------------------------------------------- the record's other values
# (ids kept in sync with symbols/vocabulary.yml)
# prepare: before an encounter ("what do you think it will be like?"); debrief: after it.
CONVERSATIONS = ("interests", "prepare", "debrief", "aspirations")
RATINGS = ("like", "not_sure", "dont_like")
ENTRY_STATUSES = ("draft", "confirmed", "discarded")
ANSWER_KINDS = ("concept", "rating", "words", "dont_know", "not_understood", "observation")


# ---------------------------------------------------------------- staff roles


class StaffRole(_Value):
    """What a member of staff may do (dsl: the designated safeguarding lead)."""

    ADMIN = "admin"
    CAREERS_LEAD = "careers_lead"
    ADVOCATE = "advocate"
    DSL = "dsl"


ROLES = _values(StaffRole)
ROLE_LABELS = {
    StaffRole.ADMIN.value: "Administrator",
    StaffRole.CAREERS_LEAD.value: "Careers lead or SENCo",
    StaffRole.ADVOCATE.value: "Advocate",
    StaffRole.DSL.value: "Designated safeguarding lead",
}
# Roles that see every pupil, group and encounter of their school (others: their groups').
WHOLE_SCHOOL_ROLES = (StaffRole.ADMIN.value, StaffRole.CAREERS_LEAD.value)
# Roles that see possible disclosures of harm.
SAFEGUARDING_ROLES = (StaffRole.DSL.value,)
# A trust's (or local authority's) account: figures across its schools, no pupil's record.
# Not a school's role (not in ROLES): a trust account belongs to no school.
TRUST_ROLE = "trust"


# ---------------------------------------------------------------- conversation sessions


class SessionStatus(_Value):
    """Where a conversation session is: made, under way, or ended one of two ways."""

    CREATED = "created"
    ACTIVE = "active"
    FINISHED = "finished"
    STOPPED = "stopped"


SESSION_STATUSES = _values(SessionStatus)
# A session in one of these has ended: nothing more may be said in it.
ENDED_STATUSES = (SessionStatus.FINISHED.value, SessionStatus.STOPPED.value)


# ---------------------------------------------------------------- how an answer was given


class Provenance(_Value):
    """Whose answer it is and how much an adult helped (vocabulary.yml `provenance`)."""

    INDEPENDENT = "independent"
    PROMPTED = "prompted"
    SUPPORTED = "supported"
    INTERPRETED = "interpreted"
    ADULT_VIEW = "adult_view"


PROVENANCES = _values(Provenance)
# The words on the documents (review summary, pupil's version, one-page profile).
PROVENANCE_LABELS = {
    Provenance.INDEPENDENT.value: "Pupil's own answer",
    Provenance.PROMPTED.value: "Pupil's answer, after an adult prompted",
    Provenance.SUPPORTED.value: "Pupil's answer, with an adult's help to use the tablet",
    Provenance.INTERPRETED.value: "Interpreted by an adult",
    Provenance.ADULT_VIEW.value: "The adult's view",
}
# The shorter words of the staff area's pages.
PROVENANCE_STAFF_LABELS = {
    Provenance.INDEPENDENT.value: "The pupil's own answer",
    Provenance.PROMPTED.value: "After a prompt",
    Provenance.SUPPORTED.value: "With physical support",
    Provenance.INTERPRETED.value: "Interpreted by an adult",
    Provenance.ADULT_VIEW.value: "The adult's view",
}
# The adult panel on the tablet, in the adult's own voice; the adult's view is not chosen
# there (an observation is kept as one).
PROVENANCE_TABLET_LABELS = {
    Provenance.INDEPENDENT.value: "On their own",
    Provenance.PROMPTED.value: "After a prompt",
    Provenance.SUPPORTED.value: "With physical support",
    Provenance.INTERPRETED.value: "I am interpreting their response",
}
# Provenances that are an adult's reading rather than the pupil's own choice.
ADULT_PROVENANCES = (Provenance.INTERPRETED.value, Provenance.ADULT_VIEW.value)


class InputMode(_Value):
    """How the answer reached the tablet."""

    TOUCH = "touch"
    SPEECH = "speech"
    TYPED = "typed"
    KEYBOARD = "keyboard"
    SWITCH = "switch"


INPUT_MODES = _values(InputMode)


def check_provenance(value: object) -> str:
    """The provenance, if it is one; InvalidInput otherwise."""
    if not isinstance(value, str) or value not in PROVENANCES:
        raise InvalidInput(f"Provenance must be one of {', '.join(PROVENANCES)}.")
    return value


def check_input_mode(value: object) -> str:
    """The input mode, if it is one; InvalidInput otherwise."""
    if not isinstance(value, str) or value not in INPUT_MODES:
        raise InvalidInput(f"Input mode must be one of {', '.join(INPUT_MODES)}.")
    return value


# ---------------------------------------------------------------- cards


class SpecialCard(_Value):
    """Cards that answer any question and are not vocabulary concepts: the web app sends
    each as an intent, and speech and "My voice" listen for each."""

    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"
    SKIP = "skip"


SPECIAL_CARDS = _values(SpecialCard)
SPECIAL_CARD_LABELS = {
    SpecialCard.YES.value: "Yes",
    SpecialCard.NO.value: "No",
    SpecialCard.DONT_KNOW.value: "I don't know",
    SpecialCard.SKIP.value: "Skip this question",
}
# What a card id may look like (a concept id or a special card); anything else names nothing.
CARD_ID = re.compile(r"^[a-z][a-z_]{0,39}\Z")  # \Z: no newline after

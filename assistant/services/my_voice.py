""" "My voice": a pupil's own recordings of their cards, kept as features (never audio), with
the consent recorded first; enrolment clip by clip, the counts per card, removing one
recording, learning from tapped answers, and the model the listening sandbox matches with.

One function per use case; each raises named domain errors. Upload decoding and feature
extraction run in the listening sandbox (assistant.speech.enrolment_clip).
"""

from __future__ import annotations

import base64
import threading
import time
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.conversation.plans import PLANS
from assistant.errors import DomainError, InvalidInput, NotFound
from assistant.record.models import Pupil, Staff, VoiceProfile, VoiceTemplate, is_id, utcnow
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.services.pupils import profile_of, pupil_for
from assistant.speech import check_enrolment_clip
from assistant.speech import templates as tpl
from assistant.vocabulary import SPECIAL_CARD_LABELS, SPECIAL_CARDS

# Recordings per card at enrolment (the tablet asks for this many; more may be added).
PER_CARD = 3
# How long a spoken answer's features wait for the pupil's tap.
HEARD_SECONDS = 600


class ConsentNeeded(DomainError):
    """No one has recorded consent to keep this pupil's voice features."""


class ClipRejected(DomainError):
    """The clip cannot be a template (no speech, too short or long, clipped, not like the
    card's other clips): nothing was stored; record it again."""


@dataclass(frozen=True)
class CardCount:
    card_id: str
    label: str
    enrolment: int
    confirmed: int

    @property
    def total(self) -> int:
        return self.enrolment + self.confirmed


def usual_cards(pupil) -> list[str]:
    """The cards of the pupil's usual boards: the first cards of each "interests" question
    (as many as their board shows), then yes, no, I don't know and skip."""
    size = profile_of(pupil).cards_per_board
    cards = [card for step in PLANS["interests"] for card in step.cards[:size]]
    return list(dict.fromkeys([*cards, *SPECIAL_CARDS]))


def _card(catalogue, card_id: object) -> str:
    if not isinstance(card_id, str) or not (card_id in SPECIAL_CARDS or catalogue.get(card_id) is not None):
        raise InvalidInput("Unknown card.")
    return card_id


def label_of(catalogue, card_id: str) -> str:
    concept = catalogue.get(card_id)
    return concept.label if concept is not None else SPECIAL_CARD_LABELS.get(card_id, card_id)


def consent_of(db: Session, pupil_id: int) -> VoiceProfile | None:
    return db.get(VoiceProfile, pupil_id)


def record_consent(db: Session, staff: Staff, pupil_id: int, given_by: object) -> VoiceProfile:
    """Consent to keep the pupil's voice features: who gave it (name and role, in words),
    recorded by this member of staff, now. Audited."""
    pupil = pupil_for(db, staff, pupil_id)
    given_by = " ".join(given_by.split()) if isinstance(given_by, str) else ""
    if not given_by or len(given_by) > 200:
        raise InvalidInput("Say who gave consent (for example the pupil and their parent), in at most 200 characters.")
    with transaction(db):
        profile = db.get(VoiceProfile, pupil.id)
        if profile is None:
            profile = VoiceProfile(pupil_id=pupil.id, scale=tpl.DEFAULT_SCALE)
            db.add(profile)
        profile.consent_given_by = given_by
        profile.consent_recorded_by = staff.id
        profile.consent_at = utcnow()
        audit.record(db, staff, "change", pupil.id, "My voice: recorded consent")
    return profile


def card_counts(db: Session, staff: Staff, pupil_id: int, catalogue) -> list[CardCount]:
    """How many recordings each card has (the usual cards first, then any other)."""
    pupil = pupil_for(db, staff, pupil_id)
    rows = db.execute(
        select(VoiceTemplate.card_id, VoiceTemplate.source).where(VoiceTemplate.pupil_id == pupil.id)
    ).all()
    cards = list(dict.fromkeys([*usual_cards(pupil), *(r.card_id for r in rows)]))
    return [
        CardCount(
            card,
            label_of(catalogue, card),
            sum(1 for r in rows if r.card_id == card and r.source == "enrolment"),
            sum(1 for r in rows if r.card_id == card and r.source == "confirmed"),
        )
        for card in cards
    ]


def templates_of(db: Session, staff: Staff, pupil_id: int) -> list[VoiceTemplate]:
    pupil = pupil_for(db, staff, pupil_id)
    return list(
        db.execute(
            select(VoiceTemplate)
            .where(VoiceTemplate.pupil_id == pupil.id)
            .order_by(VoiceTemplate.card_id, VoiceTemplate.created_at)
        ).scalars()
    )


@dataclass
class Enrolment:
    """The "My voice" page of one pupil: consent, each card's counts and its symbol, and the
    recordings by card."""

    pupil: Pupil
    consent: VoiceProfile | None
    counts: list[CardCount]
    recordings: dict[str, list[VoiceTemplate]]
    symbols: dict[str, str | None]


def _symbol(catalogue, card_id: str) -> str | None:
    concept = catalogue.get(card_id)
    if concept is not None:
        return concept.symbol
    return catalogue.symbol_for_word(card_id.replace("_", " ")) or catalogue.symbol_for_word(card_id.split("_")[-1])


def enrolment(db: Session, staff: Staff, pupil_id: int, catalogue) -> Enrolment:
    """A pupil's "My voice" page for this member of staff; the viewing goes in the audit log."""
    pupil = pupil_for(db, staff, pupil_id)
    audit.log(db, staff, "view", pupil.id, "My voice page")
    counts = card_counts(db, staff, pupil.id, catalogue)
    recordings: dict[str, list[VoiceTemplate]] = {}
    for row in templates_of(db, staff, pupil.id):
        recordings.setdefault(row.card_id, []).append(row)
    return Enrolment(
        pupil, consent_of(db, pupil.id), counts, recordings, {c.card_id: _symbol(catalogue, c.card_id) for c in counts}
    )


def enrol_clip(
    db: Session, staff: Staff, pupil_id: int, card_id: object, data: bytes, catalogue, check=None
) -> CardCount:
    """One enrolment recording of a card: checked on the spot (in the listening sandbox:
    speech found, a word's length, not clipped; here: like the card's other clips), kept
    as features. ClipRejected (nothing stored) when it should be recorded again."""
    pupil = pupil_for(db, staff, pupil_id)
    card_id = _card(catalogue, card_id)
    profile = db.get(VoiceProfile, pupil.id)
    if profile is None:
        raise ConsentNeeded("Record consent before recording the pupil's voice.")
    checked = (check or check_enrolment_clip)(data)
    if checked.problem is not None:
        raise ClipRejected(checked.problem)
    others = [
        tpl.from_bytes(t.features)
        for t in db.execute(
            select(VoiceTemplate).where(VoiceTemplate.pupil_id == pupil.id, VoiceTemplate.card_id == card_id)
        ).scalars()
    ]
    if not tpl.consistent(
        checked.features, [o.astype("float32") for o in others], max(profile.scale, tpl.DEFAULT_SCALE)
    ):
        raise ClipRejected(tpl.NOT_ALIKE)
    with transaction(db):
        db.add(
            VoiceTemplate(
                pupil_id=pupil.id,
                card_id=card_id,
                source="enrolment",
                features=tpl.to_bytes(checked.features),
                level_db=checked.level_db,
            )
        )
        db.flush()
        _retune(db, profile)
        audit.record(db, staff, "change", pupil.id, f"My voice: recorded the card {card_id}")
    return next(c for c in card_counts(db, staff, pupil.id, catalogue) if c.card_id == card_id)


def _retune(db: Session, profile: VoiceProfile) -> None:
    """The pupil's scale and speech threshold from their enrolment clips."""
    rows = list(
        db.execute(
            select(VoiceTemplate).where(VoiceTemplate.pupil_id == profile.pupil_id, VoiceTemplate.source == "enrolment")
        ).scalars()
    )
    by_card: dict[str, list] = {}
    for row in rows:
        by_card.setdefault(row.card_id, []).append(tpl.from_bytes(row.features))
    profile.scale = tpl.scale_of(by_card)
    profile.floor_db = tpl.floor_of([r.level_db for r in rows if r.level_db is not None])


def remove_template(db: Session, staff: Staff, pupil_id: int, template_id: object) -> str:
    """Remove one recording of the pupil's (audited); the card it was for."""
    pupil = pupil_for(db, staff, pupil_id)
    row = db.get(VoiceTemplate, template_id) if is_id(template_id) else None
    if row is None or row.pupil_id != pupil.id:
        raise NotFound("No such recording.")
    with transaction(db):
        card = row.card_id
        db.delete(row)
        db.flush()
        profile = db.get(VoiceProfile, pupil.id)
        if profile is not None:
            _retune(db, profile)
        audit.record(db, staff, "change", pupil.id, f"My voice: removed a recording of {card}")
    return card


def voice_model(db: Session, pupil_id: int, cards: list[str]) -> tpl.VoiceModel | None:
    """The pupil's templates for these cards (None when they have none, or no consent)."""
    profile = db.get(VoiceProfile, pupil_id)
    if profile is None:
        return None
    rows = db.execute(
        select(VoiceTemplate.card_id, VoiceTemplate.features).where(
            VoiceTemplate.pupil_id == pupil_id, VoiceTemplate.card_id.in_(cards)
        )
    ).all()
    if not rows:
        return None
    found: dict[str, list] = {}
    for card_id, features in rows:
        found.setdefault(card_id, []).append(tpl.from_bytes(features))
    return tpl.VoiceModel(found, profile.scale or tpl.DEFAULT_SCALE, profile.floor_db)


def learn(db: Session, pupil_id: int, card_id: str, features: bytes) -> bool:
    """A spoken answer the pupil confirmed with a tap becomes a template of that card (when
    they have consented and enrolled it); at most MAX_PER_CARD, the outlier dropped."""
    profile = db.get(VoiceProfile, pupil_id)
    if profile is None:
        return False
    try:
        values = tpl.from_bytes(features)
    except ValueError:
        return False
    rows = list(
        db.execute(
            select(VoiceTemplate)
            .where(VoiceTemplate.pupil_id == pupil_id, VoiceTemplate.card_id == card_id)
            .order_by(VoiceTemplate.created_at)
        ).scalars()
    )
    if not rows:
        return False  # a card never enrolled stays with today's chain
    with transaction(db):
        db.add(VoiceTemplate(pupil_id=pupil_id, card_id=card_id, source="confirmed", features=tpl.to_bytes(values)))
        db.flush()
        learned = [
            r
            for r in db.execute(
                select(VoiceTemplate).where(VoiceTemplate.pupil_id == pupil_id, VoiceTemplate.card_id == card_id)
            ).scalars()
        ]
        if len(learned) > tpl.MAX_PER_CARD:
            # Only tapped answers are dropped: the adult's enrolment clips stay.
            confirmed = [r for r in learned if r.source == "confirmed"]
            index = tpl.outlier([tpl.from_bytes(r.features) for r in learned])
            drop = learned[index] if learned[index].source == "confirmed" else confirmed[0]
            db.delete(drop)
    return True


def export_voice(db: Session, pupil_id: int) -> dict:
    """The pupil's voice data for an export: consent and every template's features."""
    profile = db.get(VoiceProfile, pupil_id)
    rows = db.execute(
        select(VoiceTemplate).where(VoiceTemplate.pupil_id == pupil_id).order_by(VoiceTemplate.id)
    ).scalars()
    return {
        "consent": None
        if profile is None
        else {
            "given_by": profile.consent_given_by,
            "recorded_by": profile.consent_recorded_by,
            "at": profile.consent_at.isoformat(),
            "floor_db": profile.floor_db,
            "scale": profile.scale,
        },
        "templates": [
            {
                "card": r.card_id,
                "source": r.source,
                "created_at": r.created_at.isoformat(),
                "features_npy_float16_base64": base64.b64encode(r.features).decode(),
            }
            for r in rows
        ],
    }


def erase_voice(db: Session, pupil_id: int) -> int:
    """Remove the pupil's templates and consent (inside the caller's transaction)."""
    removed = db.execute(delete(VoiceTemplate).where(VoiceTemplate.pupil_id == pupil_id)).rowcount
    db.execute(delete(VoiceProfile).where(VoiceProfile.pupil_id == pupil_id))
    return removed


class Heard:
    """Each session's last spoken answer (the card proposed and the answer's features),
    until the pupil taps that card (or HEARD_SECONDS pass): only then do the features become
    a template. In memory only."""

    def __init__(self, seconds: float = HEARD_SECONDS):
        self.seconds = seconds
        self._items: dict[str, tuple[float, str, bytes]] = {}
        self._lock = threading.Lock()

    def keep(self, session_id: str, card: str | None, features: bytes | None) -> None:
        with self._lock:
            now = time.monotonic()
            self._items = {k: v for k, v in self._items.items() if now - v[0] < self.seconds}
            if card is None or features is None:
                self._items.pop(session_id, None)
            else:
                self._items[session_id] = (now, card, features)

    def take(self, session_id: str, card: str) -> bytes | None:
        """The features of the answer proposing `card`, once (None for another card)."""
        with self._lock:
            found = self._items.pop(session_id, None)
        if found is None or found[1] != card or time.monotonic() - found[0] >= self.seconds:
            return None
        return found[2]

"""The record: pupils, staff, encounters, conversation sessions and career-profile entries.

Plain SQLAlchemy 2; no Flask, no Rasa. Times are naive UTC.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, relationship


class Base(DeclarativeBase):
    """The record's tables (SQLAlchemy 2's declarative base)."""


# The stored values (roles, statuses, provenances...) are named in assistant.vocabulary.
# The largest integer id (PostgreSQL's INTEGER): a larger one names nothing.
MAX_ID = 2**31 - 1


# The dates a school record can hold: a wider one is a slip (or date arithmetic's overflow).
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)


def is_id(value: object) -> bool:
    """True for a number that can name a row (1 to MAX_ID; not True or False)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def utcnow() -> datetime:
    """Now, as naive UTC (the same on SQLite and PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_id() -> str:
    """An opaque id for sessions and entries (never guessable from another)."""
    return uuid.uuid4().hex


class Trust(Base):
    """A multi-academy trust or local authority: a set of schools whose figures (never
    their pupils' records) its accounts see together."""

    __tablename__ = "trusts"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class School(Base):
    """A school: the tenant that owns staff, pupils, groups, encounters and audit lines.
    Rows hanging off a pupil or a session (sessions, entries, concerns, voice templates,
    annotations, chat requests) belong to the pupil's school."""

    __tablename__ = "schools"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    trust_id = Column(ForeignKey("trusts.id", ondelete="SET NULL"), nullable=True, index=True)


class SchoolSettings(Base):
    """A school's own settings (one row per school); NULL means the server's default from
    settings.py. Read through assistant/services/school_settings.py, never directly."""

    __tablename__ = "school_settings"
    school_id = Column(ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    retention_days = Column(Integer, nullable=True)
    default_voice = Column(String(50), nullable=True)
    summary_adult_notes = Column(Boolean, nullable=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


def _school_column() -> Column:
    return Column(ForeignKey("schools.id", ondelete="CASCADE"), nullable=False, index=True)


# Exactly one of school_id and trust_id: a trust account has a trust and no school.
STAFF_BELONGS = (
    "(role = 'trust' AND trust_id IS NOT NULL AND school_id IS NULL) OR "
    "(role <> 'trust' AND school_id IS NOT NULL AND trust_id IS NULL)"
)

staff_groups = Table(
    "staff_groups",
    Base.metadata,
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)

encounter_pupils = Table(
    "encounter_pupils",
    Base.metadata,
    Column("encounter_id", ForeignKey("encounters.id", ondelete="CASCADE"), primary_key=True),
    Column("pupil_id", ForeignKey("pupils.id", ondelete="CASCADE"), primary_key=True),
)


class Group(Base):
    """A class or tutor group; advocates see the pupils of their groups."""

    __tablename__ = "groups"
    id = Column(Integer, primary_key=True)
    school_id = _school_column()
    name = Column(String(120), nullable=False)
    __table_args__ = (UniqueConstraint("school_id", "name", name="uq_groups_school_name"),)
    pupils = relationship("Pupil", back_populates="group")


class Staff(Base):
    """A member of staff who logs in: administrator, careers lead/SENCo or advocate."""

    __tablename__ = "staff"
    id = Column(Integer, primary_key=True)
    # A school's staff have a school; a trust's account has a trust instead (never both).
    school_id = Column(ForeignKey("schools.id", ondelete="CASCADE"), nullable=True, index=True)
    trust_id = Column(ForeignKey("trusts.id", ondelete="CASCADE"), nullable=True, index=True)
    # Unique across schools: the email alone says who is logging in (and so which school).
    email = Column(String(200), nullable=False, unique=True)
    display_name = Column(String(200), nullable=False)
    role = Column(String(20), nullable=False)
    password_hash = Column(String(200), nullable=False)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # A disabled account cannot log in; its sessions end when it is disabled.
    disabled_at = Column(DateTime, nullable=True)
    # Set for a generated or reset password: the next login must choose a new one.
    must_change_password = Column(Boolean, nullable=False, default=False)
    groups = relationship("Group", secondary=staff_groups)
    school = relationship("School")
    __table_args__ = (CheckConstraint(STAFF_BELONGS, name="ck_staff_school_or_trust"),)


class StaffSession(Base):
    """A staff login held on the server: the cookie carries a token, this row its hash.

    Ended by logout, a password change, disabling the account, the idle timeout or its
    absolute lifetime; a copied cookie then opens nothing."""

    __tablename__ = "staff_sessions"
    id = Column(String(64), primary_key=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    revoked_at = Column(DateTime, nullable=True)


class Pupil(Base):
    """A pupil with an EHCP whose voice the record keeps."""

    __tablename__ = "pupils"
    id = Column(Integer, primary_key=True)
    school_id = _school_column()
    given_name = Column(String(100), nullable=False)
    family_name = Column(String(100), nullable=False, default="")
    year_group = Column(String(20), nullable=True)
    group_id = Column(ForeignKey("groups.id", ondelete="SET NULL"), nullable=True)
    # The school's own reference (admission number), used to match CSV imports.
    reference = Column(String(50), nullable=True)
    # Sharing: when False, the pupil's own words stay in school (documents show the concepts).
    words_shareable = Column(Boolean, nullable=False, default=True)
    sharing_note = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    group = relationship("Group", back_populates="pupils")
    profile = relationship("CommunicationProfile", uselist=False, back_populates="pupil", cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("school_id", "reference", name="uq_pupils_school_reference"),)

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class CommunicationProfile(Base):
    """How a pupil communicates: symbols, board size, voice, input modes."""

    __tablename__ = "communication_profiles"
    id = Column(Integer, primary_key=True)
    pupil_id = Column(ForeignKey("pupils.id", ondelete="CASCADE"), nullable=False, unique=True)
    symbol_set = Column(String(50), nullable=False, default="openmoji")
    cards_per_board = Column(Integer, nullable=False, default=6)
    voice = Column(String(50), nullable=False, default="en-gb")
    speech_rate = Column(Integer, nullable=False, default=140)
    auto_speak = Column(Boolean, nullable=False, default=True)
    input_modes = Column(JSON, nullable=False, default=lambda: ["touch", "typed"])
    # How the tablet looks and is operated (see web_widget/).
    text_size = Column(String(20), nullable=False, default="large")  # large | x-large | xx-large
    high_contrast = Column(Boolean, nullable=False, default=False)
    reduced_motion = Column(Boolean, nullable=False, default=False)
    selection = Column(String(20), nullable=False, default="two_tap")  # two_tap | single_tap
    scanning = Column(String(20), nullable=False, default="off")  # off | auto | step
    scan_interval_ms = Column(Integer, nullable=False, default=2000)
    listen_seconds = Column(Integer, nullable=False, default=6)
    show_mic = Column(Boolean, nullable=False, default=True)
    # Seconds without an answer before the adult (never the pupil) is offered help.
    help_after_seconds = Column(Integer, nullable=False, default=30)
    pupil = relationship("Pupil", back_populates="profile")


class Encounter(Base):
    """A careers encounter (visit, talk, fair...) with the Gatsby benchmarks it evidences."""

    __tablename__ = "encounters"
    id = Column(Integer, primary_key=True)
    school_id = _school_column()
    type = Column(String(50), nullable=False)
    title = Column(String(200), nullable=False)
    date = Column(Date, nullable=False)
    place = Column(String(200), nullable=False, default="")
    provider = Column(String(200), nullable=False, default="")
    notes = Column(Text, nullable=False, default="")
    gatsby_benchmarks = Column(JSON, nullable=False, default=list)
    # An optional photo of the place (in the instance folder), shown as a card in the debrief.
    photo_filename = Column(String(100), nullable=True)
    photo_consent = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    pupils = relationship("Pupil", secondary=encounter_pupils)


class ConversationSession(Base):
    """One conversation with one pupil on one tablet.

    `rasa_sender_id` is what Rasa sees; the tablet holds only a token scoped to this row.
    `dialogue_state` is the conversation's place (written with the entries of each turn).
    """

    __tablename__ = "conversation_sessions"
    id = Column(String(32), primary_key=True, default=new_id)
    rasa_sender_id = Column(String(32), nullable=False, unique=True, default=new_id)
    pupil_id = Column(ForeignKey("pupils.id", ondelete="CASCADE"), nullable=False, index=True)
    conversation = Column(String(20), nullable=False)
    encounter_id = Column(ForeignKey("encounters.id", ondelete="SET NULL"), nullable=True)
    started_by_id = Column(ForeignKey("staff.id", ondelete="SET NULL"), nullable=True)
    adult_present = Column(Boolean, nullable=False, default=True)
    adult_name = Column(String(200), nullable=False, default="")
    status = Column(String(20), nullable=False, default="created")
    tablet_token_hash = Column(String(64), nullable=True, unique=True)
    tablet_token_expires = Column(DateTime, nullable=True)
    # The one-time code (in the tablet link, or typed) that the tablet swaps for its token.
    claim_code_hash = Column(String(64), nullable=True, unique=True)
    claimed_at = Column(DateTime, nullable=True)
    dialogue_state = Column(JSON, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    ended_at = Column(DateTime, nullable=True)
    pupil = relationship("Pupil")
    encounter = relationship("Encounter")
    started_by = relationship("Staff")


class Entry(Base):
    """A career-profile entry: one answer, in the pupil's words, with its provenance."""

    __tablename__ = "entries"
    id = Column(String(32), primary_key=True, default=new_id)
    pupil_id = Column(ForeignKey("pupils.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = Column(ForeignKey("conversation_sessions.id", ondelete="CASCADE"), nullable=True, index=True)
    moment = Column(String(20), nullable=False)
    step = Column(String(40), nullable=False)
    question = Column(Text, nullable=False)
    answer_kind = Column(String(20), nullable=False)
    concept_ids = Column(JSON, nullable=False, default=list)
    stance = Column(String(20), nullable=True)
    rating = Column(String(20), nullable=True)
    words = Column(Text, nullable=True)
    input_mode = Column(String(20), nullable=False)
    # For a spoken answer: how sure the recogniser was (0-1) of the card the pupil confirmed.
    speech_confidence = Column(Float, nullable=True)
    provenance = Column(String(20), nullable=False)
    adult_name = Column(String(200), nullable=False, default="")
    symbol_set = Column(String(50), nullable=True)
    status = Column(String(20), nullable=False, default="draft")
    status_reason = Column(Text, nullable=True)
    checked_back = Column(Boolean, nullable=False, default=False)
    confirmed_by = Column(String(50), nullable=True)
    recalls_entry_id = Column(ForeignKey("entries.id", ondelete="SET NULL"), nullable=True)
    # A pupil's move on the final mat: the answer this one corrects.
    corrects_entry_id = Column(ForeignKey("entries.id", ondelete="SET NULL"), nullable=True)
    # How the answer was given: milliseconds from the prompt (shown and spoken) to the
    # choice, and the chosen card's place on the board (0 = first), when the tablet knew.
    response_ms = Column(Integer, nullable=True)
    card_position = Column(Integer, nullable=True)
    encounter_id = Column(ForeignKey("encounters.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    confirmed_at = Column(DateTime, nullable=True)


class Concern(Base):
    """Words that may disclose harm, kept for the school's designated safeguarding lead and
    nowhere else: never an entry, never read back, never in a document."""

    __tablename__ = "concerns"
    id = Column(Integer, primary_key=True)
    pupil_id = Column(ForeignKey("pupils.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = Column(ForeignKey("conversation_sessions.id", ondelete="SET NULL"), nullable=True)
    words = Column(Text, nullable=False)
    category = Column(String(30), nullable=False)
    question = Column(Text, nullable=False, default="")
    input_mode = Column(String(20), nullable=False)
    provenance = Column(String(20), nullable=False)
    adult_name = Column(String(200), nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    seen_at = Column(DateTime, nullable=True)
    seen_by = Column(ForeignKey("staff.id", ondelete="SET NULL"), nullable=True)


VOICE_SOURCES = ("enrolment", "confirmed")  # recorded with the adult, or a tapped answer


class VoiceProfile(Base):
    """ "My voice": the consent to keep a pupil's voice features (who gave it, who recorded
    it, when), and the speech threshold and distance scale set from their own clips."""

    __tablename__ = "voice_profiles"
    pupil_id = Column(ForeignKey("pupils.id", ondelete="CASCADE"), primary_key=True)
    consent_given_by = Column(String(200), nullable=False)
    consent_recorded_by = Column(ForeignKey("staff.id", ondelete="SET NULL"), nullable=True)
    consent_at = Column(DateTime, nullable=False, default=utcnow)
    floor_db = Column(Float, nullable=True)
    scale = Column(Float, nullable=False, default=1.0)


class VoiceTemplate(Base):
    """One recording of a card by a pupil, kept as features only (MFCC + deltas, float16
    .npy; see assistant/speech/templates.py): the audio itself is never stored."""

    __tablename__ = "voice_templates"
    id = Column(Integer, primary_key=True)
    pupil_id = Column(ForeignKey("pupils.id", ondelete="CASCADE"), nullable=False, index=True)
    card_id = Column(String(40), nullable=False)
    features = Column(LargeBinary, nullable=False)
    level_db = Column(Float, nullable=True)
    source = Column(String(20), nullable=False, default="enrolment")
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Annotation(Base):
    """What an adult did to an entry at review: confirmed it, corrected how it was given,
    added an observation, or discarded it with a reason. The pupil's words are never edited."""

    __tablename__ = "annotations"
    id = Column(Integer, primary_key=True)
    entry_id = Column(ForeignKey("entries.id", ondelete="CASCADE"), nullable=False, index=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="SET NULL"), nullable=True)
    kind = Column(String(20), nullable=False)  # confirm | provenance | observation | discard
    text = Column(Text, nullable=False, default="")
    old_value = Column(String(50), nullable=True)
    new_value = Column(String(50), nullable=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    staff = relationship("Staff")


class ChatRequest(Base):
    """A tablet message, by the tablet's own id for it: a message sent again after a dropped
    connection or a fault gets the same reply and is recorded exactly once."""

    __tablename__ = "chat_requests"
    id = Column(Integer, primary_key=True)
    session_id = Column(ForeignKey("conversation_sessions.id", ondelete="CASCADE"), nullable=False)
    client_id = Column(String(64), nullable=False)
    reply = Column(JSON, nullable=True)
    # When this request was (last) claimed for handling; also its version for a re-claim.
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # When the conversation engine took the answer (in the transaction that recorded it).
    taken_at = Column(DateTime, nullable=True)
    # The draft the web app kept while the assistant could not take the answer.
    kept_entry_id = Column(ForeignKey("entries.id", ondelete="SET NULL"), nullable=True)
    __table_args__ = (UniqueConstraint("session_id", "client_id"),)


class AuditEvent(Base):
    """Who viewed, exported, changed or erased which pupil's record, and when."""

    __tablename__ = "audit_events"
    id = Column(Integer, primary_key=True)
    # A trust account's own line (its password, its overview) has its trust, not a school.
    school_id = Column(ForeignKey("schools.id", ondelete="CASCADE"), nullable=True, index=True)
    trust_id = Column(ForeignKey("trusts.id", ondelete="CASCADE"), nullable=True, index=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    staff_id = Column(ForeignKey("staff.id", ondelete="SET NULL"), nullable=True)
    action = Column(String(50), nullable=False)
    pupil_id = Column(Integer, nullable=True, index=True)
    detail = Column(Text, nullable=False, default="")

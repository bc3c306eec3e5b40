"""What staff see of one pupil: the pupil page (sessions, what each concept meant to the
pupil over time, adults' notes, benchmarks) and the communication profile form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from assistant.record.models import CommunicationProfile, ConversationSession, Pupil, Staff
from assistant.reports.gatsby import PupilBenchmarks, pupil_benchmarks
from assistant.reports.summary import AdultNote, adult_notes_for
from assistant.services.history import ConceptHistory, concept_histories
from assistant.services.pupils import open_record, profile_of, pupil_for
from assistant.services.sessions import sessions_of_pupil
from assistant.speech.synthesis import installed_voices
from assistant.vocabulary import INPUT_MODES
from symbols.catalogue import Concept, load_catalogue
from symbols.sets import SymbolSets


@dataclass
class PupilOverview:
    """The pupil page."""

    pupil: Pupil
    sessions: list[ConversationSession]
    histories: list[ConceptHistory]
    adult_notes: list[AdultNote]
    concepts: dict[str, Concept]
    gatsby: PupilBenchmarks


def pupil_overview(db: Session, staff: Staff, pupil_id: int) -> PupilOverview:
    """One pupil this member of staff may see, for their page; the viewing goes in the audit log."""
    pupil = open_record(db, staff, pupil_id)
    return PupilOverview(
        pupil,
        sessions_of_pupil(db, pupil.id),
        concept_histories(db, pupil.id),
        adult_notes_for(db, pupil.id),
        load_catalogue().concepts,
        pupil_benchmarks(db, pupil.id),
    )


@dataclass
class ProfileForm:
    """The communication profile form: the profile and what each choice may be."""

    pupil: Pupil
    profile: CommunicationProfile
    symbol_sets: list[str]
    input_modes: tuple[str, ...]
    voices: list[tuple[str, str]]


def profile_form(db: Session, staff: Staff, pupil_id: int, sets_root: Path | None) -> ProfileForm:
    """A pupil's profile with the symbol sets of their school (in `sets_root`, the folder of
    every school's sets) and the voices installed on this computer."""
    pupil = pupil_for(db, staff, pupil_id)
    profile = profile_of(pupil)
    sets = SymbolSets.for_school(sets_root, pupil.school_id).names()
    return ProfileForm(pupil, profile, sets, INPUT_MODES, installed_voices(current=profile.voice))

"""The communication profile form: a pupil's profile and what each choice may be (the
symbol sets of their school, the voices installed here). Apart from pupils.py, which every
turn imports, so the action server does not load the speech stack for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from assistant.record.models import CommunicationProfile, Pupil, Staff
from assistant.services.pupils import profile_of, pupil_for
from assistant.speech.synthesis import installed_voices
from assistant.vocabulary import INPUT_MODES
from symbols.sets import SymbolSets


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

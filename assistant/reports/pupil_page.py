"""The pupil page staff open: the pupil's sessions, what each concept meant to the pupil
over time, adults' notes apart from the pupil's words, and the Gatsby benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from assistant.record.models import ConversationSession, Pupil, Staff
from assistant.reports.gatsby import PupilBenchmarks, pupil_benchmarks
from assistant.reports.summary import AdultNote, adult_notes_for
from assistant.services.history import ConceptHistory, concept_histories
from assistant.services.pupils import open_record
from assistant.services.sessions import sessions_of_pupil
from symbols.catalogue import Concept, load_catalogue


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

"""A school's own settings: its retention period, the voice new pupils start with, and
whether the review summary includes what adults noticed. One row per school in
`school_settings`; a NULL column (or no row) means the server's default from settings.py.
Everything that needs one of these values asks `effective` here, never the row or the
server setting directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotAllowed
from assistant.record.models import SchoolSettings, Staff
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.settings import load_settings

# Each school setting and the server setting that is its default.
SERVER_KEYS = {
    "retention_days": "RETENTION_DAYS",
    "default_voice": "DEFAULT_VOICE",
    "summary_adult_notes": "SUMMARY_ADULT_NOTES",
}
MAX_RETENTION_DAYS = 36500  # a hundred years: longer is a slip


@dataclass(frozen=True)
class Effective:
    """The values in force for one school, and which of them the school set itself."""

    retention_days: int
    default_voice: str
    summary_adult_notes: bool
    own: frozenset[str]


def server_defaults(server: Mapping | None = None) -> dict:
    """The server's defaults (from `server`, e.g. the app's config, else settings.py's merge)."""
    if server is None:
        server = load_settings()
    return {
        "retention_days": int(server["RETENTION_DAYS"]),
        "default_voice": str(server["DEFAULT_VOICE"]),
        "summary_adult_notes": bool(int(server["SUMMARY_ADULT_NOTES"])),
    }


def effective(db: Session, school_id: int, server: Mapping | None = None) -> Effective:
    """The settings in force for a school: its own where set, else the server's default."""
    row = db.get(SchoolSettings, school_id)
    values = server_defaults(server)
    own = set()
    for key in SERVER_KEYS:
        value = getattr(row, key) if row is not None else None
        if value is not None:
            values[key] = value
            own.add(key)
    return Effective(
        retention_days=int(values["retention_days"]),
        default_voice=str(values["default_voice"]),
        summary_adult_notes=bool(values["summary_adult_notes"]),
        own=frozenset(own),
    )


def _parse(values: Mapping, voices: list[str]) -> dict:
    """The given values, checked ("" means the server's default); keys not given stay as they are."""
    clean: dict = {}
    if "retention_days" in values:
        days = str(values["retention_days"] or "").strip()
        if days and (not days.isascii() or not days.isdigit() or len(days) > 6 or int(days) > MAX_RETENTION_DAYS):
            raise InvalidInput(
                f"Keep records for a whole number of days from 0 to {MAX_RETENTION_DAYS} "
                "(0 keeps them for ever), or leave it empty for the server's default."
            )
        clean["retention_days"] = int(days) if days else None
    if "default_voice" in values:
        voice = str(values["default_voice"] or "").strip()
        if voice and voice not in voices:
            raise InvalidInput("Choose one of the voices offered, or the server's default.")
        clean["default_voice"] = voice or None
    if "summary_adult_notes" in values:
        notes = str(values["summary_adult_notes"] or "").strip()
        if notes not in ("", "yes", "no"):
            raise InvalidInput("Choose yes, no or the server's default for what adults noticed in the review summary.")
        clean["summary_adult_notes"] = None if not notes else notes == "yes"
    return clean


def update_settings(
    db: Session, staff: Staff, values: Mapping, voices: list[str], server: Mapping | None = None
) -> Effective:
    """The school administrator sets their own school's settings (validated, audited).
    `voices` are the voice names that may be chosen (those installed)."""
    if staff.role != "admin":
        raise NotAllowed("Only the school's administrator may change its settings.")
    clean = _parse(values, voices)
    with transaction(db):
        row = db.get(SchoolSettings, staff.school_id) or SchoolSettings(school_id=staff.school_id)
        for key, value in clean.items():
            setattr(row, key, value)
        db.add(row)
        audit.record(
            db,
            staff,
            "change",
            None,
            "school settings: "
            + ", ".join(
                f"{key.replace('_', ' ')} {'server default' if value is None else value}"
                for key, value in clean.items()
            ),
        )
    return effective(db, staff.school_id, server)

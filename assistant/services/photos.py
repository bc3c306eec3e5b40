"""Photos of an encounter's place: checked and stored with the consent given for them, and
found again for the staff page and the tablet of a session of that encounter.

A photo is untrusted bytes until the parsing sandbox has decoded it and written it anew
(assistant/uploads.py `clean_photo`): a picture that crashes or floods the decoder costs
that one request, never the service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from assistant import uploads
from assistant.errors import InvalidInput, NotFound
from assistant.record.models import ConversationSession, Encounter
from assistant.record.unit_of_work import transaction

FOLDER = "photos"  # in the instance folder (and so in its backups)
MAX_CONSENT = 1000


@dataclass(frozen=True)
class Photo:
    """A photo decoded and saved anew, with how consent for it was given."""

    data: bytes
    suffix: str
    consent: str


def check_photo(data: bytes, consent: str) -> Photo | None:
    """The photo made safe in the parsing sandbox (None when no photo was sent);
    InvalidInput when consent is not given or the picture cannot be read."""
    if not data:
        return None
    if not consent.strip():
        raise InvalidInput("Say how consent was given for the photo.")
    cleaned, suffix = uploads.parse(uploads.clean_photo, data)
    return Photo(cleaned, suffix, consent[:MAX_CONSENT])


def store_photo(db: Session, encounter: Encounter, photo: Photo, instance: Path) -> None:
    """Keep a checked photo as the encounter's, in the instance folder."""
    folder = instance / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    name = f"encounter-{encounter.id}{photo.suffix}"
    (folder / name).write_bytes(photo.data)
    with transaction(db):
        encounter.photo_filename = name
        encounter.photo_consent = photo.consent


def photo_file(encounter: Encounter | None, instance: Path) -> Path:
    """The file of an encounter's photo; NotFound when it has none."""
    path = instance / FOLDER / encounter.photo_filename if encounter is not None and encounter.photo_filename else None
    if path is None or not path.is_file():
        raise NotFound("No photo for this encounter.")
    return path


def session_photo(session: ConversationSession, instance: Path) -> Path:
    """The photo of a session's encounter place, for the tablet; NotFound when it has none."""
    try:
        return photo_file(session.encounter, instance)
    except NotFound:
        raise NotFound("No photo for this conversation.") from None

"""A school leaving the service: its whole record as one export (a zip), then its erasure
from everything this server holds (the record's rows, Rasa's conversation events for its
pupils' conversations, "My voice" features, encounter photos, cached speech and Rasa's
locks in Redis), leaving the other schools' data as it was.

Every table of the record is named here with the way its rows reach the school; a table
added without one makes both functions refuse to run (and the test fail), so a new table
is never left out of an export or an erasure."""

from __future__ import annotations

import base64
import io
import json
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Table, create_engine, delete, false, inspect, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from assistant.errors import InvalidInput, NotFound
from assistant.record.models import AuditEvent, Base, ConversationSession, Encounter, Entry, Group, Pupil, School, Staff
from assistant.record.rasa_stores import LOCK_KEY_PREFIX
from assistant.record.unit_of_work import transaction
from assistant.services import audit
from assistant.services.erasure import _erase_tracker_events
from assistant.services.files import write_private_file
from symbols.sets import INSTANCE_SUBDIR, school_sets_dir

EXPORT_ACTION = "export_school"  # the audit line an erasure looks for
# Columns never exported: secrets and Rasa's internal id of a conversation.
SECRET_COLUMNS = {
    "staff": {"password_hash"},
    "conversation_sessions": {"tablet_token_hash", "claim_code_hash", "rasa_sender_id"},
}
NOT_EXPORTED = {
    "staff_sessions": "staff logins held on the server (token hashes only)",
    "trusts": "the trust the school belonged to is not the school's (schools.json names it)",
}
# What each file of the export holds (README.txt).
DESCRIPTIONS = {
    "schools": "The school itself: its name and when it was created.",
    "school_settings": "The school's own settings: retention period, new pupils' voice, the review summary's adult notes.",
    "staff": "Staff accounts: email, name, role, when created or disabled (no passwords).",
    "groups": "Classes and tutor groups.",
    "staff_groups": "Which member of staff works with which group.",
    "pupils": "Pupils: names, year group, group, reference, sharing choices.",
    "communication_profiles": "How each pupil communicates: symbols, board size, voice, input.",
    "encounters": "Careers encounters with their Gatsby benchmarks.",
    "encounter_pupils": "Which pupil went to which encounter.",
    "conversation_sessions": "Each conversation on a tablet, with its place (dialogue_state).",
    "entries": "Career-profile entries: each answer in the pupil's own words, with provenance.",
    "annotations": "What adults did to each entry at review (confirm, correct, observe, discard).",
    "concerns": "Words that may disclose harm, kept for the designated safeguarding lead.",
    "voice_profiles": '"My voice" consent: who gave it, who recorded it, when.',
    "voice_templates": '"My voice" sound features (float16 .npy, base64); never a recording.',
    "chat_requests": "Each tablet message's stored reply (kept so a message is taken once).",
    "audit_events": "The audit log: who viewed, exported, changed or erased what, and when.",
}


def school_rows(school_id: int) -> dict[str, object]:
    """For each table of the record, the condition picking the school's rows."""
    pupils = select(Pupil.id).where(Pupil.school_id == school_id)
    staff = select(Staff.id).where(Staff.school_id == school_id)
    groups = select(Group.id).where(Group.school_id == school_id)
    encounters = select(Encounter.id).where(Encounter.school_id == school_id)
    sessions = select(ConversationSession.id).where(ConversationSession.pupil_id.in_(pupils))
    entries = select(Entry.id).where(Entry.pupil_id.in_(pupils))
    t = Base.metadata.tables
    return {
        "schools": t["schools"].c.id == school_id,
        "school_settings": t["school_settings"].c.school_id == school_id,
        "trusts": false(),  # the trust stays, with its other schools
        "staff": t["staff"].c.school_id == school_id,
        "staff_sessions": t["staff_sessions"].c.staff_id.in_(staff),
        "groups": t["groups"].c.school_id == school_id,
        "staff_groups": or_(t["staff_groups"].c.staff_id.in_(staff), t["staff_groups"].c.group_id.in_(groups)),
        "pupils": t["pupils"].c.school_id == school_id,
        "communication_profiles": t["communication_profiles"].c.pupil_id.in_(pupils),
        "encounters": t["encounters"].c.school_id == school_id,
        "encounter_pupils": or_(
            t["encounter_pupils"].c.encounter_id.in_(encounters), t["encounter_pupils"].c.pupil_id.in_(pupils)
        ),
        "conversation_sessions": t["conversation_sessions"].c.pupil_id.in_(pupils),
        "entries": t["entries"].c.pupil_id.in_(pupils),
        "annotations": t["annotations"].c.entry_id.in_(entries),
        "concerns": t["concerns"].c.pupil_id.in_(pupils),
        "voice_profiles": t["voice_profiles"].c.pupil_id.in_(pupils),
        "voice_templates": t["voice_templates"].c.pupil_id.in_(pupils),
        "chat_requests": t["chat_requests"].c.session_id.in_(sessions),
        "audit_events": t["audit_events"].c.school_id == school_id,
    }


def _tables(school_id: int) -> list[tuple[Table, object]]:
    """Every table with its condition, parents before children (RuntimeError for a table
    this module does not know: it must be added to `school_rows`)."""
    conditions = school_rows(school_id)
    unknown = set(Base.metadata.tables) - set(conditions)
    if unknown:
        raise RuntimeError(f"school_exit does not know the tables {sorted(unknown)}")
    return [(table, conditions[table.name]) for table in Base.metadata.sorted_tables]


def _school(db: Session, school_id: int) -> School:
    school = db.get(School, school_id)
    if school is None:
        raise NotFound("No such school.")
    return school


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def export_school(db: Session, school_id: int, out: Path, instance: Path | None = None) -> int:
    """Write the school's whole record to `out` as one zip, readable only by the server's
    account: `<table>.json` for each table (a list of rows, secrets left out), the encounter
    photos under photos/, and README.txt saying what each file is. Audited in the school's
    log once the file is written (an erasure asks for an export first). Returns its size."""
    school = _school(db, school_id)
    buffer = io.BytesIO()
    files = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, condition in _tables(school_id):
            if table.name in NOT_EXPORTED:
                continue
            hidden = SECRET_COLUMNS.get(table.name, set())
            columns = [c for c in table.c if c.name not in hidden]
            rows = db.execute(select(*columns).where(condition).order_by(*table.primary_key.columns)).all()
            data = [{c.name: _jsonable(v) for c, v in zip(columns, row)} for row in rows]
            archive.writestr(f"{table.name}.json", json.dumps(data, indent=1, ensure_ascii=False))
            files.append((f"{table.name}.json", DESCRIPTIONS.get(table.name, table.name), len(data)))
        for name in _photos(db, school_id):
            path = (instance / "photos" / name) if instance else None
            if path is not None and path.is_file():
                archive.write(path, f"photos/{name}")
                files.append((f"photos/{name}", "A photo of an encounter's place.", 1))
        sets = school_sets_dir(instance / INSTANCE_SUBDIR, school_id) if instance else None
        for path in sorted(sets.rglob("*")) if sets is not None and sets.is_dir() else []:
            if path.is_file() and not path.is_symlink():
                name = f"symbol_sets/{path.relative_to(sets).as_posix()}"
                archive.write(path, name)
                files.append((name, "A picture (or licence) of the school's own symbol sets.", 1))
        archive.writestr("README.txt", _readme(school.name, files))
    write_private_file(out, buffer.getvalue())
    with transaction(db):
        audit.record(db, None, EXPORT_ACTION, None, "exported the whole school record", school_id=school_id)
    return len(buffer.getvalue())


def _readme(school_name: str, files: list[tuple[str, str, int]]) -> str:
    lines = [
        f"The whole record of {school_name}, exported from Pupil Voice on {datetime.now().date().isoformat()}.",
        "",
        "Each .json file is a list of rows of one table, one object per row, with the",
        "table's columns as keys (times in UTC, ISO 8601). Rows refer to each other by id.",
        "Passwords and login tokens are not included.",
        "",
        "Files:",
    ]
    lines += [f"  {name}  ({count} {'row' if count == 1 else 'rows'}): {what}" for name, what, count in files]
    lines += [
        "",
        "Not included: "
        + "; ".join(f"{k} ({v})" for k, v in NOT_EXPORTED.items())
        + "; Rasa's conversation events (the same turns, as the assistant saw them);",
        "the shared OpenMoji symbols (the same on every server).",
        "",
    ]
    return "\n".join(lines)


def _photos(db: Session, school_id: int) -> list[str]:
    names = db.execute(
        select(Encounter.photo_filename).where(Encounter.school_id == school_id, Encounter.photo_filename.is_not(None))
    ).scalars()
    # Only plain file names: a stored name never leads out of the photos folder.
    return sorted(n for n in names if n and "/" not in n and "\\" not in n and not n.startswith("."))


def was_exported(db: Session, school_id: int) -> bool:
    """True once the school's record has been exported (its audit log says so)."""
    return (
        db.execute(
            select(AuditEvent.id).where(AuditEvent.school_id == school_id, AuditEvent.action == EXPORT_ACTION).limit(1)
        ).first()
        is not None
    )


def erase_school(
    db: Session,
    school_id: int,
    *,
    tracker_store_url: str | None = None,
    instance: Path | None = None,
    redis_url: str | None = None,
    without_export: bool = False,
) -> dict:
    """Remove the school and everything it owns: every row of the record (children first,
    in one transaction), its pupils' conversation events in Rasa's tracker store, their
    conversation locks in Redis, its encounter photos and the speech cache; then compact an
    SQLite database so no erased byte stays in the file. Refuses (InvalidInput) a school
    never exported unless `without_export`. Returns the counts removed."""
    _school(db, school_id)
    if not without_export and not was_exported(db, school_id):
        raise InvalidInput("Export the school's record first (export-school), or say --without-export.")
    senders = list(
        db.execute(
            select(ConversationSession.rasa_sender_id).where(
                ConversationSession.pupil_id.in_(select(Pupil.id).where(Pupil.school_id == school_id))
            )
        ).scalars()
    )
    photos = _photos(db, school_id)
    counts: dict[str, int] = {}
    # Rasa's events first: should this fail, the record still says whose they were.
    counts["tracker_events"] = (
        _erase_tracker_events(tracker_store_url, senders) if senders and _tracker_exists(tracker_store_url) else 0
    )
    with transaction(db):
        for table, condition in reversed(_tables(school_id)):
            counts[table.name] = db.execute(delete(table).where(condition)).rowcount
    db.expire_all()  # the ORM must not hold the erased rows
    counts["photos"] = 0
    if instance is not None:
        for name in photos:
            path = instance / "photos" / name
            if path.is_file():
                path.unlink()
                counts["photos"] += 1
        sets = school_sets_dir(instance / INSTANCE_SUBDIR, school_id)
        counts["symbol_set_files"] = sum(1 for p in sets.rglob("*") if p.is_file()) if sets.is_dir() else 0
        shutil.rmtree(sets, ignore_errors=True)
        # Prompts are cached by their text, some with a pupil's name: clear it all (it refills).
        shutil.rmtree(instance / "speech_cache", ignore_errors=True)
    counts["locks"] = _erase_locks(redis_url, senders) if redis_url and senders else 0
    compact(db.get_bind())
    if counts["tracker_events"] and tracker_store_url.startswith("sqlite"):
        engine = create_engine(tracker_store_url)
        try:
            compact(engine)
        finally:
            engine.dispose()
    return counts


def _tracker_exists(url: str | None) -> bool:
    """False when there is no tracker store, or an SQLite one Rasa never created."""
    if not url:
        return False
    parsed = make_url(url)
    return parsed.get_backend_name() != "sqlite" or Path(parsed.database or "").is_file()


def compact(engine) -> None:
    """On SQLite, rewrite the file without its free pages (erased rows linger in them until
    then); PostgreSQL's files are left to its own vacuum (docs/security.md)."""
    if engine.dialect.name != "sqlite" or not inspect(engine).get_table_names():
        return
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        connection.execute(text("VACUUM"))


def _erase_locks(redis_url: str, senders: list[str]) -> int:
    """Rasa's conversation locks of these conversations, if Rasa keeps them in Redis."""
    from redis import Redis

    client = Redis.from_url(redis_url)
    try:
        keys = [f"{LOCK_KEY_PREFIX}:lock:{sender}" for sender in senders]
        return int(client.delete(*keys)) if keys else 0
    finally:
        client.close()

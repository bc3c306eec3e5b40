"""A school leaving: its whole record as one zip, then erased from the record (SQLite and
PostgreSQL), Rasa's conversation store, photos and caches; a byte search of the databases
finds nothing of it, and the other school is untouched."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.errors import InvalidInput
from assistant.record.models import Base, ConversationSession, Encounter, SchoolSettings, StaffSession
from assistant.services.school_exit import erase_school, export_school, school_rows
from symbols.sets import INSTANCE_SUBDIR, school_sets_dir
from tests.conftest import OTHER_MARKERS, make_other_school, make_people, school_snapshot

# The leaving school's words (OTHER_MARKERS, its name) and the staying school's.
LEAVING = (*OTHER_MARKERS, "Other School", "Tessellate-photo")
STAYING = ("Sam", "Taylor", "Leo", "Brown", "lead@school.test", "Our school", "Willow class")


def _database_bytes(db) -> bytes:
    """Everything the record's database holds: the SQLite file (and its journal), or on
    PostgreSQL every row of every table of the test's schema, as text."""
    engine = db.get_bind()
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists())
    tables = (
        db.execute(text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))
        .scalars()
        .all()
    )
    dump = [repr(db.execute(text(f'SELECT t::text FROM "{name}" t')).scalars().all()) for name in tables]
    db.rollback()
    return "\n".join(dump).encode("utf-8")


def _tracker(path: Path, senders: dict[str, str]) -> str:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        con.executemany("INSERT INTO events (sender_id, data) VALUES (?, ?)", list(senders.items()))
    con.close()
    return f"sqlite:///{path}"


def test_every_table_is_exported_and_erased_by_school():
    assert set(school_rows(1)) == set(Base.metadata.tables)


def test_a_school_is_exported_then_erased_leaving_no_byte(db, tmp_path):
    _lead, _ta, sam, _leo = make_people(db)
    other = make_other_school(db)
    # The leaving school's photo, staff login and conversation in Rasa's store; the staying one's.
    instance = tmp_path / "instance"
    (instance / "photos").mkdir(parents=True)
    (instance / "photos" / "visit.png").write_bytes(b"Tessellate-photo")
    (instance / "speech_cache").mkdir()
    (instance / "speech_cache" / "hello.wav").write_bytes(b"RIFF")
    db.get(Encounter, other["encounter_id"]).photo_filename = "visit.png"
    # Each school's own symbol set and settings: the leaving one's go, the staying one's stay.
    leaving_sets = school_sets_dir(instance / INSTANCE_SUBDIR, other["school_id"]) / "zz-signs"
    staying_sets = school_sets_dir(instance / INSTANCE_SUBDIR, sam.school_id) / "our-signs"
    for folder in (leaving_sets, staying_sets):
        folder.mkdir(parents=True)
        (folder / "cook.svg").write_text(f"<svg><title>{folder.name}</title></svg>")
    db.add(SchoolSettings(school_id=other["school_id"], retention_days=30))
    db.add(StaffSession(id="z" * 64, staff_id=other["admin"]))
    ours = ConversationSession(pupil_id=sam.id, conversation="interests")
    db.add(ours)
    db.commit()
    theirs = db.get(ConversationSession, other["session_id"]).rasa_sender_id
    tracker = tmp_path / "trackers.db"
    tracker_url = _tracker(
        tracker, {theirs: '{"text": "zz other answer"}', ours.rasa_sender_id: '{"text": "Taylor cooking"}'}
    )
    before = school_snapshot(db, sam.school_id)
    assert all(marker.encode() in _database_bytes(db) for marker in LEAVING[:-1])  # the search can fail

    with pytest.raises(InvalidInput, match="Export"):
        erase_school(db, other["school_id"], tracker_store_url=tracker_url, instance=instance)
    size = export_school(db, other["school_id"], tmp_path / "export.zip", instance)
    assert (tmp_path / "export.zip").stat().st_size == size
    archive = zipfile.ZipFile(tmp_path / "export.zip")
    names = set(archive.namelist())
    assert {
        "README.txt",
        "pupils.json",
        "staff.json",
        "entries.json",
        "concerns.json",
        "annotations.json",
        "encounters.json",
        "audit_events.json",
        "voice_templates.json",
        "photos/visit.png",
        "school_settings.json",
        "symbol_sets/zz-signs/cook.svg",
    } <= names
    assert not any("our-signs" in n for n in names)
    assert json.loads(archive.read("school_settings.json"))[0]["retention_days"] == 30
    everything = b"".join(archive.read(n) for n in names)
    for marker in LEAVING:
        assert marker.encode() in everything, marker
    for marker in ("Taylor", "Brown", "lead@school.test", "Willow class", "password_hash", "tablet_token_hash"):
        assert marker.encode() not in everything, marker
    pupils = json.loads(archive.read("pupils.json"))
    assert sorted(p["given_name"] for p in pupils) == ["Zara", "Zebedee"]
    assert "pupils.json" in archive.read("README.txt").decode()

    counts = erase_school(db, other["school_id"], tracker_store_url=tracker_url, instance=instance)
    assert counts["pupils"] == 2 and counts["tracker_events"] == 1 and counts["photos"] == 1
    stored = _database_bytes(db)
    for marker in LEAVING:
        assert marker.encode() not in stored, marker
    for marker in STAYING:
        assert marker.encode() in stored, marker
    assert school_snapshot(db, sam.school_id) == before  # the staying school, row for row
    kept = tracker.read_bytes()
    assert b"zz other answer" not in kept and theirs.encode() not in kept and b"Taylor cooking" in kept
    assert not (instance / "photos" / "visit.png").exists() and not (instance / "speech_cache").exists()
    assert counts["school_settings"] == 1 and counts["symbol_set_files"] == 1
    assert not leaving_sets.exists() and (staying_sets / "cook.svg").is_file()

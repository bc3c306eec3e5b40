"""Backup and restore of everything the school holds: the record (SQLite's online backup,
or pg_dump for PostgreSQL), Rasa's conversation store, and the instance folder's settings
(secrets), photos and symbol sets. A backup is a folder readable only by its owner (0700,
files 0600): it holds pupils' words and the secrets, so keep it as carefully as the server."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from assistant.errors import InvalidInput
from assistant.settings import secure_instance

INSTANCE_ITEMS = ("settings.json", "photos", "symbol_sets")
MANIFEST = "backup.json"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while the app keeps writing."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _pg_env(url: str) -> tuple[str, dict]:
    """A libpq URL (without SQLAlchemy's driver) and the environment for pg_dump/pg_restore."""
    parsed = make_url(url)
    options = dict(parsed.query)
    env = dict(os.environ)
    if "options" in options:  # e.g. -csearch_path=schema (tests)
        env["PGOPTIONS"] = options.pop("options")
    plain = parsed.set(drivername="postgresql", query=options)
    return plain.render_as_string(hide_password=False), env


def _dump(url: str, target_stem: Path) -> str:
    path = _sqlite_path(url)
    if path is not None:
        if not path.exists():
            return "absent"
        _copy_sqlite(path, target_stem.with_suffix(".sqlite"))
        return "sqlite"
    plain, env = _pg_env(url)
    schema = None
    if "PGOPTIONS" in env and "search_path" in env["PGOPTIONS"]:
        schema = env["PGOPTIONS"].split("search_path=")[-1].split()[0]
    command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target_stem.with_suffix(".pgdump"))]
    if schema:
        command += ["--schema", schema]
    subprocess.run(command + [plain], check=True, env=env, capture_output=True)
    return "postgresql"


def _load(url: str, source_stem: Path, kind: str) -> None:
    if kind == "absent":
        return
    if kind == "sqlite":
        path = _sqlite_path(url)
        if path is None:
            raise InvalidInput("This backup holds a SQLite database; DATABASE_URL names another kind.")
        path.parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(source_stem.with_suffix(".sqlite"), path)
        path.chmod(0o600)
        return
    plain, env = _pg_env(url)
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            plain,
            str(source_stem.with_suffix(".pgdump")),
        ],
        check=True,
        env=env,
        capture_output=True,
    )


def backup(settings: dict, out_dir: Path) -> Path:
    """Write a new backup folder under `out_dir`; return its path."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = Path(out_dir) / f"pupil-voice-backup-{stamp}"
    old_umask = os.umask(0o077)
    try:
        target.mkdir(parents=True, exist_ok=False, mode=0o700)
        manifest = {
            "made": stamp,
            "record": _dump(settings["DATABASE_URL"], target / "record"),
            "trackers": _dump(settings["TRACKER_STORE_URL"], target / "trackers"),
            "instance": [],
        }
        instance = Path(settings["INSTANCE_PATH"])
        for name in INSTANCE_ITEMS:
            item = instance / name
            if item.is_dir():
                shutil.copytree(item, target / "instance" / name)
            elif item.is_file():
                (target / "instance").mkdir(exist_ok=True)
                shutil.copy2(item, target / "instance" / name)
            else:
                continue
            manifest["instance"].append(name)
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    finally:
        os.umask(old_umask)
    for item in [target, *target.rglob("*")]:
        item.chmod(0o700 if item.is_dir() else 0o600)
    return target


def restore(settings: dict, source: Path) -> dict:
    """Put a backup back: the record, the conversation store and the instance files
    (replacing what is there). Stop the app first."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InvalidInput(f"{source} is not a Pupil Voice backup (no {MANIFEST}).") from None
    _load(settings["DATABASE_URL"], source / "record", manifest["record"])
    _load(settings["TRACKER_STORE_URL"], source / "trackers", manifest["trackers"])
    instance = Path(settings["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in manifest.get("instance", []):
        if name not in INSTANCE_ITEMS:
            continue
        item, target = source / "instance" / name, instance / name
        if item.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(item, target)
        elif item.is_file():
            shutil.copy2(item, target)
    secure_instance(instance)
    return manifest

"""Settings: defaults in code, then instance/settings.json, then environment variables.

Every key is listed in the README (a test checks). Secrets are generated into the
instance folder on first run, never committed.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"

DEFAULTS: dict[str, object] = {
    # The record. SQLite under the instance folder unless DATABASE_URL says otherwise.
    "DATABASE_URL": None,
    # Flask session signing key; generated on first run.
    "SECRET_KEY": None,
    # Where the web app reaches Rasa (loopback or the servers' own network) and the token for
    # Rasa's HTTP API. Several Rasa servers: their addresses separated by commas; each session
    # keeps to one of them and moves to the next when it is down.
    "RASA_URL": "http://127.0.0.1:5005",
    "RASA_TOKEN": None,
    "RASA_TIMEOUT_SECONDS": 30,
    # The web app's address; 0.0.0.0 lets tablets on the school network reach it.
    "WEB_HOST": "127.0.0.1",
    "WEB_PORT": 8000,
    "ACTION_SERVER_PORT": 5055,
    # The web app's gunicorn workers (processes) and threads in each.
    "WEB_WORKERS": 2,
    "WEB_THREADS": 4,
    # The trained model Rasa serves (relative to the project).
    "RASA_MODEL": "models/assistant.tar.gz",
    # Longest answer a pupil or adult may type, in characters.
    "MAX_MESSAGE_CHARS": 500,
    # Hours a tablet stays in its session after it has used the session's code.
    "TABLET_TOKEN_HOURS": 12,
    # Rasa's conversation store (where erasure removes a pupil's conversation events). Unset:
    # SQLite in the instance folder, or, when DATABASE_URL is PostgreSQL, the same database
    # in a schema of its own (TRACKER_SCHEMA) reached by a role that may use only that schema
    # (TRACKER_DB_ROLE, password TRACKER_DB_PASSWORD, generated), with small pools per Rasa
    # server (TRACKER_POOL_SIZE connections kept, TRACKER_MAX_OVERFLOW more at a peak).
    "TRACKER_STORE_URL": None,
    "TRACKER_SCHEMA": "rasa",
    "TRACKER_DB_ROLE": "pupil_voice_rasa",
    "TRACKER_DB_PASSWORD": None,
    "TRACKER_POOL_SIZE": 2,
    "TRACKER_MAX_OVERFLOW": 3,
    # Redis (redis://host:port/db): when set, Rasa servers share a lock store there (one
    # message of a conversation at a time, whichever server takes it) and the web app's
    # request counters (rate limits) are shared by all its workers.
    "REDIS_URL": None,
    # Send staff cookies over HTTPS only (set to 1 when the app is served over HTTPS).
    "SESSION_COOKIE_SECURE": 0,
    # Staff sessions end after this many idle minutes, and this many hours after login.
    "STAFF_IDLE_MINUTES": 30,
    "STAFF_SESSION_HOURS": 10,
    # Signs what the web app sends to Rasa, checked by the action server before it records.
    "CHANNEL_SECRET": None,
    # Most audio kept in the speech cache (oldest files go first), in megabytes.
    "SPEECH_CACHE_MB": 200,
    # The first school's name, given to it when the record is created (or upgraded to schools).
    "SCHOOL_NAME": "Our school",
    # Days conversation events, stored replies and drafts are kept (0 keeps them for ever).
    # This and the next two are the server's defaults: a school's administrator may set its
    # own on /staff/school/settings (assistant/services/school_settings.py reads the one in force).
    "RETENTION_DAYS": 0,
    # The voice a new pupil's profile starts with (an espeak-ng name such as en-gb).
    "DEFAULT_VOICE": "en-gb",
    # 1: the review summary includes what adults noticed (their observations and views).
    "SUMMARY_ADULT_NOTES": 1,
}

GENERATED_SECRETS = ("SECRET_KEY", "RASA_TOKEN", "CHANNEL_SECRET", "TRACKER_DB_PASSWORD")
INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int)}


def generate_secret() -> str:
    """A URL-safe random secret that never starts with "-" (nothing takes it for an option)."""
    while True:
        secret = secrets.token_urlsafe(32)
        if secret[0].isalnum():
            return secret


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def postgres_tracker_url(settings: dict) -> str:
    """The tracker store on the record's PostgreSQL database: its own schema and role."""
    url = make_url(settings["DATABASE_URL"]).set(
        drivername="postgresql",
        username=settings["TRACKER_DB_ROLE"],
        password=settings["TRACKER_DB_PASSWORD"] or None,
        query={"options": f"-csearch_path={settings['TRACKER_SCHEMA']}"},
    )
    return url.render_as_string(hide_password=False)


def instance_path() -> Path:
    """The instance folder (PUPIL_VOICE_INSTANCE overrides, for tests and deployments)."""
    return Path(os.environ.get("PUPIL_VOICE_INSTANCE", DEFAULT_INSTANCE_PATH))


def load_settings(path: Path | None = None, overrides: dict | None = None) -> dict:
    """Merge defaults, the instance settings file and the environment, in that order."""
    path = Path(path) if path else instance_path()
    settings = dict(DEFAULTS)
    file = path / "settings.json"
    if file.exists():
        settings.update(json.loads(file.read_text(encoding="utf-8")))
    for key in DEFAULTS:
        if key in os.environ:
            settings[key] = os.environ[key]
    settings.update(overrides or {})
    for key in INT_KEYS:
        settings[key] = int(settings[key])
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{path / 'pupil_voice.db'}"
    if not settings["TRACKER_STORE_URL"]:
        settings["TRACKER_STORE_URL"] = (
            postgres_tracker_url(settings)
            if is_postgres(settings["DATABASE_URL"])
            else f"sqlite:///{path / 'rasa_trackers.db'}"
        )
    settings["RASA_URLS"] = [u.strip().rstrip("/") for u in str(settings["RASA_URL"]).split(",") if u.strip()]
    settings["INSTANCE_PATH"] = str(path)
    return settings


def ensure_instance(path: Path | None = None) -> dict:
    """Create the instance folder and its generated secrets if missing; return settings."""
    path = Path(path) if path else instance_path()
    path.mkdir(parents=True, exist_ok=True)
    secure_instance(path)
    file = path / "settings.json"
    stored = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    changed = False
    for key in GENERATED_SECRETS:
        if not stored.get(key):
            stored[key] = generate_secret()
            changed = True
    if changed:
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(json.dumps(stored, indent=2) + "\n")
        file.chmod(0o600)
    return load_settings(path)


def secure_instance(path: Path | None = None) -> None:
    """Only the account that runs the app may read the instance folder: the folder and
    every folder in it 0700, every file 0600 (the databases, secrets, photos, audio)."""
    path = Path(path) if path else instance_path()
    if not path.is_dir():
        return
    path.chmod(0o700)
    for item in path.rglob("*"):
        if item.is_symlink():
            continue
        item.chmod(0o700 if item.is_dir() else 0o600)


if __name__ == "__main__":  # `python -m assistant.settings KEY` prints one setting (for bin/run)
    values = ensure_instance()
    print(values[sys.argv[1]])

"""Settings: defaults in code, then instance/settings.json, then environment variables.

Every key is listed in the README (a test checks). Secrets are generated into the
instance folder on first run, never committed.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"

DEFAULTS: dict[str, object] = {
    # The record. SQLite under the instance folder unless DATABASE_URL says otherwise.
    "DATABASE_URL": None,
    # Flask session signing key; generated on first run.
    "SECRET_KEY": None,
    # Where the web app reaches Rasa (loopback only) and the token for Rasa's HTTP API.
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
    # The trained model and the endpoints file Rasa is started with (relative to the project).
    "RASA_MODEL": "models/assistant.tar.gz",
    "RASA_ENDPOINTS": "endpoints.yml",
    # Longest answer a pupil or adult may type, in characters.
    "MAX_MESSAGE_CHARS": 500,
    # Hours a tablet stays in its session after it has used the session's code.
    "TABLET_TOKEN_HOURS": 12,
    # Rasa's conversation store (where erasure removes a pupil's conversation events).
    "TRACKER_STORE_URL": None,
    # Send staff cookies over HTTPS only (set to 1 when the app is served over HTTPS).
    "SESSION_COOKIE_SECURE": 0,
}

GENERATED_SECRETS = ("SECRET_KEY", "RASA_TOKEN")
INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int)}


def generate_secret() -> str:
    """A URL-safe random secret that never starts with "-" (nothing takes it for an option)."""
    while True:
        secret = secrets.token_urlsafe(32)
        if secret[0].isalnum():
            return secret


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
        settings["TRACKER_STORE_URL"] = f"sqlite:///{path / 'rasa_trackers.db'}"
    settings["INSTANCE_PATH"] = str(path)
    return settings


def ensure_instance(path: Path | None = None) -> dict:
    """Create the instance folder and its generated secrets if missing; return settings."""
    path = Path(path) if path else instance_path()
    path.mkdir(parents=True, exist_ok=True)
    file = path / "settings.json"
    stored = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    changed = False
    for key in GENERATED_SECRETS:
        if not stored.get(key):
            stored[key] = generate_secret()
            changed = True
    if changed:
        file.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
        file.chmod(0o600)
    return load_settings(path)


if __name__ == "__main__":  # `python -m assistant.settings KEY` prints one setting (for bin/run)
    import sys

    values = ensure_instance()
    print(values[sys.argv[1]])

"""Turn Rasa's telemetry off for good, in Rasa's own config (~/.config/rasa/global.yml), so
that no run sends usage data even without RASA_TELEMETRY_ENABLED=false in its environment.

Rasa writes `metrics: {enabled: true}` there the first time it runs when the file lacks the
key; bin/setup runs this first, so the key is always there and false. Other keys are kept."""

from __future__ import annotations

import os
import sys
import uuid
from datetime import datetime
from pathlib import Path

import yaml


def config_path() -> Path:
    return Path(os.path.expanduser("~/.config/rasa/global.yml"))


def disable(path: Path | None = None) -> bool:
    """Set metrics.enabled to false; return True if the file changed."""
    path = path or config_path()
    try:
        stored = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, yaml.YAMLError):
        stored = {}
    stored = stored if isinstance(stored, dict) else {}
    metrics = stored.get("metrics") if isinstance(stored.get("metrics"), dict) else {}
    if metrics.get("enabled") is False:
        return False
    stored["metrics"] = {
        "enabled": False,
        "rasa_user_id": metrics.get("rasa_user_id") or uuid.uuid4().hex,
        "date": metrics.get("date") or datetime.now(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(stored, default_flow_style=False), encoding="utf-8")
    return True


if __name__ == "__main__":
    changed = disable()
    if changed:
        print(f"Rasa telemetry turned off in {config_path()}", file=sys.stderr)

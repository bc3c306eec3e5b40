"""Settings: defaults, instance file, environment; every key documented in the README."""

from __future__ import annotations

import json

from assistant.settings import DEFAULTS, PROJECT_ROOT, ensure_instance, load_settings


def test_every_setting_is_in_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for key in DEFAULTS:
        assert f"`{key}`" in readme, f"{key} is not documented in the README"


def test_environment_beats_the_instance_file_which_beats_defaults(tmp_path, monkeypatch):
    (tmp_path / "settings.json").write_text(json.dumps({"WEB_PORT": 9000, "RASA_URL": "http://127.0.0.1:1"}))
    monkeypatch.setenv("WEB_PORT", "9100")
    settings = load_settings(tmp_path)
    assert settings["WEB_PORT"] == 9100
    assert settings["RASA_URL"] == "http://127.0.0.1:1"
    assert settings["WEB_HOST"] == "127.0.0.1"
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'pupil_voice.db'}"


def test_secrets_are_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    first = ensure_instance(tmp_path)
    second = ensure_instance(tmp_path)
    assert first["SECRET_KEY"] and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert first["RASA_TOKEN"] == second["RASA_TOKEN"]
    assert (tmp_path / "settings.json").stat().st_mode & 0o077 == 0

"""The Flask application factory: settings, database, blueprints, errors, CLI."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from assistant.record.database import make_engine, make_session_factory
from assistant.settings import PROJECT_ROOT, ensure_instance, load_settings


def create_app(test_config: dict | None = None) -> Flask:
    """Create the web app. `test_config` overrides settings (tests pass DATABASE_URL etc.)."""
    settings = load_settings(overrides=test_config) if test_config else ensure_instance()
    if not settings.get("CHANNEL_SECRET"):  # shared with the action server through the instance folder
        settings["CHANNEL_SECRET"] = ensure_instance(Path(settings["INSTANCE_PATH"]))["CHANNEL_SECRET"]
    app = Flask(__name__, static_folder=str(PROJECT_ROOT / "web_widget"), static_url_path="/widget")
    app.config.update(
        settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(int(settings["SESSION_COOKIE_SECURE"])),
        JSON_SORT_KEYS=False,
    )
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set: run bin/run once, or set it in the environment.")
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["pupil_voice.sessions"] = make_session_factory(engine)
    app.extensions["pupil_voice.engine"] = engine

    # Imported when an app is made, as in Flask's tutorial: `import assistant.web` (the CLI,
    # the tests' helpers) loads no blueprint, and the blueprints import nothing from here.
    from flask_wtf.csrf import CSRFProtect

    from assistant.web import (
        account,
        api,
        cli,
        concerns,
        errors,
        limits,
        listen,
        pages,
        report_cli,
        school,
        security,
        speech,
        staff,
        store,
        symbols,
        trust,
        voice,
    )

    limits.init_app(app)  # before the blueprints: their <int:...> rules use its converter
    store.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    report_cli.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(symbols.bp)
    app.register_blueprint(speech.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(listen.bp)
    app.register_blueprint(concerns.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(trust.bp)
    app.register_blueprint(school.bp)
    security.init_app(app)  # after the blueprints: its limits wrap their views
    # Every staff form carries a CSRF token. The JSON API is exempt: it takes only JSON
    # bodies (which a cross-site form cannot send) and its cookies are SameSite.
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)
    csrf.exempt(speech.bp)
    csrf.exempt(listen.bp)
    return app

"""Pupil Voice: the web app and the domain core.

`flask --app assistant ...` finds create_app here; the import is deferred so that the
core modules (models, services, dialogue) load without Flask, as the action server does.
"""


def create_app(test_config: dict | None = None):
    """Build the Flask web app (see assistant/web/__init__.py)."""
    from assistant.web import create_app as _create_app

    return _create_app(test_config)

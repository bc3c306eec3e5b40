"""Domain errors carry no HTTP status; the web maps each class to one in one table."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import assistant
from assistant.errors import DomainError, InvalidInput, LoginFailed, NotAllowed, NotFound, SessionClosed
from assistant.sandbox import SandboxBusy
from assistant.services.my_voice import ClipRejected, ConsentNeeded
from assistant.speech.recogniser import Busy
from assistant.speech.synthesis import SpeechTimeout, SpeechUnavailable
from assistant.web.auth import NotLoggedIn
from assistant.web.errors import STATUSES, status_of


def _core_errors() -> set[type]:
    """Every DomainError subclass defined in the core (assistant/ outside assistant/web)."""
    for info in pkgutil.walk_packages(assistant.__path__, "assistant."):
        if not info.name.startswith("assistant.web"):
            try:
                importlib.import_module(info.name)
            except ImportError:  # an optional engine not installed: its errors are not ours
                continue
    found, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return {cls for cls in found if not cls.__module__.startswith("assistant.web")}


def test_core_errors_know_no_status():
    errors = _core_errors()
    assert {InvalidInput, NotFound, SessionClosed, ClipRejected, SandboxBusy} <= errors
    assert [cls.__name__ for cls in errors if hasattr(cls, "status")] == []


@pytest.mark.parametrize(
    "error, status",
    [
        (InvalidInput("x"), 400),
        (LoginFailed("x"), 401),
        (NotLoggedIn("x"), 401),
        (NotAllowed("x"), 403),
        (NotFound("x"), 404),
        (SessionClosed("x"), 409),
        (ConsentNeeded("x"), 409),
        (ClipRejected("x"), 422),
        (SpeechUnavailable("x"), 503),
        (SpeechTimeout("x"), 503),
        (Busy("x"), 503),
        (SandboxBusy("x"), 503),
        (DomainError("x"), 400),
    ],
)
def test_each_error_has_its_status(error, status):
    assert status_of(error) == status


def test_every_core_error_is_answered_with_a_client_or_retry_status():
    for cls in _core_errors():
        assert status_of(cls.__new__(cls)) in (400, 401, 403, 404, 409, 422, 503), cls
    assert all(issubclass(cls, DomainError) for cls in STATUSES)

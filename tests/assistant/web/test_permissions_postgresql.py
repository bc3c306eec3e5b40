"""The two-school route walk again, with the record on PostgreSQL (as a many-school
deployment runs it)."""

from __future__ import annotations

import pytest

from tests.assistant.web.conftest import app_on
from tests.assistant.web.test_permissions import (  # noqa: F401
    test_a_trust_of_both_schools_reaches_no_pupil,
    test_no_role_reaches_another_schools_rows,
    test_who_may_reach_what,
)


@pytest.fixture
def app(postgres_url, monkeypatch, tmp_path):
    yield from app_on(postgres_url, monkeypatch, tmp_path)

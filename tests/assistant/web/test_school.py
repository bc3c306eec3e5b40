"""The school administrator's settings page (/staff/school/settings): the school's name in
the header, admin only, saved values in force for that school only, every bad value a
clear 400 that changes nothing, CSRF as on every staff form, and an audit line."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.record.models import AuditEvent
from assistant.services.school_settings import effective
from tests.assistant.web.staff_client import csrf, staff_login
from tests.conftest import make_other_school

PAGE = "/staff/school/settings"


def _settings(app, school_id):
    from assistant.web.store import get_db

    with app.app_context():
        return effective(get_db(), school_id, app.config)


def _school_of(app, email):
    from assistant.record.models import Staff
    from assistant.web.store import get_db

    with app.app_context():
        return get_db().execute(select(Staff.school_id).where(Staff.email == email)).scalar_one()


def _save(client, data, token=None):
    return client.post(PAGE, data={"csrf_token": token or csrf(client, PAGE), **data})


def test_the_administrator_sees_the_page_with_the_schools_name(app, client):
    staff_login(client, "admin@school.test")
    page = client.get(PAGE).get_data(as_text=True)
    assert "Settings for Our school" in page
    assert '<span class="school">Our school</span>' in page  # the header, on every staff page
    assert '<span class="school">Our school</span>' in client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/school/settings"' in page
    for name in ("retention_days", "default_voice", "summary_adult_notes"):
        assert f'id="{name}"' in page and f'for="{name}"' in page


@pytest.mark.parametrize("email", ["lead@school.test", "ta@school.test", "dsl@school.test"])
def test_only_the_administrator_may_open_or_post(app, client, email):
    staff_login(client, email)
    assert client.get(PAGE).status_code == 403
    assert _save(client, {"retention_days": "1"}, csrf(client, "/staff/")).status_code == 403
    assert 'href="/staff/school/settings"' not in client.get("/staff/").get_data(as_text=True)
    assert _settings(app, _school_of(app, email)).own == frozenset()


def test_saved_settings_hold_for_this_school_only_and_are_audited(app, client):
    from assistant.web.store import get_db

    with app.app_context():
        other = make_other_school(get_db())
    staff_login(client, "admin@school.test")
    response = _save(client, {"retention_days": "45", "default_voice": "", "summary_adult_notes": "no"})
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    page = client.get(PAGE).get_data(as_text=True)
    assert "The school&#39;s settings are saved." in page and 'value="45"' in page
    mine = _settings(app, _school_of(app, "admin@school.test"))
    assert (mine.retention_days, mine.summary_adult_notes) == (45, False)
    assert _settings(app, other["school_id"]).own == frozenset()
    with app.app_context():
        line = get_db().execute(select(AuditEvent).where(AuditEvent.detail.like("school settings%"))).scalar_one()
        assert line.school_id != other["school_id"] and "retention days 45" in line.detail


@pytest.mark.parametrize(
    "data",
    [
        {"retention_days": "-5"},
        {"retention_days": "abc"},
        {"retention_days": "36501"},
        {"retention_days": "9" * 99},
        {"retention_days": "<script>alert(1)</script>"},
        {"retention_days": "٣"},
        {"default_voice": "../../etc/passwd"},
        {"default_voice": "en-gb\x00x"},
        {"default_voice": "x" * 5000},
        {"summary_adult_notes": "perhaps"},
    ],
)
def test_hostile_input_is_a_clear_400_that_changes_nothing(app, client, data):
    staff_login(client, "admin@school.test")
    response = _save(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="flash error" role="alert"' in page
    assert "<script>alert" not in page
    assert _settings(app, _school_of(app, "admin@school.test")).own == frozenset()


def test_a_form_without_its_csrf_token_is_refused(app, client):
    staff_login(client, "admin@school.test")
    assert client.post(PAGE, data={"retention_days": "3"}).status_code == 400
    assert client.post(PAGE, data={"retention_days": "3", "csrf_token": "forged"}).status_code == 400
    assert _settings(app, _school_of(app, "admin@school.test")).own == frozenset()


def test_another_schools_administrator_changes_only_their_own(app, client):
    from assistant.web.store import get_db

    with app.app_context():
        other = make_other_school(get_db())
    staff_login(client, "admin@other.test")
    page = client.get(PAGE).get_data(as_text=True)
    assert "Settings for Other School" in page and "Our school" not in page
    assert _save(client, {"retention_days": "10"}).status_code == 302
    assert _settings(app, other["school_id"]).retention_days == 10
    assert _settings(app, _school_of(app, "admin@school.test")).own == frozenset()

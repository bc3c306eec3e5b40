"""Hypothesis fills in every form of the staff area (found on the pages themselves, so a new
form is fuzzed too) and the query strings of the staff pages with hostile values: control
characters, huge and negative numbers, far dates, long text, files of random bytes, repeated
and missing fields. No reply may be a 5xx."""

from __future__ import annotations

import io
import itertools
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.services.encounters import create_encounter
from tests.assistant.web.staff_client import csrf, staff_login

pytestmark = pytest.mark.slow

HOSTILE = st.one_of(
    st.text(max_size=60),
    st.text(
        alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFFF, exclude_categories=("Cs",)), max_size=20
    ),  # a browser cannot send a lone surrogate in a form
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e400",
            "NaN",
            "10" * 20,
            "2147483648",
            "9" * 30,
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "../../etc/passwd",
            "<script>",
            "\x00",
            "a\x00b",
            "%00",
            "true",
            "[]",
            "{}",
            "x" * 6000,
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
)


class Forms(HTMLParser):
    """The forms of a page: action, method, and each field's name with the values offered."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(), "fields": {}}
            )
        elif self.forms and tag in ("input", "select", "textarea") and attrs.get("name"):
            field = self.forms[-1]["fields"].setdefault(attrs["name"], {"type": attrs.get("type", tag), "values": []})
            if attrs.get("value") is not None:
                field["values"].append(attrs["value"])
        elif self.forms and tag == "option" and self.forms[-1]["fields"]:
            last = list(self.forms[-1]["fields"].values())[-1]
            if attrs.get("value") is not None:
                last["values"].append(attrs["value"])


def pages(app, tablet, client, fake_rasa) -> list[str]:
    """Every staff page, with real ids for pupils, sessions, encounters and entries."""
    from sqlalchemy import select

    from assistant.record.models import Entry
    from assistant.web.store import get_db

    client.post("/api/chat/start", headers=tablet.headers)
    client.post("/api/chat/message", headers=tablet.headers, json={"text": "cooking"})
    with app.app_context():
        db = get_db()
        from datetime import date

        encounter = create_encounter(db, "careers_fair", "Fair", date(2026, 3, 3), pupil_ids=[app.people[2]])
        entry = db.execute(select(Entry)).scalars().first()
        ids = {
            "pupil_id": str(app.people[2]),
            "session_id": tablet.session_id,
            "encounter_id": str(encounter.id),
            "entry_id": entry.id,
            "action": "confirm",
        }
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff/") and "GET" in rule.methods:
            url = rule.rule
            for name in rule.arguments:
                url = re.sub(rf"<(?:\w+(?:\([^)]*\))?:)?{name}>", ids[name], url)
            urls.append(url)
    return sorted(set(urls))


@pytest.fixture
def staff_forms(app, tablet, client, fake_rasa):
    staff_login(client, "admin@school.test")
    found = {}
    for url in pages(app, tablet, client, fake_rasa):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.mimetype != "text/html":
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            action = form["action"] or url
            if action.startswith("/staff/") and action != "/staff/logout":
                found[(form["method"], action.split("?")[0])] = form["fields"]
    assert len(found) >= 8, sorted(found)
    return found


# Each example comes from its own address: the login form is fuzzed too, and failed logins
# from one address are limited, so examples sharing one would lock the next one's login out.
ADDRESSES = (f"127.0.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def field_value(field):
    if field["type"] == "file":
        return st.binary(max_size=3000).map(lambda data: (io.BytesIO(data), "upload.bin"))
    offered = [v for v in field["values"] if v]
    return st.sampled_from(offered) | HOSTILE if offered else HOSTILE


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_no_staff_form_answers_5xx(client, staff_forms, data):
    client.environ_base["REMOTE_ADDR"] = next(ADDRESSES)
    token = csrf(client, "/staff/")
    for (method, action), fields in sorted(staff_forms.items()):
        if "erase" in action or method != "post":
            continue  # erasing is tested on its own; GET forms are query strings, below
        form = {"csrf_token": token}
        for name, field in fields.items():
            if name == "csrf_token" or not data.draw(st.booleans(), label=f"{action} {name} sent"):
                continue
            form[name] = data.draw(
                st.lists(field_value(field), min_size=1, max_size=2)
                if field["type"] in ("checkbox", "select")
                else field_value(field),
                label=f"{action} {name}",
            )
        response = client.post(action, data=form, content_type="multipart/form-data")
        assert response.status_code < 500, (action, form)
        if "/staff/login" in action or response.status_code == 401:
            staff_login(client, "admin@school.test")
            token = csrf(client, "/staff/")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    query=st.dictionaries(st.sampled_from(["from", "to", "format", "group", "year", "pupil_id"]), HOSTILE, max_size=4),
    number=st.integers(min_value=-(10**30), max_value=10**30),
)
def test_no_staff_page_answers_5xx_to_any_query_or_id(client, staff_forms, app, query, number):
    for url in (
        "/staff/pupils/{}/summary",
        "/staff/pupils/{}",
        "/staff/pupils/{}/my-profile",
        "/staff/encounters/{}",
        "/staff/gatsby",
        "/staff/gatsby.csv",
        "/staff/sessions/new",
    ):
        for pupil in (app.people[2], number):
            response = client.get(url.format(pupil), query_string=query)
            assert response.status_code < 500, (url, pupil, query)

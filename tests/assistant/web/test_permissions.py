"""Who may reach what: every route of the app, walked with every role, a tablet and no login.

Each endpoint has a rule below; a new route without a rule fails this test, so access is
decided on purpose, never by accident."""

from __future__ import annotations

import re

import pytest

from tests.assistant.web.staff_client import csrf, staff_login
from tests.conftest import OTHER_MARKERS as OTHER_MARKERS_
from tests.conftest import TRUST_LOGIN, make_trust

# Who may reach an endpoint:
#   public   anyone            tablet   a tablet's token (or anyone for claim)
#   staff    any logged-in staff (advocates only for their own pupils)
#   lead     careers lead and administrator        admin   administrator only
#   dsl      the designated safeguarding lead only (concerns)
#   trust    a trust's account only (figures across its schools, no pupil)
#   account  any logged-in account, a trust's too (its own password)
RULES = {
    "static": "public",
    "pages.start": "public",
    "pages.tablet": "public",
    "symbols.picture": "public",
    "symbols.about": "public",
    # A tablet's pictures: the signed key in the path names its school (the default set is everyone's).
    "symbols.school_picture": "public",
    "symbols.school_about": "public",
    "api.openapi": "public",
    "api.login": "public",
    "api.logout": "public",
    "api.chat_claim": "public",
    "api.chat_info": "tablet",
    "api.chat_start": "tablet",
    "api.chat_message": "tablet",
    "api.chat_repeat": "tablet",
    "api.chat_stop": "tablet",
    "api.chat_skip": "tablet",
    "api.chat_observation": "tablet",
    "speech.chat_speech": "tablet",
    "api.chat_my_profile": "tablet",
    "api.chat_encounter_photo": "tablet",
    "listen.chat_listen": "tablet",
    "api.pupils": "staff",
    "api.encounters": "staff",
    "api.create_session": "staff",
    "api.show_session": "staff",
    "staff.login": "public",
    "staff.logout": "public",
    "staff.home": "staff",
    "staff.pupils": "staff",
    "staff.pupil": "staff",
    "staff.edit_profile": "staff",
    "staff.new_session": "staff",
    "staff.review_session": "staff",
    "staff.review_entry": "staff",
    "staff.confirm_checked": "staff",
    "staff.undo_confirm": "staff",
    "staff.encounters": "staff",
    "staff.encounter": "staff",
    "staff.encounter_photo": "staff",
    "staff.gatsby": "staff",
    "staff.gatsby_csv": "staff",
    "staff.summary": "staff",
    "staff.pupil_profile_page": "staff",
    "staff.voice_sample": "staff",
    "staff.one_page": "staff",
    "staff.import_csv": "lead",
    "staff.new_encounter": "lead",
    "staff.groups": "lead",
    "staff.export_pupil": "admin",
    "staff.erase_pupil": "admin",
    "staff.accounts": "admin",
    "staff.audit_log": "admin",
    "school.settings": "admin",
    "concerns.concerns": "dsl",
    "concerns.seen": "dsl",
    "account.password": "account",
    "trust.overview": "trust",
    "trust.overview_download": "trust",
    "account.disable": "admin",
    "account.enable": "admin",
    "account.reset": "admin",
    "voice.enrolment": "staff",
    "voice.consent": "staff",
    "voice.clip": "staff",
    "voice.remove": "staff",
}
ROLES = ["anonymous", "tablet", "advocate", "lead", "admin", "dsl", "trust"]
GROUP_ROLES = ("advocate", "dsl")  # they see the pupils of their groups only
ALLOWED = {
    "public": set(ROLES),
    "tablet": {"tablet"},
    "staff": {"advocate", "lead", "admin", "dsl"},
    "lead": {"lead", "admin"},
    "admin": {"admin"},
    "dsl": {"dsl"},
    "trust": {"trust"},
    "account": {"advocate", "lead", "admin", "dsl", "trust"},
}
LOGINS = {
    "advocate": "ta@school.test",
    "lead": "lead@school.test",
    "admin": "admin@school.test",
    "dsl": "dsl@school.test",
    "trust": TRUST_LOGIN,
}


def test_every_route_has_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(RULES) == set(), "routes without an access rule"
    assert set(RULES) <= endpoints, "rules for routes that no longer exist"


def _fill(rule, ids: dict) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(ids.get(name, 1))).replace(f"<{name}>", str(ids.get(name, "x")))
    return re.sub(r"<[^>]+>", "x", path)


def _refused(role: str, access: str, pupil_scoped: bool, response) -> bool:
    """Did the app keep this caller out (rather than answer it)?"""
    if response.status_code in (401, 403):
        return True
    if response.status_code == 302 and "/staff/login" in response.headers.get("Location", ""):
        return True
    if response.status_code == 404:
        # An unknown tablet token, or a pupil outside the advocate's groups, is "not found".
        return (access == "tablet" and role != "tablet") or (pupil_scoped and role in GROUP_ROLES)
    return False


@pytest.mark.parametrize("role", ROLES)
def test_who_may_reach_what(app, client, tablet, fake_rasa, role):
    from datetime import date

    from assistant.services.encounters import create_encounter
    from assistant.web.store import get_db

    client.post("/api/chat/start", headers=tablet.headers)
    client.post("/api/chat/message", headers=tablet.headers, json={"text": "cooking"})
    with app.app_context():
        from sqlalchemy import select

        from assistant.record.models import Concern, Entry

        db = get_db()
        make_trust(db, [1])
        entry_id = db.execute(select(Entry.id)).scalar_one()
        encounter_id = create_encounter(db, "careers_fair", "Fair", date(2026, 3, 3)).id
        concern = Concern(
            pupil_id=app.people[2],
            words="he hits me",
            category="physical_harm",
            input_mode="typed",
            provenance="independent",
        )
        db.add(concern)
        db.commit()
        concern_id = concern.id
    # The advocate and the safeguarding lead work with Sam's group, not Leo's: every pupil
    # page below is Leo's.
    ids = {
        "pupil_id": app.people[3],
        "session_id": tablet.session_id,
        "entry_id": entry_id,
        "encounter_id": encounter_id,
        "set_name": "openmoji",
        "symbol_id": "cooking",
        "action": "confirm",
        "filename": "widget.css",
        "concern_id": concern_id,
        "staff_id": app.people[0],
    }
    headers = tablet.headers if role == "tablet" else {}
    if role in LOGINS:
        staff_login(client, LOGINS[role])
    token = csrf(client, "/staff/login")
    for rule in app.url_map.iter_rules():
        access = RULES[rule.endpoint]
        path = _fill(rule, ids)
        # The encounter has no pupil of the advocate's groups: its page and photo are not theirs.
        pupil_scoped = "pupil_id" in rule.arguments or "encounter_id" in rule.arguments
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint in (
                "staff.logout",
                "api.logout",
                "api.login",
                "staff.login",
                "api.chat_stop",
                "api.chat_claim",
            ):
                continue  # they change who is logged in or end the session: tested elsewhere
            kwargs = {"headers": headers}
            if method == "POST" and path.startswith("/staff/"):
                kwargs["data"] = {"csrf_token": token}
            elif method == "POST":
                kwargs["json"] = {}
            response = client.open(path, method=method, **kwargs)
            refused = _refused(role, access, pupil_scoped, response)
            response.close()
            allowed = role in ALLOWED[access] and not (role in GROUP_ROLES and pupil_scoped)
            if allowed:
                assert not refused, f"{role} kept out of {method} {path} ({response.status_code})"
            else:
                assert refused, f"{role} reached {method} {path} ({response.status_code})"


# ---------------------------------------------------------------- two schools on one server


def _other_school_ids(app) -> dict:
    from assistant.web.store import get_db
    from tests.conftest import make_other_school

    with app.app_context():
        other = make_other_school(get_db())
    return other


# Forms and bodies that name the other school's rows in what they send, not in the path.
def _bodies(other: dict, mine: dict) -> dict:
    return {
        "api.create_session": {"json": {"pupil_id": other["pupil_id"], "conversation": "interests"}},
        "staff.new_session": {"data": {"pupil_id": other["pupil_id"], "conversation": "interests"}},
        "staff.new_encounter": {
            "data": {"type": "careers_fair", "title": "Fair", "date": "2026-01-01", "pupil_ids": [other["pupil_id"]]}
        },
        "staff.groups": {"data": {"name": "Ash class", "staff_ids": [other["advocate"]]}},
    }


@pytest.mark.parametrize("role", ROLES)
def test_no_role_reaches_another_schools_rows(app, client, tablet, fake_rasa, role):
    """Every route, walked by every role of the first school with the second school's ids
    (in the path, the query or the form): "not found" or the route's own refusal, never
    the row; list pages show none of it; and the second school's rows do not change."""
    from assistant.web.store import get_db
    from tests.conftest import OTHER_MARKERS, school_snapshot

    other = _other_school_ids(app)
    with app.app_context():
        make_trust(get_db(), [1])  # the first school's trust: the other school is not in it
        before = school_snapshot(get_db(), other["school_id"])
    ids = {
        "pupil_id": other["pupil_id"],
        "session_id": other["session_id"],
        "entry_id": other["entry_id"],
        "encounter_id": other["encounter_id"],
        "set_name": "openmoji",
        "symbol_id": "cooking",
        "action": "confirm",
        "filename": "widget.css",
        "concern_id": other["concern_id"],
        "staff_id": other["careers_lead"],
        "template_id": other["template_id"],
    }
    bodies = _bodies(other, ids)
    headers = tablet.headers if role == "tablet" else {}
    if role in LOGINS:
        staff_login(client, LOGINS[role])
    token = csrf(client, "/staff/login")
    for rule in app.url_map.iter_rules():
        if rule.endpoint in (
            "staff.logout",
            "api.logout",
            "api.login",
            "staff.login",
            "api.chat_stop",
            "api.chat_claim",
            "static",
        ):
            continue
        access = RULES[rule.endpoint]
        path = _fill(rule, ids)
        names_a_row = bool(
            set(rule.arguments)
            & {"pupil_id", "session_id", "entry_id", "encounter_id", "concern_id", "staff_id", "template_id"}
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            kwargs = {"headers": headers, "query_string": {"pupil": other["pupil_id"]}}
            body = bodies.get(rule.endpoint, {}) if method == "POST" else {}
            if method == "POST" and path.startswith("/staff/"):
                kwargs["data"] = {"csrf_token": token, **body.get("data", {})}
            elif method == "POST":
                kwargs["json"] = body.get("json", {})
            response = client.open(path, method=method, **kwargs)
            status, text = response.status_code, response.get_data(as_text=True)
            response.close()
            where = f"{role} {method} {path} ({status})"
            assert status < 500, where
            leaked = [m for m in OTHER_MARKERS if m in text]
            assert not leaked, f"{where} shows the other school: {leaked}"
            allowed = role in ALLOWED[access]
            if allowed and (names_a_row or rule.endpoint in bodies and method == "POST"):
                # The row exists, but not for this school: exactly as if it did not (never 403).
                assert status == 404, where
            elif not allowed:
                assert _refused(role, access, True, response) or status == 404, where
    with app.app_context():
        assert school_snapshot(get_db(), other["school_id"]) == before, f"{role} changed the other school"


# ---------------------------------------------------------------- a trust of both schools


def test_a_trust_of_both_schools_reaches_no_pupil(app, client, tablet, fake_rasa):
    """A trust account whose trust holds both schools walks every route with each school's
    ids: only its overview, its CSV and its own password page answer, and no response
    carries a pupil's name or words from either school."""
    from sqlalchemy import select

    from assistant.record.models import Entry
    from assistant.web.store import get_db

    client.post("/api/chat/start", headers=tablet.headers)
    client.post("/api/chat/message", headers=tablet.headers, json={"text": "cooking"})
    other = _other_school_ids(app)
    with app.app_context():
        make_trust(get_db(), [1, other["school_id"]])
        entry_id = get_db().execute(select(Entry.id).where(Entry.session_id == tablet.session_id)).scalar()
    words = ("Sam", "Taylor", "Leo", "Brown", *OTHER_MARKERS_)
    mine = {
        "pupil_id": app.people[2],
        "session_id": tablet.session_id,
        "entry_id": entry_id,
        "encounter_id": 1,
        "staff_id": app.people[0],
    }
    theirs = {
        "pupil_id": other["pupil_id"],
        "session_id": other["session_id"],
        "entry_id": other["entry_id"],
        "encounter_id": other["encounter_id"],
        "staff_id": other["careers_lead"],
        "concern_id": other["concern_id"],
        "template_id": other["template_id"],
    }
    staff_login(client, TRUST_LOGIN)
    token = csrf(client, "/staff/login")
    answered = set()
    for ids in (mine, theirs):
        ids = {"set_name": "openmoji", "symbol_id": "cooking", "action": "confirm", "filename": "widget.css", **ids}
        for rule in app.url_map.iter_rules():
            if rule.endpoint in (
                "staff.logout",
                "api.logout",
                "api.login",
                "staff.login",
                "api.chat_stop",
                "api.chat_claim",
                "static",
            ):
                continue
            access = RULES[rule.endpoint]
            path = _fill(rule, ids)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                kwargs = {"query_string": {"pupil": ids["pupil_id"]}}
                if method == "POST" and path.startswith("/staff/"):
                    kwargs["data"] = {"csrf_token": token, "pupil_id": ids["pupil_id"], "conversation": "interests"}
                elif method == "POST":
                    kwargs["json"] = {"pupil_id": ids["pupil_id"], "conversation": "interests"}
                response = client.open(path, method=method, **kwargs)
                status, text = response.status_code, response.get_data(as_text=True)
                response.close()
                where = f"trust {method} {path} ({status})"
                assert status < 500, where
                assert not [w for w in words if w in text], f"{where} shows a pupil"
                if "trust" in ALLOWED[access]:
                    assert status not in (401, 403, 404), where
                    if access != "public":
                        answered.add(rule.endpoint)
                else:
                    assert _refused("trust", access, True, response) or status == 404, where
    assert answered == {"trust.overview", "trust.overview_download", "account.password"}

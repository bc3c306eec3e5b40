"""Issue 10, at the web edge: accounts and their passwords, staff sessions held on the
server, security headers, per-client limits, tablet tokens that end with their session, and
encounters seen by role. Each test names the finding it covers."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from assistant.record.models import ConversationSession, Entry, Staff, StaffSession, utcnow
from tests.assistant.web.conftest import login
from tests.assistant.web.staff_client import csrf, post, staff_login

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery"
NEW_PASSWORD = "lantern quietly orbit marble"


def _db(app):
    from assistant.web.store import get_db

    return get_db()


def _staff(app, email) -> Staff:
    with app.app_context():
        db = _db(app)
        person = db.execute(select(Staff).where(Staff.email == email)).scalar_one()
        db.expunge(person)
        return person


# ---------------------------------------------------------------- 1. no published password


def test_demo_accounts_get_a_generated_one_time_password(sqlite_db, tmp_path):
    from assistant.record.database import make_engine, make_session_factory
    from assistant.record.migrate import upgrade
    from assistant.services.accounts import authenticate
    from assistant.services.demo import DEMO_ADMIN, DEMO_LOGIN, load_demo_data

    password = load_demo_data(sqlite_db)
    assert password and password != "pupil-voice-demo"
    admin = authenticate(sqlite_db, DEMO_ADMIN, password)
    assert admin.role == "admin" and admin.must_change_password
    assert authenticate(sqlite_db, DEMO_LOGIN, password).must_change_password
    # Another install gets another password.
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other_url)
    other = make_session_factory(make_engine(other_url))()
    assert load_demo_data(other) not in (None, password)
    other.close()


def test_no_published_password_in_the_readme_or_the_code():
    for path in [ROOT / "README.md", ROOT / "bin" / "run", ROOT / "assistant" / "services" / "demo.py"]:
        assert "pupil-voice-demo" not in path.read_text(encoding="utf-8"), path


def test_a_one_time_password_must_be_changed_before_anything_else(app, client):
    from assistant.services.accounts import create_staff

    with app.app_context():
        create_staff(_db(app), "new@school.test", "Ms New", "careers_lead", PASSWORD, must_change_password=True)
    staff_login(client, "new@school.test")
    response = client.get("/staff/pupils")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/account/password")
    assert client.get("/api/pupils").status_code == 403
    changed = client.post(
        "/staff/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
            "csrf_token": csrf(client, "/staff/account/password"),
        },
    )
    assert changed.status_code == 302
    assert client.get("/staff/pupils").status_code == 200
    assert not _staff(app, "new@school.test").must_change_password


def test_staff_change_their_password_and_the_old_one_stops_working(app, client):
    staff_login(client)
    weak = post(
        client,
        "/staff/account/password",
        {"current_password": PASSWORD, "new_password": "aaaaaaaaaaaa", "repeat_password": "aaaaaaaaaaaa"},
    )
    assert weak.status_code == 400 and "stronger password" in weak.get_data(as_text=True)
    wrong = post(
        client,
        "/staff/account/password",
        {"current_password": "not it at all", "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    assert (
        post(
            client,
            "/staff/account/password",
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
        ).status_code
        == 302
    )
    other = app.test_client()
    assert other.post("/api/login", json={"email": "lead@school.test", "password": PASSWORD}).status_code == 401
    assert other.post("/api/login", json={"email": "lead@school.test", "password": NEW_PASSWORD}).status_code == 200


def test_an_administrator_disables_an_account_and_its_sessions_end(app, client):
    lead = app.test_client()
    staff_login(lead)
    assert lead.get("/staff/pupils").status_code == 200
    staff_login(client, "admin@school.test")
    lead_id = _staff(app, "lead@school.test").id
    assert post(client, f"/staff/account/{lead_id}/disable").status_code == 302
    assert lead.get("/staff/pupils").status_code == 302  # logged out everywhere
    refused = app.test_client().post("/api/login", json={"email": "lead@school.test", "password": PASSWORD})
    assert refused.status_code == 401 and refused.json["error"] == "Wrong email or password."
    assert post(client, f"/staff/account/{lead_id}/enable").status_code == 302
    login(app.test_client())


def test_an_administrator_forces_a_reset(app, client):
    lead = app.test_client()
    staff_login(lead)
    staff_login(client, "admin@school.test")
    lead_id = _staff(app, "lead@school.test").id
    page = post(client, f"/staff/account/{lead_id}/reset")
    assert page.status_code == 200
    one_time = re.search(r"<strong>([^<]+)</strong>", page.get_data(as_text=True)).group(1)
    assert lead.get("/staff/pupils").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/api/login", json={"email": "lead@school.test", "password": PASSWORD}).status_code == 401
    staff_login(fresh, "lead@school.test", one_time)
    assert fresh.get("/staff/pupils").headers["Location"].endswith("/staff/account/password")


def test_only_an_administrator_manages_accounts(app, client):
    admin_id = _staff(app, "admin@school.test").id
    staff_login(client)
    assert post(client, f"/staff/account/{admin_id}/disable").status_code == 403
    assert _staff(app, "admin@school.test").disabled_at is None


# ---------------------------------------------------------------- 2. sessions on the server


def test_logout_ends_the_session_for_a_copied_cookie(app, client):
    staff_login(client)
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value)
    assert thief.get("/staff/pupils").status_code == 200
    post(client, "/staff/logout")
    assert thief.get("/staff/pupils").status_code == 302
    assert thief.get("/api/pupils").status_code == 401


def test_sessions_end_when_idle_and_after_their_lifetime(app, client):
    staff_login(client)
    assert client.get("/staff/pupils").status_code == 200
    with app.app_context():
        db = _db(app)
        idle = app.config["STAFF_IDLE_MINUTES"]
        db.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=idle + 1)))
        db.commit()
    assert client.get("/staff/pupils").status_code == 302
    staff_login(client)
    with app.app_context():
        db = _db(app)
        hours = app.config["STAFF_SESSION_HOURS"]
        db.execute(update(StaffSession).values(created_at=utcnow() - timedelta(hours=hours, minutes=1)))
        db.commit()
    assert client.get("/staff/pupils").status_code == 302


def test_the_cookie_holds_no_staff_id_and_is_secure_over_https(app):
    http = app.test_client()
    response = staff_login(http)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = app.test_client()
    token = csrf(https, "https://localhost/staff/login")
    secure = https.post(
        "https://localhost/staff/login",
        data={"email": "lead@school.test", "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/staff/login"},
    )
    assert secure.status_code == 302
    assert "Secure" in secure.headers["Set-Cookie"]


# ---------------------------------------------------------------- 3. headers


def test_every_route_sends_the_security_headers(app, client, tablet):
    staff_login(client, "admin@school.test")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        path = re.sub(r"<[^>]+>", "1", rule.rule)
        response = client.get(path, headers=tablet.headers)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0], path
        assert response.headers.get("X-Frame-Options") == "DENY", path
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
        assert response.headers.get("Referrer-Policy") == "no-referrer", path
        if not path.startswith(("/widget/", "/symbols/")):
            assert response.headers.get("Cache-Control") == "no-store", path
        response.close()


def test_pages_with_pupils_data_are_never_stored(app, client, tablet):
    staff_login(client)
    for path in [
        f"/staff/pupils/{app.people[2]}",
        f"/staff/sessions/{tablet.session_id}",
        f"/staff/pupils/{app.people[2]}/summary",
    ]:
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert client.get("/api/chat/my-profile", headers=tablet.headers).headers["Cache-Control"] == "no-store"


def test_no_inline_script_in_any_page_template():
    """The CSP allows only the app's own script files: no <script> body, no on...= handler."""
    pages = list((ROOT / "assistant").rglob("*.html")) + list((ROOT / "web_widget").glob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert not re.search(r"\son[a-z]+\s*=", html), page
        assert "javascript:" not in html, page


# ---------------------------------------------------------------- 5. throttling, policy, claim


def test_failed_logins_are_limited_per_client_not_per_account(app):
    attacker = app.test_client()
    for _ in range(5):
        response = attacker.post("/api/login", json={"email": "admin@school.test", "password": "guess guess guess"})
        assert response.status_code == 401
    blocked = attacker.post("/api/login", json={"email": "admin@school.test", "password": "guess guess guess"})
    assert blocked.status_code == 429
    unknown = attacker.post("/api/login", json={"email": "nobody@school.test", "password": "guess guess guess"})
    # The administrator, from their own machine, still logs in: no account lockout.
    admin = app.test_client()
    admin.environ_base["REMOTE_ADDR"] = "127.0.0.9"
    assert admin.post("/api/login", json={"email": "admin@school.test", "password": PASSWORD}).status_code == 200
    # Nothing tells whether an account exists.
    for _ in range(5):
        unknown = attacker.post("/api/login", json={"email": "nobody@school.test", "password": "guess guess guess"})
    assert unknown.status_code == 429 and unknown.json["error"] == blocked.json["error"]
    assert "account" not in blocked.json["error"].lower()


def test_the_same_message_for_an_unknown_email_and_a_wrong_password(app):
    client = app.test_client()
    a = client.post("/api/login", json={"email": "admin@school.test", "password": "guess guess guess"})
    b = client.post("/api/login", json={"email": "nobody@school.test", "password": "guess guess guess"})
    assert a.status_code == b.status_code == 401 and a.json == b.json


def test_successful_logins_from_one_address_are_never_slowed(app):
    for _ in range(30):
        client = app.test_client()
        assert client.post("/api/login", json={"email": "lead@school.test", "password": PASSWORD}).status_code == 200


def test_code_guessing_is_limited_per_client(app):
    guesser = app.test_client()
    for _ in range(10):
        assert guesser.post("/api/chat/claim", json={"code": "ABCDEFGH"}).status_code == 404
    assert guesser.post("/api/chat/claim", json={"code": "ABCDEFGH"}).status_code == 429


def test_a_class_of_tablets_claims_from_one_address(app, client):
    login(client)
    codes = [
        client.post("/api/sessions", json={"pupil_id": app.people[2], "conversation": "interests"}).json["code"]
        for _ in range(12)
    ]
    for code in codes:
        assert app.test_client().post("/api/chat/claim", json={"code": code}).status_code == 200


def test_weak_and_common_passwords_are_refused(app, client):
    staff_login(client, "admin@school.test")
    for weak in ["aaaaaaaaaa", "password123", "qwertyuiop", "1234567890", "newstaff@school.test"]:
        response = post(
            client,
            "/staff/accounts",
            {"email": "newstaff@school.test", "display_name": "New", "role": "advocate", "password": weak},
        )
        assert response.status_code == 302
        page = client.get("/staff/accounts").get_data(as_text=True)
        assert "stronger password" in page, weak
    with app.app_context():
        assert _db(app).execute(select(Staff).where(Staff.email == "newstaff@school.test")).first() is None


# ---------------------------------------------------------------- 6. tablet token ends with its session


def _end_session(app, session_id, minutes_ago):
    with app.app_context():
        db = _db(app)
        db.execute(
            update(ConversationSession)
            .where(ConversationSession.id == session_id)
            .values(status="stopped", ended_at=utcnow() - timedelta(minutes=minutes_ago))
        )
        db.commit()


def test_the_tablet_token_ends_with_its_session(app, client, tablet):
    assert client.get("/api/chat/my-profile", headers=tablet.headers).status_code == 200
    _end_session(app, tablet.session_id, 0)
    # Just ended: the last reply and its "All done" still reach the tablet.
    assert client.get("/api/chat", headers=tablet.headers).status_code == 200
    _end_session(app, tablet.session_id, 3)
    assert client.get("/api/chat/my-profile", headers=tablet.headers).status_code == 404
    assert client.post("/api/chat/speech", headers=tablet.headers, json={"text": "anything"}).status_code == 404
    assert client.get("/api/chat", headers=tablet.headers).status_code == 404


def test_the_speech_cache_is_bounded(app, tmp_path):
    from assistant.speech.synthesis import trim_cache
    from assistant.web.speech import synthesiser

    cache = tmp_path / "cache"
    for index in range(10):
        folder = cache / f"{index:02d}"
        folder.mkdir(parents=True)
        path = folder / f"{index:02d}.wav"
        path.write_bytes(b"x" * 1000)
        import os

        os.utime(path, (1000 + index, 1000 + index))
    assert trim_cache(cache, 4500) == 6
    left = sorted(p.name for p in cache.glob("*/*.wav"))
    assert left == ["06.wav", "07.wav", "08.wav", "09.wav"]  # the newest stay
    with app.app_context():
        assert synthesiser().max_bytes == app.config["SPEECH_CACHE_MB"] * 1024 * 1024


# ---------------------------------------------------------------- 7. encounters by role


def test_advocates_see_only_their_groups_encounters(app, client):
    from assistant.services.encounters import create_encounter

    with app.app_context():
        db = _db(app)
        willow = create_encounter(
            db, "workplace_visit", "Willow visit", date(2026, 5, 5), notes="Leo's notes", pupil_ids=[app.people[3]]
        ).id
        oak = create_encounter(db, "workplace_visit", "Oak visit", date(2026, 5, 6), pupil_ids=[app.people[2]]).id
    staff_login(client, "ta@school.test")
    assert client.get(f"/staff/encounters/{willow}").status_code == 404
    assert client.get(f"/staff/encounters/{willow}/photo").status_code == 404
    assert client.get(f"/staff/encounters/{oak}").status_code == 200
    listing = client.get("/staff/encounters").get_data(as_text=True)
    assert "Oak visit" in listing and "Willow visit" not in listing
    assert [e["title"] for e in client.get("/api/encounters").json["encounters"]] == ["Oak visit"]
    started = client.post(
        "/api/sessions", json={"pupil_id": app.people[2], "conversation": "debrief", "encounter_id": willow}
    )
    assert started.status_code == 404
    lead = app.test_client()
    staff_login(lead)
    assert lead.get(f"/staff/encounters/{willow}").status_code == 200


# ---------------------------------------------------------------- 4. the signed channel


def test_the_web_app_signs_what_it_sends(app, client, tablet, fake_rasa):
    from assistant.channel import verify

    client.post("/api/chat/start", headers=tablet.headers)
    client.post("/api/chat/message", headers=tablet.headers, json={"text": "cooking"})
    for call in fake_rasa.calls:
        assert verify(app.config["CHANNEL_SECRET"], call["sender"], call["message"], call["metadata"])


# ---------------------------------------------------------------- 8. joiners kept


def test_joiners_are_kept_in_a_pupils_answer(app, client, tablet, fake_rasa):
    chef = "\U0001f469\u200d\U0001f373"  # woman cook: woman, zero-width joiner, cooking
    client.post("/api/chat/start", headers=tablet.headers)
    client.post("/api/chat/message", headers=tablet.headers, json={"text": f"{chef} cooking"})
    assert any(chef in call["message"] for call in fake_rasa.calls)
    with app.app_context():
        from assistant.web.store import get_db

        words = [e.words for e in get_db().execute(select(Entry)).scalars() if e.words]
    assert any(chef in w for w in words), words


# ---------------------------------------------------------------- 5. limits shared through Redis


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a unix socket (bin/setup installs it)."""
    import shutil
    import subprocess
    import time

    socket = tmp_path / "redis.sock"
    server = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            "0",
            "--unixsocket",
            str(socket),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        yield f"unix://{socket}"
    finally:
        server.terminate()
        server.wait(10)


def test_failed_logins_count_across_processes_with_redis(sqlite_url, tmp_path, monkeypatch, redis_url):
    from assistant import create_app

    monkeypatch.setenv("PUPIL_VOICE_INSTANCE", str(tmp_path / "instance"))
    config = {"DATABASE_URL": sqlite_url, "SECRET_KEY": "test", "TESTING": True, "REDIS_URL": redis_url}
    first, second = create_app(config), create_app(config)  # two web processes
    with first.app_context():
        from assistant.web.store import get_db
        from tests.conftest import make_people

        make_people(get_db())
    guess = {"email": "admin@school.test", "password": "guess guess guess"}
    for _ in range(3):
        assert first.test_client().post("/api/login", json=guess).status_code == 401
    for _ in range(2):
        assert second.test_client().post("/api/login", json=guess).status_code == 401
    assert first.test_client().post("/api/login", json=guess).status_code == 429
    assert second.test_client().post("/api/login", json=guess).status_code == 429

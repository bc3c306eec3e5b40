"""Symbol routes: pictures with the right type and caching, clean 404s, the credits page;
a school's own sets reach only that school's staff and tablets (issue 16)."""

from __future__ import annotations

import pytest

from tests.assistant.web.staff_client import staff_login


@pytest.fixture
def school_app(app, tmp_path):
    """The app with a set of the first school (one picture) in its instance folder."""
    folder = tmp_path / "instance" / "symbol_sets" / "1" / "widgit"
    folder.mkdir(parents=True)
    (folder / "cooking.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "set.yml").write_text(
        "title: Widgit <Symbols>\nversion: '2024.1'\nlicence: Licensed to Oak & Ash School\n"
        'attribution: "Widgit Symbols © <script>alert(1)</script>"\n'
        'url: "javascript:alert(1)"\n',
        encoding="utf-8",
    )
    app.config["INSTANCE_PATH"] = str(tmp_path / "instance")
    return app


def get(client, url, **kwargs):
    """GET and read a response, closing it (warnings are errors: no open files left)."""
    response = client.get(url, **kwargs)
    response.get_data()  # read it all, then close the file behind it
    response.close()
    return response


def test_a_symbol_is_served_as_svg_with_long_caching(client):
    response = get(client, "/symbols/openmoji/cooking")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.lstrip().startswith(b"<svg")
    assert response.cache_control.max_age >= 24 * 3600
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Symbol-Set"] == "openmoji"
    again = get(client, "/symbols/openmoji/cooking", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_widget_controls_and_answer_cards_have_pictures(client):
    for symbol in ("again", "time", "stop", "yes", "no", "dont_know", "skip", "like", "not_sure", "dont_like"):
        assert get(client, f"/symbols/openmoji/{symbol}").status_code == 200, symbol


@pytest.mark.parametrize(
    "url",
    [
        "/symbols/openmoji/unicorn_rides",
        "/symbols/openmoji/Cooking",
        "/symbols/openmoji/cooking.svg",
        "/symbols/openmoji/set",
        "/symbols/openmoji/..%2Fset.yml",
        "/symbols/openmoji/%2E%2E",
        "/symbols/openmoji/choices",
        "/symbols/openmoji/LICENSE",
    ],
)
def test_unknown_or_odd_symbols_are_a_clean_404(client, url):
    response = get(client, url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"Not found." in response.data


def test_a_school_set_overrides_its_symbols_and_falls_back_for_the_rest(client, school_app):
    staff_login(client)
    own = get(client, "/symbols/widgit/cooking")
    assert own.status_code == 200 and own.mimetype == "image/png"
    assert own.headers["X-Symbol-Set"] == "widgit"
    fallback = get(client, "/symbols/widgit/swimming")
    assert fallback.mimetype == "image/svg+xml" and fallback.headers["X-Symbol-Set"] == "openmoji"
    assert own.cache_control.private and not own.cache_control.public  # licensed: no shared cache
    assert get(client, "/symbols/pcs/cooking").status_code == 404  # no such set: not found


def test_the_about_page_shows_each_set_with_its_licence(client, school_app):
    staff_login(client)
    response = get(client, "/symbols/about")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<html lang='en'>" in page and "<h1>Symbols and their licences</h1>" in page
    assert "OpenMoji – the open-source emoji and icon project. License: CC BY-SA 4.0" in page
    assert "<a href='https://creativecommons.org/licenses/by-sa/4.0/'>CC BY-SA 4.0</a>" in page
    assert "17.0.0" in page
    assert "Widgit &lt;Symbols&gt;" in page and "Oak &amp; Ash School" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "href='javascript" not in page  # only web addresses become links


# ---------------------------------------------------------------- two schools' sets


@pytest.fixture
def two_school_sets(app, tmp_path):
    """Each school with a set of its own (the second school's named like the first's, and
    one more), and a tablet key for each."""
    from assistant.web.store import get_db
    from tests.conftest import make_other_school

    with app.app_context():
        other = make_other_school(get_db())["school_id"]
    root = tmp_path / "instance" / "symbol_sets"
    for school, names in ((1, ("widgit",)), (other, ("widgit", "pcs"))):
        for name in names:
            folder = root / str(school) / name
            folder.mkdir(parents=True)
            (folder / "cooking.png").write_bytes(f"school {school} {name}".encode())
            (folder / "set.yml").write_text(f"title: {name} of school {school}\n", encoding="utf-8")
    app.config["INSTANCE_PATH"] = str(tmp_path / "instance")
    with app.test_request_context():
        from assistant.web.symbols import school_key

        keys = {1: school_key(1), other: school_key(other)}
    return other, keys


def test_staff_see_only_their_own_schools_sets(app, client, two_school_sets):
    other, _keys = two_school_sets
    assert get(client, "/symbols/widgit/cooking").status_code == 404  # nobody logged in
    assert get(client, "/symbols/openmoji/cooking").status_code == 200  # the shared set
    staff_login(client)
    assert get(client, "/symbols/widgit/cooking").data == b"school 1 widgit"
    assert get(client, "/symbols/pcs/cooking").status_code == 404  # the other school's only
    about = get(client, "/symbols/about").get_data(as_text=True)
    assert "widgit of school 1" in about and f"of school {other}" not in about
    client = app.test_client()
    staff_login(client, "lead@other.test")
    assert get(client, "/symbols/widgit/cooking").data == f"school {other} widgit".encode()
    assert get(client, "/symbols/pcs/cooking").status_code == 200


def test_a_tablet_key_opens_only_its_own_schools_sets(app, client, two_school_sets):
    other, keys = two_school_sets
    assert get(client, f"/symbols/for/{keys[1]}/widgit/cooking").data == b"school 1 widgit"
    assert get(client, f"/symbols/for/{keys[1]}/pcs/cooking").status_code == 404
    assert get(client, f"/symbols/for/{keys[other]}/pcs/cooking").data == f"school {other} pcs".encode()
    forged = keys[1][:-2] + ("AA" if not keys[1].endswith("AA") else "BB")
    for key in (forged, "2", "x", keys[1] + "x"):
        assert get(client, f"/symbols/for/{key}/widgit/cooking").status_code == 404, key
    assert get(client, f"/symbols/for/{forged}/openmoji/cooking").status_code == 200  # shared
    about = get(client, f"/symbols/for/{keys[other]}/about").get_data(as_text=True)
    assert f"pcs of school {other}" in about and "of school 1" not in about
    assert "of school" not in get(client, f"/symbols/for/{forged}/about").get_data(as_text=True)


def test_a_tablet_key_lapses_with_the_tablets_session(app, client, two_school_sets, monkeypatch):
    import time

    _other, keys = two_school_sets
    later = time.time() + (app.config["TABLET_TOKEN_HOURS"] + 2) * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert get(client, f"/symbols/for/{keys[1]}/widgit/cooking").status_code == 404


def test_the_tablet_is_told_where_its_schools_pictures_are(app, client, tablet, two_school_sets):
    from assistant.record.models import CommunicationProfile, ConversationSession
    from assistant.web.store import get_db

    info = client.get("/api/chat", headers=tablet.headers).json["session"]
    assert info["profile"]["symbol_base"] == "/symbols/openmoji"
    with app.app_context():
        db = get_db()
        pupil_id = db.get(ConversationSession, tablet.session_id).pupil_id
        db.query(CommunicationProfile).filter_by(pupil_id=pupil_id).update({"symbol_set": "widgit"})
        db.commit()
    base = client.get("/api/chat", headers=tablet.headers).json["session"]["profile"]["symbol_base"]
    assert base.startswith("/symbols/for/") and base.endswith("/widgit")
    assert get(client, base + "/cooking").data == b"school 1 widgit"
    credits = client.get("/api/chat", headers=tablet.headers).json["session"]["profile"]["symbol_credits"]
    assert "widgit of school 1" in get(client, credits).get_data(as_text=True)

"""Symbol routes: pictures with the right type and caching, clean 404s, the credits page."""

from __future__ import annotations

import pytest


@pytest.fixture
def school_app(app, tmp_path):
    """The app with a school set (one picture) in its instance folder."""
    folder = tmp_path / "instance" / "symbol_sets" / "widgit"
    folder.mkdir(parents=True)
    (folder / "cooking.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "set.yml").write_text(
        "title: Widgit <Symbols>\nversion: '2024.1'\nlicence: Licensed to Oak & Ash School\n"
        "attribution: \"Widgit Symbols © <script>alert(1)</script>\"\n"
        "url: \"javascript:alert(1)\"\n", encoding="utf-8")
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
    for symbol in ("again", "time", "stop", "yes", "no", "dont_know", "skip", "like", "not_sure",
                   "dont_like"):
        assert get(client, f"/symbols/openmoji/{symbol}").status_code == 200, symbol


@pytest.mark.parametrize("url", ["/symbols/openmoji/unicorn_rides", "/symbols/openmoji/Cooking",
                                 "/symbols/openmoji/cooking.svg", "/symbols/openmoji/set",
                                 "/symbols/openmoji/..%2Fset.yml", "/symbols/openmoji/%2E%2E",
                                 "/symbols/openmoji/choices", "/symbols/openmoji/LICENSE"])
def test_unknown_or_odd_symbols_are_a_clean_404(client, url):
    response = get(client, url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"Not found." in response.data


def test_a_school_set_overrides_its_symbols_and_falls_back_for_the_rest(client, school_app):
    own = get(client, "/symbols/widgit/cooking")
    assert own.status_code == 200 and own.mimetype == "image/png"
    assert own.headers["X-Symbol-Set"] == "widgit"
    fallback = get(client, "/symbols/widgit/swimming")
    assert fallback.mimetype == "image/svg+xml" and fallback.headers["X-Symbol-Set"] == "openmoji"
    unknown_set = get(client, "/symbols/pcs/cooking")
    assert unknown_set.mimetype == "image/svg+xml"


def test_the_about_page_shows_each_set_with_its_licence(client, school_app):
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

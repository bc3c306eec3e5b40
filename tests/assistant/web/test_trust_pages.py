"""The trust overview in the web app: a trust account lands on it at login, sees only its
own navigation, the figures as a table, a chart and a CSV, and no pupil anywhere."""

from __future__ import annotations

import csv
import io

from tests.assistant.web.staff_client import staff_login
from tests.conftest import OTHER_MARKERS, TRUST_LOGIN, make_other_school, make_trust

PUPIL_WORDS = ("Sam", "Leo", "Taylor", "Brown")


def _trust_of_both(app):
    from assistant.web.store import get_db

    with app.app_context():
        other = make_other_school(get_db())
        make_trust(get_db(), [1, other["school_id"]])
    return other


def test_a_trust_account_lands_on_its_overview(app, client):
    _trust_of_both(app)
    response = staff_login(client, TRUST_LOGIN)
    assert response.headers["Location"].endswith("/staff/trust/")
    page = client.get("/staff/trust/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "North Trust" in html and "Our school" in html and "Other School" in html
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    nav = html.split('<nav aria-label="Staff area">')[1].split("</nav>")[0]
    assert "Trust overview" in nav and "My account" in nav
    assert not [
        w
        for w in (
            "Pupils",
            "Encounters",
            "Start a session",
            "Gatsby records",
            "Groups",
            "Accounts",
            "Audit log",
            "Concerns",
        )
        if w in nav
    ]
    assert not [w for w in PUPIL_WORDS + OTHER_MARKERS if w in html]
    # A pupil's page named in ?next= does not take a trust account there.
    client.post("/staff/logout", data={"csrf_token": _csrf(client)})
    staff_login_next = client.post(
        "/staff/login?next=/staff/pupils/1",
        data={"email": TRUST_LOGIN, "password": "correct horse battery", "csrf_token": _csrf(client)},
    )
    assert staff_login_next.headers["Location"].endswith("/staff/trust/")


def test_the_csv_holds_the_same_figures_and_no_pupil(app, client):
    _trust_of_both(app)
    staff_login(client, TRUST_LOGIN)
    response = client.get("/staff/trust/overview.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["school"] for r in rows} == {"Our school", "Other School"} and len(rows) == 16
    assert not [w for w in PUPIL_WORDS + OTHER_MARKERS if w in text]
    page = client.get("/staff/trust/").get_data(as_text=True)
    for row in rows:  # each figure of the CSV is on the page
        assert f"{row['pupils_meeting']} of {row['pupils']} ({row['percent']}%)" in page


def test_school_staff_are_kept_out_of_the_overview(app, client):
    _trust_of_both(app)
    staff_login(client, "admin@school.test")
    assert client.get("/staff/trust/").status_code == 403
    assert client.get("/staff/trust/overview.csv").status_code == 403


def test_a_trust_account_is_refused_by_the_api(app, client):
    _trust_of_both(app)
    response = client.post("/api/login", json={"email": TRUST_LOGIN, "password": "correct horse battery"})
    assert response.status_code == 200
    for path in ("/api/pupils", "/api/encounters"):
        assert client.get(path).status_code == 403


def _csrf(client):
    from tests.assistant.web.staff_client import csrf

    return csrf(client, "/staff/login")

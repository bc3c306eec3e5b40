"""Each kind of bad input once seen to give a 500 now gets a clear 4xx and changes nothing."""

from __future__ import annotations

import gc
import io
import warnings

import pytest

from tests.assistant.speech.bad_audio import wav
from tests.assistant.web.conftest import login
from tests.assistant.web.staff_client import post, staff_login

DEEP = "[" * 20_000 + "]" * 20_000
JSON_ROUTES = [
    "/api/login",
    "/api/chat/claim",
    "/api/chat/message",
    "/api/chat/observation",
    "/api/chat/speech",
    "/api/sessions",
]


@pytest.mark.parametrize("path", JSON_ROUTES)
@pytest.mark.parametrize(
    "body",
    [DEEP, '{"a": ' * 5_000 + "1" + "}" * 5_000, '{"text": "\\ud800", "email": "\\udfff", "code": "\\ud800"}'],
    ids=["deep list", "deep object", "lone surrogate"],
)
def test_json_that_is_too_deep_or_not_text_is_400(client, tablet, path, body):
    login(client)
    response = client.post(path, data=body, headers={**tablet.headers, "Content-Type": "application/json"})
    assert response.status_code == 400, response.json


@pytest.mark.parametrize(
    "body, status",
    [
        ({"pupil_id": 10**30, "conversation": "interests"}, 404),
        ({"pupil_id": -1, "conversation": "interests"}, 404),
        ({"pupil_id": True, "conversation": "interests"}, 400),
        ({"pupil_id": 1.0, "conversation": "interests"}, 400),
        ({"pupil_id": "1", "conversation": "interests"}, 400),
        ({"pupil_id": "SAM", "conversation": ["interests"]}, 400),
        ({"pupil_id": "SAM", "conversation": "debrief", "encounter_id": 10**30}, 404),
        ({"pupil_id": "SAM", "conversation": "interests", "adult_present": "no"}, 400),
        ({"pupil_id": "SAM", "conversation": "interests", "adult_name": {"a": 1}}, 400),
    ],
)
def test_ids_out_of_range_or_of_the_wrong_type_start_nothing(client, app, body, status):
    login(client)
    body = {**body, "pupil_id": app.people[2]} if body["pupil_id"] == "SAM" else body
    response = client.post("/api/sessions", json=body)
    assert response.status_code == status, response.json
    assert "session_id" not in (response.json or {})


def test_staff_pages_take_no_huge_ids_or_far_dates(client, app):
    staff_login(client)
    sam = app.people[2]
    assert client.get("/staff/pupils/" + "9" * 30).status_code == 404
    assert client.get(f"/staff/encounters/{2**31}").status_code == 404
    for query in ("from=0001-01-01", "to=9999-12-31", "from=2026-13-01"):
        response = client.get(f"/staff/pupils/{sam}/summary?{query}", follow_redirects=True)
        assert response.status_code < 500 and "date" in response.get_data(as_text=True)


def test_a_csv_with_a_nul_byte_is_refused(client, app):
    staff_login(client)
    response = post(
        client,
        "/staff/pupils/import",
        {"file": (io.BytesIO(b"given_name,family_name\nMa\x00ya,Green\n"), "p.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and "NUL byte" in response.get_data(as_text=True)
    assert "Maya" not in client.get("/staff/pupils").get_data(as_text=True)


@pytest.mark.parametrize("rate", [0, 0xFFFFFFFF])
def test_a_wav_with_an_impossible_rate_is_400(client, tablet, rate):
    response = client.post(
        "/api/chat/listen?cards=yes,no", data=wav(rate=rate), headers={**tablet.headers, "Content-Type": "audio/wav"}
    )
    assert response.status_code == 400 and "not a sound recording" in response.json["error"]


def test_upload_limits_are_per_route(client, app, tablet):
    staff_login(client)
    big_csv = b"given_name,family_name\n" + b"Pupil,Name\n" * 9_000  # 94 KB: was refused at 64 KiB
    response = post(
        client,
        "/staff/pupils/import",
        {"file": (io.BytesIO(big_csv), "p.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "9000 pupils added" in response.get_data(as_text=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        status = post(
            client,
            "/staff/pupils/import",
            {"file": (io.BytesIO(b"x" * (5 * 1024 * 1024 + 70_000)), "p.csv")},
            content_type="multipart/form-data",
        ).status_code
        gc.collect()  # the test client's spooled copy of the refused body goes here, unread
    assert status == 413
    assert (
        client.post(
            "/api/chat/message",
            data="{" + " " * 70_000 + "}",
            headers={**tablet.headers, "Content-Type": "application/json"},
        ).status_code
        == 413
    )
    assert (
        client.post(
            "/api/chat/listen?cards=yes,no",
            data=b"RIFF" + b"\x00" * (2 * 1024 * 1024),
            headers={**tablet.headers, "Content-Type": "audio/wav"},
        ).status_code
        == 413
    )


def test_a_photo_over_64_kib_is_taken(client, app):
    import os

    from PIL import Image

    staff_login(client)
    out = io.BytesIO()
    Image.frombytes("RGB", (250, 250), os.urandom(250 * 250 * 3)).save(out, format="PNG")
    assert len(out.getvalue()) > 100_000
    response = post(
        client,
        "/staff/encounters/new",
        {
            "type": "careers_fair",
            "title": "Fair",
            "date": "2026-03-03",
            "photo_consent": "Agreed",
            "photo": (io.BytesIO(out.getvalue()), "noise.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photo = client.get(response.headers["Location"] + "/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    photo.close()

"""The chat API: staff start sessions, the tablet converses, bad input gets a clear answer."""

from __future__ import annotations

import pytest

from tests.assistant.web.conftest import login


def entries(client, session_id):
    login(client)
    response = client.get(f"/api/sessions/{session_id}")
    client.post("/api/logout")
    assert response.status_code == 200
    return response.json["entries"]


def test_a_tablet_holds_a_conversation(client, tablet, fake_rasa):
    start = client.post("/api/chat/start", headers=tablet.headers)
    assert start.status_code == 200
    question = start.json["messages"][-1]
    assert question["text"] == "What do you like doing?"
    assert question["board"] == "choice" and question["cards"]
    reply = client.post(
        "/api/chat/message",
        headers=tablet.headers,
        json={"text": "cooking", "provenance": "prompted", "prompt_id": question["prompt_id"]},
    )
    check = reply.json["messages"][-1]
    assert check["board"] == "check" and reply.json["status"] == "active"
    assert reply.json["prompt_id"] == check["prompt_id"] != question["prompt_id"]
    mine = check["cards"][0]
    assert (mine["concept"], mine["stance"]) == ("cooking", "like")
    client.post(
        "/api/chat/message",
        headers=tablet.headers,
        json={"card": "cooking", "stance": "like", "prompt_id": check["prompt_id"]},
    )
    (entry,) = entries(client, tablet.session_id)
    assert entry["words"] == "cooking" and entry["provenance"] == "prompted"
    assert entry["concepts"][0]["id"] == "cooking" and entry["checked_back"] is True


def test_an_answer_to_a_question_no_longer_on_screen_gets_409(client, tablet, fake_rasa):
    question = client.post("/api/chat/start", headers=tablet.headers).json["messages"][-1]
    client.post("/api/chat/message", headers=tablet.headers, json={"card": "music", "prompt_id": question["prompt_id"]})
    late = client.post(
        "/api/chat/message", headers=tablet.headers, json={"card": "art", "prompt_id": question["prompt_id"]}
    )
    assert late.status_code == 409 and late.json["stale"] is True
    assert late.json["messages"][-1]["text"] == "What don't you like doing?"
    assert [e["concepts"][0]["id"] for e in entries(client, tablet.session_id)] == ["music"]


def test_the_reply_says_when_the_session_has_ended(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    assert client.post("/api/chat/stop", headers=tablet.headers).json["status"] == "stopped"


def test_the_web_app_sets_sender_and_metadata_itself(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    client.post(
        "/api/chat/message",
        headers={**tablet.headers, "X-Pupil-Id": "2"},
        json={"card": "animals", "session_id": "someone-else", "pupil_id": 99},
    )
    call = fake_rasa.calls[-1]
    assert call["message"] == '/choose{"concept": "animals"}'
    signature = call["metadata"].pop("signature")  # the web app's (assistant/channel.py)
    assert call["metadata"] == {"session_id": tablet.session_id, "input_mode": "touch", "provenance": "independent"}
    assert len(signature) == 64
    assert call["sender"] != tablet.session_id  # Rasa's id is separate and never shown


@pytest.mark.parametrize(
    "body, message",
    [
        ({"text": ""}, "Please type an answer"),
        ({"text": "   \n\t "}, "Please type an answer"),
        ({"text": "x" * 501}, "too long"),
        ({"text": 42}, "Please type an answer"),
        ({"card": "<script>"}, "Unknown card"),
        ({"card": "not_a_concept"}, "Unknown card"),
        ({"text": "hi", "card": "yes"}, "either text or a card"),
        ({}, "either text or a card"),
        ({"text": "hi", "provenance": "guess"}, "Provenance must be"),
        ({"text": "hi", "input_mode": "telepathy"}, "Input mode must be"),
        ({"card": "cooking", "stance": "loathe"}, "Unknown stance"),
        ({"text": "cooking", "stance": "like"}, "A stance goes with a card"),
        ({"card": "yes", "stance": "like"}, "Unknown stance"),
        ({"card": "cooking", "prompt_id": 3}, "prompt_id"),
        ({"card": "cooking", "prompt_id": "../1"}, "prompt_id"),
    ],
)
def test_bad_input_gets_a_clear_answer(client, tablet, fake_rasa, body, message):
    client.post("/api/chat/start", headers=tablet.headers)
    response = client.post("/api/chat/message", headers=tablet.headers, json=body)
    assert response.status_code == 400
    assert message in response.json["error"]
    assert entries(client, tablet.session_id) == []


def test_not_json_is_refused(client, tablet, fake_rasa):
    response = client.post("/api/chat/message", headers=tablet.headers, data="text=hi")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "text",
    [
        "i like 🍳 and 🐶",
        "J'aime la cuisine",
        "我喜欢做饭",
        "أحب الطبخ",
        "<script>alert(1)</script> cooking",
        "{name} {{slot}} %s",
    ],
)
def test_any_script_emoji_or_markup_is_kept_verbatim_or_safely(client, tablet, fake_rasa, text):
    client.post("/api/chat/start", headers=tablet.headers)
    response = client.post("/api/chat/message", headers=tablet.headers, json={"text": text})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    kept = [e["words"] for e in entries(client, tablet.session_id)]
    assert kept == [text.lstrip("/")]


def test_a_typed_command_is_only_words(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    client.post("/api/chat/message", headers=tablet.headers, json={"text": '/skip_question{"x": 1}'})
    assert fake_rasa.calls[-1]["message"] == 'skip_question{"x": 1}'


def test_unknown_or_missing_tokens_reach_nothing(client, tablet, fake_rasa):
    for headers in [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}]:
        response = client.post("/api/chat/start", headers=headers)
        assert response.status_code == 404
        assert "not valid" in response.json["error"]
    assert fake_rasa.calls == []


def test_a_stopped_session_takes_no_more_answers(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    stop = client.post("/api/chat/stop", headers=tablet.headers)
    assert "stop" in stop.json["messages"][0]["text"]
    response = client.post("/api/chat/message", headers=tablet.headers, json={"text": "art"})
    assert response.status_code == 409


def test_when_rasa_is_down_the_answer_is_kept(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    fake_rasa.down = True
    response = client.post("/api/chat/message", headers=tablet.headers, json={"text": "i like buses"})
    assert response.status_code == 503
    assert response.json["kept"] is True
    (entry,) = entries(client, tablet.session_id)
    assert entry["words"] == "i like buses" and entry["status"] == "draft"


def test_repeat_returns_the_same_question(client, tablet, fake_rasa):
    first = client.post("/api/chat/start", headers=tablet.headers).json["messages"][-1]
    again = client.post("/api/chat/repeat", headers=tablet.headers).json["messages"]
    assert again == [first]


def test_chat_info_shows_only_this_session(client, tablet, fake_rasa):
    info = client.get("/api/chat", headers=tablet.headers).json["session"]
    assert info["pupil_name"] == "Sam" and info["conversation"] == "interests"
    assert "family_name" not in info and "Taylor" not in str(info)


def test_staff_routes_need_a_login(client):
    for method, path in [
        ("get", "/api/pupils"),
        ("get", "/api/encounters"),
        ("post", "/api/sessions"),
        ("get", "/api/sessions/abc"),
    ]:
        response = getattr(client, method)(path, json={})
        assert response.status_code == 401


def test_an_advocate_cannot_start_a_session_for_another_groups_pupil(client, app, fake_rasa):
    login(client, "ta@school.test")
    leo = app.people[3]
    response = client.post("/api/sessions", json={"pupil_id": leo, "conversation": "interests"})
    assert response.status_code == 404
    assert [p["name"] for p in client.get("/api/pupils").json["pupils"]] == ["Sam Taylor"]


def test_wrong_password_is_refused(client):
    response = client.post("/api/login", json={"email": "lead@school.test", "password": "nope"})
    assert response.status_code == 401


def test_every_api_route_is_in_the_openapi_document(client, app):
    spec = client.get("/api/openapi.json").json
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not documented"


def test_pages_are_served(client):
    for path, text in [("/", b"Staff login"), ("/tablet", b"Say it again")]:
        with client.get(path, follow_redirects=True) as response:
            assert response.status_code == 200 and text in response.data
    assert client.get("/nowhere").status_code == 404


def test_a_message_resent_with_its_client_id_is_recorded_once(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    body = {"card": "music", "client_id": "tab-0001-aaaa"}
    first = client.post("/api/chat/message", headers=tablet.headers, json=body)
    again = client.post("/api/chat/message", headers=tablet.headers, json=body)
    assert first.status_code == again.status_code == 200
    assert first.json == again.json
    assert len([c for c in fake_rasa.calls if "music" in c["message"]]) == 1
    assert len(entries(client, tablet.session_id)) == 1
    bad = client.post("/api/chat/message", headers=tablet.headers, json={"card": "art", "client_id": "../../x"})
    assert bad.status_code == 400


def test_the_adult_can_skip_and_add_an_observation(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    skipped = client.post("/api/chat/skip", headers=tablet.headers)
    assert skipped.json["messages"][-1]["text"] == "What don't you like doing?"
    note = client.post(
        "/api/chat/observation", headers=tablet.headers, json={"text": "He smiled at the <b>animals</b> card"}
    )
    assert note.status_code == 201 and note.json["observation"]["provenance"] == "adult_view"
    (entry,) = entries(client, tablet.session_id)
    assert entry["answer_kind"] == "observation" and entry["provenance"] == "adult_view"
    assert entry["words"] == "He smiled at the <b>animals</b> card" and entry["step"] == "dislikes"
    assert client.post("/api/chat/observation", headers=tablet.headers, json={"text": ""}).status_code == 400


def test_the_tablet_sees_only_its_own_encounter_photo(client, app, fake_rasa, tmp_path):
    from datetime import date

    from assistant.services.encounters import create_encounter
    from assistant.web.store import get_db

    with app.app_context():
        visit = create_encounter(get_db(), "workplace_visit", "Bakery", date(2026, 5, 1), pupil_ids=[app.people[2]])
        visit.photo_filename = "encounter-photo.png"
        get_db().commit()
        visit_id = visit.id
    photos = tmp_path / "instance" / "photos"
    photos.mkdir(parents=True)
    (photos / "encounter-photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 16)
    login(client)
    created = client.post(
        "/api/sessions", json={"pupil_id": app.people[2], "conversation": "debrief", "encounter_id": visit_id}
    ).json
    plain = client.post("/api/sessions", json={"pupil_id": app.people[2], "conversation": "interests"}).json
    token = client.post("/api/chat/claim", json={"code": created["code"]}).json["tablet_token"]
    other = client.post("/api/chat/claim", json={"code": plain["code"]}).json["tablet_token"]
    with client.get("/api/chat/encounter-photo", headers={"Authorization": f"Bearer {token}"}) as photo:
        assert photo.status_code == 200 and photo.data.startswith(b"\x89PNG")
    intro = client.post("/api/chat/start", headers={"Authorization": f"Bearer {token}"}).json["messages"][0]
    assert intro["picture"]["url"] == "/api/chat/encounter-photo"
    assert client.get("/api/chat/encounter-photo", headers={"Authorization": f"Bearer {other}"}).status_code == 404


def test_a_spoken_answer_keeps_the_recognisers_confidence(client, tablet, fake_rasa):
    client.post("/api/chat/start", headers=tablet.headers)
    bad = client.post(
        "/api/chat/message",
        headers=tablet.headers,
        json={"card": "music", "input_mode": "touch", "speech_confidence": 0.8},
    )
    assert bad.status_code == 400
    for wrong in (1.5, "high", True):
        assert (
            client.post(
                "/api/chat/message",
                headers=tablet.headers,
                json={"card": "music", "input_mode": "speech", "speech_confidence": wrong},
            ).status_code
            == 400
        )
    ok = client.post(
        "/api/chat/message",
        headers=tablet.headers,
        json={"card": "music", "input_mode": "speech", "speech_confidence": 0.87},
    )
    assert ok.status_code == 200
    (entry,) = entries(client, tablet.session_id)
    assert entry["input_mode"] == "speech" and entry["speech_confidence"] == 0.87

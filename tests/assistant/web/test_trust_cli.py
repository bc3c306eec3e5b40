"""The trust commands: create-trust, add-school-to-trust and create-trust-account (the same
password policy as create-admin, or a one-time password)."""

from __future__ import annotations

from sqlalchemy import select

from assistant.record.models import School, Staff, Trust


def test_a_trust_its_schools_and_an_account_from_the_command_line(app, client):
    from assistant.web.store import get_db

    runner = app.test_cli_runner()
    made = runner.invoke(args=["create-trust", "North Trust"])
    assert made.exit_code == 0, made.output
    again = runner.invoke(args=["create-trust", "north trust"])
    assert again.exit_code != 0 and "already a trust" in again.output
    assert runner.invoke(args=["create-school", "Hilltop Academy"]).exit_code == 0

    added = runner.invoke(args=["add-school-to-trust", "Our school", "--trust", "North Trust"])
    assert added.exit_code == 0, added.output
    unknown = runner.invoke(args=["add-school-to-trust", "Hilltop Academy", "--trust", "Nowhere"])
    assert unknown.exit_code != 0 and "No trust named" in unknown.output
    nowhere = runner.invoke(args=["add-school-to-trust", "Nowhere", "--trust", "North Trust"])
    assert nowhere.exit_code != 0 and "No school named" in nowhere.output
    assert runner.invoke(args=["create-trust", "South Trust"]).exit_code == 0
    moved = runner.invoke(args=["add-school-to-trust", "Our school", "--trust", "South Trust"])
    assert moved.exit_code != 0 and "another trust" in moved.output

    weak = runner.invoke(
        args=[
            "create-trust-account",
            "ceo@north.test",
            "--trust",
            "North Trust",
            "--name",
            "Cleo",
            "--password",
            "password12345",
        ]
    )
    assert weak.exit_code != 0 and "stronger password" in weak.output
    chosen = runner.invoke(
        args=[
            "create-trust-account",
            "CEO@north.test",
            "--trust",
            "North Trust",
            "--name",
            "Cleo",
            "--password",
            "violet tractor moon lantern",
        ]
    )
    assert chosen.exit_code == 0, chosen.output
    taken = runner.invoke(
        args=[
            "create-trust-account",
            "ceo@north.test",
            "--trust",
            "North Trust",
            "--name",
            "Cleo",
            "--password",
            "violet tractor moon lantern",
        ]
    )
    assert taken.exit_code != 0 and "already an account" in taken.output
    one_time = runner.invoke(
        args=["create-trust-account", "data@north.test", "--trust", "North Trust", "--name", "Dee", "--one-time"]
    )
    assert one_time.exit_code == 0, one_time.output
    password = one_time.output.split("One-time password: ")[1].split()[0]

    with app.app_context():
        db = get_db()
        north = db.execute(select(Trust).where(Trust.name == "North Trust")).scalar_one()
        schools = {s.name: s.trust_id for s in db.execute(select(School)).scalars()}
        assert schools == {"Our school": north.id, "Hilltop Academy": None}
        accounts = {
            s.email: (s.role, s.school_id, s.trust_id, s.must_change_password)
            for s in db.execute(select(Staff).where(Staff.trust_id.is_not(None))).scalars()
        }
        assert accounts == {
            "ceo@north.test": ("trust", None, north.id, False),
            "data@north.test": ("trust", None, north.id, True),
        }

    # The one-time password opens the account, which must choose its own first.
    response = client.post(
        "/staff/login", data={"email": "data@north.test", "password": password, "csrf_token": _token(client)}
    )
    assert response.status_code == 302
    assert client.get("/staff/trust/").headers["Location"].endswith("/staff/account/password")
    # reset-password works for a trust's account too (its line goes to the trust).
    reset = runner.invoke(args=["reset-password", "ceo@north.test"])
    assert reset.exit_code == 0, reset.output


def _token(client):
    from tests.assistant.web.staff_client import csrf

    return csrf(client, "/staff/login")

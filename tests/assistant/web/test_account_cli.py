"""set-password: the person who runs the server chooses an account's password (e.g. for a
scoring script), under the same policy as everyone, with no change forced at login."""

from __future__ import annotations


def test_set_password_then_log_in_with_it(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["set-password", "lead@school.test"], input="password\npassword\n")
    assert weak.exit_code != 0
    client = app.test_client()
    # The weak choice changed nothing: the old password still works.
    assert (
        client.post("/api/login", json={"email": "lead@school.test", "password": "correct horse battery"}).status_code
        == 200
    )
    chosen = "violet tractor moon lantern"
    done = runner.invoke(args=["set-password", "LEAD@school.test"], input=f"{chosen}\n{chosen}\n")
    assert done.exit_code == 0, done.output
    fresh = app.test_client()
    assert fresh.post("/api/login", json={"email": "lead@school.test", "password": chosen}).status_code == 200
    assert fresh.get("/api/pupils").status_code == 200  # no change of password is asked first
    unknown = runner.invoke(args=["set-password", "nobody@school.test"], input=f"{chosen}\n{chosen}\n")
    assert unknown.exit_code != 0 and "No account" in unknown.output

"""The commands with schools: create-school, and the import and report commands' --school
(needed only once the server has more than one school)."""

from __future__ import annotations

from sqlalchemy import select

from assistant.record.models import Pupil, School


def _csv(tmp_path):
    path = tmp_path / "pupils.csv"
    path.write_text("reference,given_name,family_name,year_group,group\nR9,Nia,Hall,Year 8,Ash class\n")
    return str(path)


def test_one_school_needs_no_school_named(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-pupils", _csv(tmp_path)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["list-pupils"])
    assert "Nia Hall" in listed.output


def test_a_second_school_then_each_command_says_which(app, tmp_path):
    from assistant.web.store import get_db

    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-school", "Hilltop Academy"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["create-school", "hilltop academy"])
    assert again.exit_code != 0 and "already a school" in again.output

    unsaid = runner.invoke(args=["import-pupils", _csv(tmp_path)])
    assert unsaid.exit_code != 0 and "--school" in unsaid.output
    unknown = runner.invoke(args=["import-pupils", _csv(tmp_path), "--school", "Nowhere"])
    assert unknown.exit_code != 0 and "No school named" in unknown.output
    said = runner.invoke(args=["import-pupils", _csv(tmp_path), "--school", "Hilltop Academy"])
    assert said.exit_code == 0, said.output

    with app.app_context():
        db = get_db()
        hilltop = db.execute(select(School).where(School.name == "Hilltop Academy")).scalar_one()
        nia = db.execute(select(Pupil).where(Pupil.given_name == "Nia")).scalar_one()
        assert nia.school_id == hilltop.id and nia.group.school_id == hilltop.id
        nia_id = nia.id
    theirs = runner.invoke(args=["list-pupils", "--school", "Hilltop Academy"])
    assert theirs.output.splitlines() == [f"{nia_id}\tNia Hall"]
    ours = runner.invoke(args=["list-pupils", "--school", "Our school"])
    assert "Nia" not in ours.output and "Sam Taylor" in ours.output
    out = tmp_path / "g.csv"
    assert runner.invoke(args=["gatsby-csv", "--out", str(out)]).exit_code != 0
    assert runner.invoke(args=["gatsby-csv", "--out", str(out), "--school", "Hilltop Academy"]).exit_code == 0
    assert "Nia" in out.read_text() and "Sam" not in out.read_text()
    admin = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "head@hilltop.test",
            "--name",
            "Head",
            "--school",
            "Hilltop Academy",
            "--password",
            "violet tractor moon lantern",
        ]
    )
    assert admin.exit_code == 0, admin.output


def test_migrate_moves_a_single_school_installs_symbol_sets_under_its_school(app, tmp_path):
    """Upgrading in place: `flask migrate` (run by bin/run at every start) moves the sets."""
    root = tmp_path / "instance" / "symbol_sets"
    (root / "widgit").mkdir(parents=True)
    (root / "widgit" / "cooking.png").write_bytes(b"w")
    app.config["INSTANCE_PATH"] = str(tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert (root / "1" / "widgit" / "cooking.png").read_bytes() == b"w"
    assert not (root / "widgit").exists()

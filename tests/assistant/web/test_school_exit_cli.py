"""The commands for a school leaving: export-school, then erase-school (the name twice, and
an export first unless --without-export)."""

from __future__ import annotations

import zipfile

from tests.conftest import make_other_school


def test_the_commands_ask_for_the_name_twice_and_an_export_first(app, tmp_path):
    from assistant.web.store import get_db

    with app.app_context():
        make_other_school(get_db())
    runner = app.test_cli_runner()
    out = tmp_path / "other.zip"
    wrong = runner.invoke(args=["erase-school", "Other School", "--confirm", "Our school"])
    assert wrong.exit_code != 0 and "repeat the school's name" in wrong.output
    unexported = runner.invoke(args=["erase-school", "Other School", "--confirm", "Other School"])
    assert unexported.exit_code != 0 and "export-school" in unexported.output
    # An export that could not be written is no export: the erasure still asks for one.
    unwritten = runner.invoke(args=["export-school", "Other School", "--out", str(tmp_path / "no" / "x.zip")])
    assert unwritten.exit_code == 1 and "Cannot write" in unwritten.output and "Traceback" not in unwritten.output
    still = runner.invoke(args=["erase-school", "Other School", "--confirm", "Other School"])
    assert still.exit_code != 0 and "export-school" in still.output
    exported = runner.invoke(args=["export-school", "Other School", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert zipfile.ZipFile(out).read("schools.json").decode().count("Other School") == 1
    assert out.stat().st_mode & 0o077 == 0
    erased = runner.invoke(args=["erase-school", "Other School", "--confirm", "Other School"])
    assert erased.exit_code == 0 and "2 pupils" in erased.output, erased.output
    gone = runner.invoke(args=["export-school", "Other School", "--out", str(out)])
    assert gone.exit_code != 0 and "No school named" in gone.output
    with app.app_context():
        make_other_school(get_db())
    forced = runner.invoke(args=["erase-school", "Other School", "--confirm", "other school", "--without-export"])
    assert forced.exit_code == 0, forced.output

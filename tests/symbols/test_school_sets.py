"""Symbol sets per school (issue 16): <instance>/symbol_sets/<school id>/<set>/, and the
upgrade that moves a single-school install's sets under its first school."""

from __future__ import annotations

import pytest

from symbols.sets import DEFAULT_SET, SymbolSets, UnknownSymbolSet, move_server_wide_sets


def _set(folder, picture=b"png"):
    folder.mkdir(parents=True)
    (folder / "cooking.png").write_bytes(picture)
    (folder / "set.yml").write_text(f"title: {folder.name}\n", encoding="utf-8")


def test_a_school_sees_its_own_sets_and_the_shared_default_only(tmp_path):
    root = tmp_path / "symbol_sets"
    _set(root / "1" / "widgit")
    _set(root / "2" / "pcs")
    assert SymbolSets.for_school(root, 1).names() == [DEFAULT_SET, "widgit"]
    assert SymbolSets.for_school(root, 2).names() == [DEFAULT_SET, "pcs"]
    with pytest.raises(UnknownSymbolSet):
        SymbolSets.for_school(root, 1).get("pcs")
    assert SymbolSets.for_school(root, 1).resolve("pcs", "cooking")[0] == DEFAULT_SET
    assert SymbolSets.for_school(root, None).names() == [DEFAULT_SET]
    assert SymbolSets.for_school(root, 3).names() == [DEFAULT_SET]  # a school with no folder yet


def test_a_single_school_installs_sets_move_under_its_first_school(tmp_path):
    root = tmp_path / "symbol_sets"
    _set(root / "widgit", b"w")
    _set(root / "1", b"a set named like the school")  # a set, not a school's folder: it has files
    _set(root / "7" / "photos")  # already a school's folder
    (root / "README.txt").write_text("not a set", encoding="utf-8")
    (root / "Bad Name").mkdir()

    assert sorted(move_server_wide_sets(root, 1)) == ["1", "widgit"]

    assert (root / "1" / "widgit" / "cooking.png").read_bytes() == b"w"
    assert (root / "1" / "1" / "cooking.png").read_bytes() == b"a set named like the school"
    assert (root / "7" / "photos" / "cooking.png").is_file()
    assert (root / "README.txt").is_file() and (root / "Bad Name").is_dir()  # left alone
    assert SymbolSets.for_school(root, 1).names() == [DEFAULT_SET, "1", "widgit"]
    # Run again (every migration runs it): nothing more moves.
    assert move_server_wide_sets(root, 1) == []
    assert move_server_wide_sets(tmp_path / "none", 1) == []


def test_a_set_whose_new_place_is_taken_stays_put(tmp_path):
    root = tmp_path / "symbol_sets"
    _set(root / "1" / "widgit", b"new")
    _set(root / "widgit", b"old")
    assert move_server_wide_sets(root, 1) == []
    assert (root / "widgit" / "cooking.png").read_bytes() == b"old"
    assert (root / "1" / "widgit" / "cooking.png").read_bytes() == b"new"

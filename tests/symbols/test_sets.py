"""Symbol sets: the default set covers every symbol used; school sets override and fall back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import yaml

from assistant.conversation.engine import RATING_CARDS, SPECIAL_CARDS
from symbols.sets import DEFAULT_SET, SETS_DIR, SymbolSets, UnknownSymbolSet

OPENMOJI = SETS_DIR / DEFAULT_SET


def used_symbols(catalogue) -> dict[str, str]:
    """symbol id -> where it is used, for every symbol the assistant can show."""
    used = {c.symbol: f"concept {c.id}" for c in catalogue.concepts.values()}
    used.update({symbol: f"key word {word!r}" for word, symbol in catalogue.keywords.items()})
    used.update({card["symbol"]: f"special card {cid}" for cid, card in SPECIAL_CARDS.items()})
    used.update({catalogue.concepts[cid].symbol: f"rating card {cid}" for cid in RATING_CARDS})
    return used


@pytest.fixture
def school_set(tmp_path):
    """A school's set with one picture (cooking), its own licence and version."""
    folder = tmp_path / "symbol_sets" / "widgit"
    folder.mkdir(parents=True)
    (folder / "cook.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "mapping.yml").write_text("cooking: cook.png\nyes: cook.png\n", encoding="utf-8")
    (folder / "set.yml").write_text(
        "title: Widgit Symbols\nversion: 2024.1\nlicence: Widgit licence for Oak School\n"
        "attribution: Widgit Symbols © Widgit Software 2002-2024\n",
        encoding="utf-8",
    )
    return tmp_path / "symbol_sets"


def test_every_symbol_used_has_a_picture_in_the_default_set(catalogue):
    sets = SymbolSets()
    missing = sorted(
        f"{symbol} ({where})"
        for symbol, where in used_symbols(catalogue).items()
        if sets.resolve(DEFAULT_SET, symbol) is None
    )
    assert not missing, "no OpenMoji picture for: " + ", ".join(missing)
    for symbol in used_symbols(catalogue):
        assert (OPENMOJI / f"{symbol}.svg").is_file()


def test_the_key_words_yes_and_no_are_words_not_booleans(catalogue):
    assert catalogue.keywords["yes"] == "yes" and catalogue.keywords["no"] == "no"
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in catalogue.keywords.items())


def test_the_default_set_holds_only_chosen_pictures_and_each_is_an_svg():
    choices = yaml.safe_load((OPENMOJI / "choices.yml").read_text(encoding="utf-8"))["symbols"]
    files = sorted(p.stem for p in OPENMOJI.glob("*.svg"))
    assert files == sorted(choices)
    assert not [p.name for p in OPENMOJI.iterdir() if p.suffix in {".png", ".gz", ".zst"}]
    for path in OPENMOJI.glob("*.svg"):
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", path.name
        assert not root.findall(".//{http://www.w3.org/2000/svg}script"), path.name
    for choice in choices.values():
        assert isinstance(choice["hexcode"], str) and choice["name"]


def test_the_rating_scale_feelings_and_answer_cards_look_different():
    choices = yaml.safe_load((OPENMOJI / "choices.yml").read_text(encoding="utf-8"))["symbols"]
    boards = [
        ["like", "not_sure", "dont_like", "yes", "no", "dont_know", "skip"],
        [
            "happy",
            "excited",
            "proud",
            "calm",
            "unsure",
            "worried",
            "scared",
            "sad",
            "angry",
            "bored",
            "tired",
            "overwhelmed",
        ],
    ]
    for board in boards:
        hexcodes = [choices[s]["hexcode"] for s in board]
        assert len(set(hexcodes)) == len(board), board


def test_the_default_set_records_its_version_and_licence():
    info = SymbolSets().info(DEFAULT_SET)
    assert info["name"] == "openmoji" and info["title"] == "OpenMoji"
    assert info["version"] == "17.0.0"
    assert info["licence"] == "CC BY-SA 4.0"
    assert info["attribution"] == ("OpenMoji – the open-source emoji and icon project. License: CC BY-SA 4.0")
    licence = (OPENMOJI / "LICENSE.md").read_text(encoding="utf-8")
    assert info["attribution"] in licence and "Attribution-ShareAlike 4.0 International" in licence


def test_a_school_set_overrides_what_it_has_and_falls_back_for_the_rest(school_set):
    sets = SymbolSets(school_set)
    assert sets.names() == ["openmoji", "widgit"]
    name, path = sets.resolve("widgit", "cooking")
    assert name == "widgit" and path == (school_set / "widgit" / "cook.png").resolve()
    assert sets.resolve("widgit", "yes")[0] == "widgit"  # a bare yes in mapping.yml still counts
    name, path = sets.resolve("widgit", "swimming")
    assert name == "openmoji" and path.name == "swimming.svg"
    assert sets.info("widgit") == {
        "name": "widgit",
        "title": "Widgit Symbols",
        "version": "2024.1",
        "licence": "Widgit licence for Oak School",
        "licence_url": "",
        "attribution": "Widgit Symbols © Widgit Software 2002-2024",
        "url": "",
        "source": "",
        "changes": "",
    }


def test_a_school_set_without_a_mapping_uses_file_names_and_its_changes_are_seen(school_set):
    folder = school_set / "photos"
    folder.mkdir()
    (folder / "animals.jpg").write_bytes(b"\xff\xd8\xff")
    sets = SymbolSets(school_set)
    assert sets.resolve("photos", "animals") == ("photos", (folder / "animals.jpg").resolve())
    assert sets.info("photos")["title"] == "photos"
    assert sets.info("photos")["licence"] == "Not stated"
    (folder / "set.yml").write_text("title: Our photos\nversion: '2'\n", encoding="utf-8")
    assert SymbolSets(school_set).info("photos")["version"] == "2"


def test_an_unknown_set_falls_back_and_an_unknown_symbol_is_none(school_set):
    sets = SymbolSets(school_set)
    assert sets.resolve("pcs", "cooking")[0] == "openmoji"
    assert sets.resolve("openmoji", "unicorn_rides") is None
    assert sets.resolve("widgit", "unicorn_rides") is None
    with pytest.raises(UnknownSymbolSet):
        sets.info("pcs")
    assert SymbolSets(school_set / "nowhere").names() == ["openmoji"]


@pytest.mark.parametrize(
    "symbol_id",
    [
        "../openmoji/cooking",
        "cooking.svg",
        "Cooking",
        "",
        "set",
        "mapping",
        "a/b",
        "..",
        "cooking\x00",
        "x" * 65,
        None,
        7,
    ],
)
def test_odd_symbol_ids_are_refused(school_set, symbol_id):
    assert SymbolSets(school_set).resolve("widgit", symbol_id) is None


def test_files_outside_a_set_or_not_pictures_are_never_served(school_set, tmp_path):
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    folder = school_set / "widgit"
    (folder / "notes.txt").write_text("private", encoding="utf-8")
    (folder / "mapping.yml").write_text(
        "cooking: ../../secret.png\nswimming: /etc/passwd\nmusic: notes.txt\nart: set.yml\n", encoding="utf-8"
    )
    sets = SymbolSets(school_set)
    for symbol in ("cooking", "swimming", "music", "art"):
        assert sets.resolve("widgit", symbol)[0] == "openmoji", symbol
    assert sets.resolve("../symbol_sets/widgit", "cooking")[0] == "openmoji"
    with pytest.raises(UnknownSymbolSet):
        sets.get("..")

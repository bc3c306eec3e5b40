"""The vocabulary: one spelling of each stored value, every label for every value, the
enums equal to what the record stores, and the core's checks of how an answer was given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assistant import vocabulary as v
from assistant.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]


def test_enums_are_the_stored_strings():
    assert v.SessionStatus.FINISHED == "finished" and f"{v.Provenance.ADULT_VIEW}" == "adult_view"
    assert str(v.InputMode.SPEECH) == "speech"
    assert json.dumps({"status": v.SessionStatus.STOPPED}) == '{"status": "stopped"}'
    for enum, values in (
        (v.StaffRole, v.ROLES),
        (v.SessionStatus, v.SESSION_STATUSES),
        (v.Provenance, v.PROVENANCES),
        (v.InputMode, v.INPUT_MODES),
        (v.SpecialCard, v.SPECIAL_CARDS),
    ):
        assert values == tuple(member.value for member in enum)
        assert all(type(value) is str for value in values)  # plain strings for SQL and JSON


def test_the_stored_values_are_unchanged():
    assert v.ROLES == ("admin", "careers_lead", "advocate", "dsl")
    assert v.SESSION_STATUSES == ("created", "active", "finished", "stopped")
    assert v.ENDED_STATUSES == ("finished", "stopped")
    assert v.PROVENANCES == ("independent", "prompted", "supported", "interpreted", "adult_view")
    assert v.INPUT_MODES == ("touch", "speech", "typed", "keyboard", "switch")
    assert v.SPECIAL_CARDS == ("yes", "no", "dont_know", "skip")
    assert set(v.WHOLE_SCHOOL_ROLES) | set(v.SAFEGUARDING_ROLES) < set(v.ROLES)


def test_provenances_are_the_shared_vocabulary():
    shared = yaml.safe_load((ROOT / "symbols" / "vocabulary.yml").read_text(encoding="utf-8"))
    assert tuple(shared["provenance"]) == v.PROVENANCES


@pytest.mark.parametrize(
    "labels, values",
    [
        (v.ROLE_LABELS, v.ROLES),
        (v.PROVENANCE_LABELS, v.PROVENANCES),
        (v.PROVENANCE_STAFF_LABELS, v.PROVENANCES),
        (v.SPECIAL_CARD_LABELS, v.SPECIAL_CARDS),
    ],
)
def test_every_value_has_a_label_in_order(labels, values):
    assert tuple(labels) == values and all(labels.values())


def test_the_tablet_offers_every_provenance_but_the_adults_view():
    assert tuple(v.PROVENANCE_TABLET_LABELS) == tuple(p for p in v.PROVENANCES if p != "adult_view")


def test_card_ids():
    for good in ("yes", "dont_know", "cooking", "a" * 40):
        assert v.CARD_ID.match(good)
    for bad in ("", "Yes", "item_1", "_x", "a" * 41, "cooking\n", "../x", "cook ing"):
        assert not v.CARD_ID.match(bad), bad


def test_checks_of_provenance_and_input_mode():
    assert v.check_provenance("prompted") == "prompted"
    assert v.check_input_mode("switch") == "switch"
    for bad in ("Prompted", "", None, 3, ["independent"]):
        with pytest.raises(InvalidInput, match="Provenance must be one of"):
            v.check_provenance(bad)
        with pytest.raises(InvalidInput, match="Input mode must be one of"):
            v.check_input_mode(bad)


def test_one_spelling_in_the_code():
    """The values' lists are not spelled out again anywhere in assistant/ or actions/."""
    spelled = (
        '("finished", "stopped")',
        '["finished", "stopped"]',
        '("admin", "careers_lead")',
        "('admin', 'careers_lead')",
        '("yes", "no", "dont_know", "skip")',
        '("touch", "speech", "typed", "keyboard", "switch")',
        "[a-z][a-z_]{0,39}$",
        '"After a prompt"',
    )
    files = [
        p
        for folder in ("assistant", "actions", "web_widget")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in (".py", ".html", ".js")
    ]
    for path in files:
        if path.name == "vocabulary.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not [s for s in spelled if s in text], path

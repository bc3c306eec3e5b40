"""Schools as tenants: no service reads or writes another school's row. The first school's
staff, of every role, reach for the second school's pupils, encounters, sessions, entries,
concerns and accounts by id; each is "not found" (as a row that does not exist), lists
leave them out, and the second school's rows are unchanged afterwards."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.errors import DomainError, InvalidInput, NotAllowed, NotFound
from assistant.record.models import Pupil
from assistant.reports.gatsby import coverage
from assistant.services import accounts as staff
from assistant.services import audit, concerns, encounters, erasure, my_voice, pupils, review, sessions
from assistant.services.schools import create_school, list_schools, school_named
from tests.conftest import OTHER_MARKERS, make_other_school, school_snapshot


@pytest.fixture
def two_schools(db, people):
    lead, advocate, sam, leo = people
    admin = staff.authenticate(db, "admin@school.test", "correct horse battery")
    dsl = staff.authenticate(db, "dsl@school.test", "correct horse battery")
    other = make_other_school(db)
    return {"lead": lead, "advocate": advocate, "admin": admin, "dsl": dsl, "sam": sam}, other


ROLES = ("lead", "advocate", "admin", "dsl")


def _reaches(db, me, other) -> list:
    """Every service that takes an id, called by `me` with the other school's ids: each
    must refuse. Returns the calls that did not."""
    calls = {
        "pupil_for": lambda: pupils.pupil_for(db, me, other["pupil_id"]),
        "update_profile": lambda: pupils.update_profile(db, me, other["pupil_id"], {"cards_per_board": 2}),
        "start_session": lambda: sessions.start_session(db, me, other["pupil_id"], "interests"),
        "start_session (their encounter)": lambda: sessions.start_session(
            db, me, db.info["mine"], "prepare", encounter_id=other["encounter_id"]
        ),
        "session_for_staff": lambda: sessions.session_for_staff(db, me, other["session_id"]),
        "entry_for": lambda: review.entry_for(db, me, other["entry_id"]),
        "confirm": lambda: review.confirm(db, me, other["entry_id"]),
        "discard": lambda: review.discard(db, me, other["entry_id"], "no"),
        "observe": lambda: review.observe(db, me, other["entry_id"], "note"),
        "correct_provenance": lambda: review.correct_provenance(db, me, other["entry_id"], "supported"),
        "confirm_checked_back": lambda: review.confirm_checked_back(db, me, other["session_id"]),
        "encounter_for": lambda: encounters.encounter_for(db, me, other["encounter_id"]),
        "create_encounter (their pupil)": lambda: encounters.create_encounter(
            db, "careers_fair", "Fair", date(2026, 1, 1), pupil_ids=[other["pupil_id"]], school_id=me.school_id
        ),
        "create_group (their advocate)": lambda: pupils.create_group(
            db, "Ash class", [other["advocate"]], school_id=me.school_id
        ),
        "mark_seen": lambda: concerns.mark_seen(db, me, other["concern_id"]),
        "set_disabled": lambda: staff.set_disabled(db, me, other["careers_lead"], True),
        "reset_password": lambda: staff.reset_password(db, me, other["admin"]),
        "managed_account": lambda: staff.managed_account(db, me, other["admin"]),
        "export_pupil": lambda: erasure.export_pupil(db, me, other["pupil_id"]),
        "erase_pupil": lambda: erasure.erase_pupil(db, me, other["pupil_id"], None, None),
        "record_consent": lambda: my_voice.record_consent(db, me, other["pupil_id"], "Parent"),
        "templates_of": lambda: my_voice.templates_of(db, me, other["pupil_id"]),
        "remove_template": lambda: my_voice.remove_template(db, me, other["pupil_id"], other["template_id"]),
    }
    leaked = []
    for name, call in calls.items():
        try:
            call()
        except NotFound:
            pass
        except NotAllowed:
            # A role's own refusal (a concern is for the safeguarding lead only) says nothing
            # of the other school; only the role that may act must get "not found".
            if me.role == "dsl" and name == "mark_seen":
                leaked.append(f"{name}: refused as not allowed, not as not found")
        except DomainError as error:
            leaked.append(f"{name}: {type(error).__name__} {error.message}")
        else:
            leaked.append(f"{name}: allowed")
        db.rollback()
    return leaked


@pytest.mark.parametrize("role", ROLES)
def test_no_service_reaches_another_schools_rows(db, two_schools, role):
    mine, other = two_schools
    me = mine[role]
    db.info["mine"] = mine["sam"].id
    before = school_snapshot(db, other["school_id"])
    assert _reaches(db, me, other) == []
    assert school_snapshot(db, other["school_id"]) == before


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_only_the_own_schools_rows(db, two_schools, role):
    mine, other = two_schools
    me = mine[role]
    found = [p.id for p in pupils.visible_pupils(db, me)]
    assert other["pupil_id"] not in found and other["oak_pupil_id"] not in found
    assert all(e.school_id == me.school_id for e in encounters.list_encounters(db, me))
    assert all(r["session"].pupil.school_id == me.school_id for r in review.review_queue(db, me, "all"))
    assert [g.school_id for g in pupils.groups_of(db, me.school_id)] == [me.school_id] * len(
        pupils.groups_of(db, me.school_id)
    )
    assert all(a.school_id == me.school_id for a in staff.accounts_of(db, me))
    assert all(a.school_id == me.school_id for a in audit.recent(db, me.school_id))
    cover = coverage(db, me.school_id)
    assert other["pupil_id"] not in [b.pupil.id for b in cover.pupils]
    if role == "dsl":
        assert concerns.unseen_count(db, me) == 0  # the other school's concern is not theirs
        assert all("zz" not in c.words for c in concerns.list_concerns(db, me))


def test_the_advocate_of_a_same_named_group_sees_only_their_schools_pupils(db, two_schools):
    mine, other = two_schools
    # Both schools have an "Oak class"; the first school's advocate works with theirs.
    assert [p.given_name for p in pupils.visible_pupils(db, mine["advocate"])] == ["Sam"]
    theirs = staff.authenticate(db, "ta@other.test", "correct horse battery")
    assert [p.given_name for p in pupils.visible_pupils(db, theirs)] == ["Zebedee"]


def test_a_csv_import_matches_references_within_its_school_only(db, two_schools):
    mine, other = two_schools
    before = school_snapshot(db, other["school_id"])
    result = pupils.import_pupils(
        db, [{"row": 2, "reference": "R-SHARED", "given_name": "Ann", "group": "Kestrel class"}], mine["lead"]
    )
    assert result == {"created": 1, "updated": 0}
    ann = db.query(Pupil).filter_by(given_name="Ann").one()
    assert ann.school_id == mine["lead"].school_id and ann.group.school_id == mine["lead"].school_id
    assert school_snapshot(db, other["school_id"]) == before


def test_the_other_schools_staff_see_their_own_school(db, two_schools):
    mine, other = two_schools
    lead = staff.authenticate(db, "lead@other.test", "correct horse battery")
    assert [p.given_name for p in pupils.visible_pupils(db, lead)] == ["Zara", "Zebedee"]
    with pytest.raises(NotFound):
        pupils.pupil_for(db, lead, mine["sam"].id)
    assert pupils.pupil_for(db, lead, other["pupil_id"]).given_name == "Zebedee"


def test_services_that_need_a_school_ask_which_when_there_are_several(db, two_schools):
    with pytest.raises(InvalidInput, match="several schools"):
        pupils.create_pupil(db, "Nobody")
    assert school_named(db, "other school").id == two_schools[1]["school_id"]
    with pytest.raises(NotFound):
        school_named(db, "Nowhere")
    with pytest.raises(InvalidInput):
        create_school(db, "OTHER SCHOOL")
    assert len(list_schools(db)) == 2


def test_markers_name_only_the_other_school(db, two_schools):
    """The markers the route walker looks for are not in the first school's rows."""
    mine, _ = two_schools
    text = repr(school_snapshot(db, mine["lead"].school_id))
    assert not [m for m in OTHER_MARKERS if m in text]

"""Demo data loads once into an empty database, and what it holds makes sense."""

from __future__ import annotations

from sqlalchemy import func, select

from assistant.record.models import Entry, Pupil
from assistant.reports import review_summary
from assistant.services.accounts import authenticate
from assistant.services.demo import DEMO_LOGIN, load_demo_data
from assistant.services.pupils import groups_of, visible_pupils
from assistant.services.schools import list_schools


def test_demo_data_loads_once(sqlite_db):
    password = load_demo_data(sqlite_db)
    assert password
    assert load_demo_data(sqlite_db) is None
    assert authenticate(sqlite_db, DEMO_LOGIN, password).role == "careers_lead"
    assert sqlite_db.execute(select(func.count(Pupil.id))).scalar_one() == 3
    assert sqlite_db.execute(select(func.count(Entry.id))).scalar_one() == 7
    sam = sqlite_db.execute(select(Pupil).where(Pupil.given_name == "Sam")).scalar_one()
    assert review_summary(sqlite_db, sam.id) is not None
    # One school, made on first run; the demo lives in it and its lead sees every demo pupil.
    (school,) = list_schools(sqlite_db)
    lead = authenticate(sqlite_db, DEMO_LOGIN, password)
    assert lead.school_id == school.id and len(visible_pupils(sqlite_db, lead)) == 3
    assert {g.school_id for g in groups_of(sqlite_db, school.id)} == {school.id}

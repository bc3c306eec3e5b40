"""Demo data for a first run: a school with staff, pupils, groups and one encounter."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.encounters import create_encounter
from assistant.models import Staff
from assistant.pupils import create_pupil
from assistant.staff import create_staff

DEMO_LOGIN = ("careers@demo.school", "pupil-voice-demo")
DEMO_ADVOCATE = ("ta@demo.school", "pupil-voice-demo")
DEMO_ADMIN = ("admin@demo.school", "pupil-voice-demo")


def load_demo_data(db: Session) -> bool:
    """Fill an empty database with demo people (fictional); False if staff already exist."""
    if db.execute(select(func.count(Staff.id))).scalar_one():
        return False
    create_staff(db, DEMO_ADMIN[0], "Demo Administrator", "admin", DEMO_ADMIN[1])
    create_staff(db, DEMO_LOGIN[0], "Ms Patel (careers lead)", "careers_lead", DEMO_LOGIN[1])
    create_staff(db, DEMO_ADVOCATE[0], "Mr Jones (TA)", "advocate", DEMO_ADVOCATE[1],
                 group_names=["Oak class"])
    sam = create_pupil(db, "Sam", "Taylor", "Year 11", "Oak class", cards_per_board=4)
    aisha = create_pupil(db, "Aisha", "Khan", "Year 12", "Oak class", cards_per_board=6)
    create_pupil(db, "Leo", "Brown", "Year 10", "Willow class", cards_per_board=2)
    create_encounter(db, "workplace_visit", "Greenfields Garden Centre visit", date(2026, 11, 20),
                     place="Greenfields Garden Centre", provider="Greenfields Ltd",
                     pupil_ids=[sam.id, aisha.id])
    return True

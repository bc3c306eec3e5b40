"""The audit log: every view, export, change and erasure of a pupil's record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.record.models import AuditEvent, Pupil, Staff
from assistant.services.schools import school_named

ACTIONS = (
    "view",
    "export",
    "change",
    "erase",
    "start_session",
    "review",
    "import",
    "concern",
    "change_password",
    "disable_account",
    "enable_account",
    "reset_password",
    "retention",
    "trust_overview",
    "export_school",
)


def record(
    db: Session, staff: Staff | None, action: str, pupil_id: int | None, detail: str = "", school_id: int | None = None
) -> None:
    """Add an audit event to the current transaction (the caller commits with its change).

    The line belongs to the school of the staff member acting, else of the pupil, else
    `school_id`, else the only school (a command on a single-school server). A trust
    account's own line (no pupil: a trust account never reaches one) belongs to its trust."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if school_id is None and staff is not None:
        school_id = staff.school_id
    if school_id is None and pupil_id is None and staff is not None and staff.trust_id is not None:
        db.add(AuditEvent(trust_id=staff.trust_id, staff_id=staff.id, action=action, detail=detail[:500]))
        return
    if school_id is None and pupil_id is not None:
        pupil = db.get(Pupil, pupil_id)
        school_id = pupil.school_id if pupil is not None else None
    if school_id is None:
        school_id = school_named(db, None).id
    db.add(
        AuditEvent(
            school_id=school_id,
            staff_id=staff.id if staff else None,
            action=action,
            pupil_id=pupil_id,
            detail=detail[:500],
        )
    )


def log(db: Session, staff: Staff | None, action: str, pupil_id: int | None, detail: str = "") -> None:
    """Record an event on its own (a view or an export, which changes nothing else)."""
    record(db, staff, action, pupil_id, detail)
    db.commit()


def recent(db: Session, school_id: int, limit: int = 500) -> list[AuditEvent]:
    """The latest audit events of one school, newest first."""
    return list(
        db.execute(
            select(AuditEvent)
            .where(AuditEvent.school_id == school_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        ).scalars()
    )


def audit_trail(db: Session, admin: Staff) -> tuple[list[AuditEvent], dict[int, str]]:
    """The audit page of an administrator's school: the latest events, and the name of each
    member of staff of the school by id."""
    names = {
        row.id: row.display_name
        for row in db.execute(select(Staff.id, Staff.display_name).where(Staff.school_id == admin.school_id))
    }
    return recent(db, admin.school_id), names

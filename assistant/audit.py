"""The audit log: every view, export, change and erasure of a pupil's record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import AuditEvent, Staff

ACTIONS = ("view", "export", "change", "erase", "start_session", "review", "import", "concern",
           "change_password", "disable_account", "enable_account", "reset_password", "retention")


def record(db: Session, staff: Staff | None, action: str, pupil_id: int | None, detail: str = "") -> None:
    """Add an audit event to the current transaction (the caller commits with its change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditEvent(staff_id=staff.id if staff else None, action=action, pupil_id=pupil_id,
                      detail=detail[:500]))


def log(db: Session, staff: Staff | None, action: str, pupil_id: int | None, detail: str = "") -> None:
    """Record an event on its own (a view or an export, which changes nothing else)."""
    record(db, staff, action, pupil_id, detail)
    db.commit()


def recent(db: Session, limit: int = 500) -> list[AuditEvent]:
    """The latest audit events, newest first."""
    return list(db.execute(select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                           .limit(limit)).scalars())

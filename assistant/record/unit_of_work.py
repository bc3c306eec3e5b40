"""One transaction per use case: commit at the end, roll back on any error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def transaction(db: Session) -> Iterator[Session]:
    """Run a block as one transaction on `db`."""
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise

"""Files the server's command line writes (documents, CSVs, a school's export): they hold
pupils' records, so only the account that runs the server may read them."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import InvalidInput


def write_private_file(out: Path, data: bytes) -> None:
    """Write `data` to `out`, readable only by this account; InvalidInput if it cannot be
    written (a missing folder, no permission), before anything is said to be exported."""
    try:
        if not out.exists() or out.is_file():  # not a device such as /dev/stdout
            out.touch(mode=0o600, exist_ok=True)
            out.chmod(0o600)
        out.write_bytes(data)
    except OSError as error:
        raise InvalidInput(f"Cannot write {out}: {error.strerror or error}.") from None

"""`python -m actions --port 5055`: the Rasa action server, on loopback unless SANIC_HOST says."""

import os
import sys
import threading

os.environ.setdefault("SANIC_HOST", "127.0.0.1")

from rasa_sdk.__main__ import main  # noqa: E402  (after SANIC_HOST is set)

def warm_up() -> None:
    """Build the concept matcher's word lists now, not on a pupil's first typed answer."""
    from assistant.understanding import Reader
    from symbols.catalogue import load_catalogue

    Reader(load_catalogue()).matcher.match_text("warming up")


if __name__ == "__main__":
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    sys.argv = [sys.argv[0], "--actions", "actions", *sys.argv[1:]]
    main()

"""`python -m actions --port 5055`: the Rasa action server, on loopback unless SANIC_HOST says."""

import os
import sys

os.environ.setdefault("SANIC_HOST", "127.0.0.1")

from rasa_sdk.__main__ import main  # noqa: E402  (after SANIC_HOST is set)

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "--actions", "actions", *sys.argv[1:]]
    main()

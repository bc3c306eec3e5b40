"""Where the sealed Rasa environment is: Rasa 3.6 on Python 3.10 (bin/setup makes it from
requirements-rasa.txt and constraints-rasa.txt). Everything else runs in .venv on Python 3.12
and reaches Rasa only over loopback HTTP; this is the one place that names Rasa's programs."""

from __future__ import annotations

from pathlib import Path

RASA_VENV = Path(__file__).resolve().parents[1] / ".venv-rasa"
RASA_BIN = RASA_VENV / "bin"

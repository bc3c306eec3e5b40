"""Train the Rasa model only when its inputs changed.

    python -m scripts.train_model           # models/assistant.tar.gz (release config)
    python -m scripts.train_model --quick   # models/assistant-quick.tar.gz (tests: fewer epochs)

The fingerprint covers config.yml, domain.yml, data/ and the spaCy pipeline's meta; it is
stored beside the model, so a second run starts at once.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from scripts.rasa_env import RASA_BIN  # Rasa trains in its own environment (bin/setup)

ROOT = Path(__file__).resolve().parents[1]
QUICK_EPOCHS = 40
SPACY_META = ROOT / "build" / "spacy" / "en_pupil_voice" / "meta.json"


def model_path(quick: bool) -> Path:
    """Where the release or the quick (test) model lives."""
    return ROOT / "models" / ("assistant-quick.tar.gz" if quick else "assistant.tar.gz")


def quick_config() -> Path:
    """config.yml with every `epochs:` capped at QUICK_EPOCHS, written under build/."""
    text = (ROOT / "config.yml").read_text(encoding="utf-8")
    text = re.sub(r"(\bepochs:\s*)(\d+)", lambda m: m.group(1) + str(min(int(m.group(2)), QUICK_EPOCHS)), text)
    path = ROOT / "build" / "config_quick.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fingerprint(config: Path) -> str:
    digest = hashlib.sha256()
    files = [config, ROOT / "domain.yml", SPACY_META, *sorted((ROOT / "data").rglob("*.yml"))]
    for file in files:
        digest.update(str(file.relative_to(ROOT)).encode())
        digest.update(file.read_bytes() if file.exists() else b"missing")
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs, for the tests")
    args = parser.parse_args()
    config = quick_config() if args.quick else ROOT / "config.yml"
    model = model_path(args.quick)
    stamp = model.with_suffix(".fingerprint")
    current = fingerprint(config)
    if model.exists() and stamp.exists() and stamp.read_text() == current:
        print(f"Model {model.relative_to(ROOT)} is up to date.")
        return 0
    print(f"Training {model.relative_to(ROOT)} (data or config changed) ...", flush=True)
    started = time.monotonic()
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    command = [
        str(RASA_BIN / "rasa"),
        "train",
        "--config",
        str(config),
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        "models",
        "--fixed-model-name",
        model.name.removesuffix(".tar.gz"),
        "--force",
    ]
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0 or not model.exists():
        print("Training failed.", file=sys.stderr)
        return 1
    stamp.write_text(current)
    print(f"Trained in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

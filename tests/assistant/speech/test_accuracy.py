"""Recognition on synthetic speech: espeak-ng voices and speeds, mixed by sox with a noise
floor or pink noise at 10 dB SNR, for the boards of the three conversations. Ranks and
guards the engines; it says little about real pupils' voices."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.speech import decode
from assistant.speech.recogniser import build
from scripts.speech_clips import Maker, clip_set, score

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def clips(tmp_path_factory, catalogue_module):
    maker = Maker(tmp_path_factory.mktemp("speech"), seed=11)
    return clip_set(maker, catalogue_module, ["quiet", "pink10"], per_board=4, negatives=3)


@pytest.fixture(scope="module")
def catalogue_module():
    from symbols.catalogue import load_catalogue

    return load_catalogue()


def test_the_right_card_is_proposed_and_nothing_else(clips):
    recogniser = build("auto", slots=1)
    assert [e.name for e in recogniser.engines] == ["whisper", "grammar"]
    s = score(clips, lambda c: recogniser.propose(decode(c.path.read_bytes()), c.board))
    assert s["answers"] >= 40 and s["nothing"] >= 30
    assert s["right"] / s["answers"] >= 0.90, s
    assert s["wrong"] / s["answers"] < 0.03, s
    assert 1 - s["false"] / s["nothing"] >= 0.90, s


def test_the_cli_prints_one_json_object(clips):
    clip = next(c for c in clips if c.expected == "yes" or c.said.lower().startswith("i like"))
    choices = "|".join(c.label for c in clip.board.choices)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.speech",
            "transcribe",
            str(clip.path),
            "--choices",
            choices,
            "--engine",
            "grammar",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout)
    assert set(result) >= {"choice", "text", "engine"}
    assert result["choice"] in [*choices.split("|"), None]

"""Rasa's own checks: data validation and test stories against the trained test model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.train_model import model_path

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).with_name("rasa"))
ENV = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")

pytestmark = pytest.mark.slow


def _model() -> Path:
    model = model_path(quick=True)
    assert model.exists(), "no test model: run bin/test (it trains one)"
    return model


def test_rasa_data_validate():
    result = subprocess.run(
        [RASA, "data", "validate", "--domain", "domain.yml", "--data", "data", "--config", "config.yml"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert "No story structure conflicts found" in log, log[-3000:]
    # `--fail-on-warnings` does not gate these in Rasa 3.6, so look for them ourselves.
    assert "inconsistent entity synonyms" not in log, log[-3000:]


def test_rasa_test_stories(tmp_path):
    result = subprocess.run(
        [
            RASA,
            "test",
            "core",
            "--model",
            str(_model()),
            "--stories",
            "tests/rasa/test_stories.yml",
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=900,
    )
    # --fail-on-prediction-errors: any wrong action in any story fails the run.
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

"""Rasa's own checks: data consistency and the end-to-end test stories.

These run the real `rasa` command line on the trained model (``make train``
builds it before pytest starts).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
MODEL = ROOT / "models" / "coach.tar.gz"


def run_rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run([RASA, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_data_validates_without_warnings():
    result = run_rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_at_least_thirty_test_stories():
    import yaml

    stories = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text())["stories"]
    assert len(stories) >= 30


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make train`")
def test_stories_pass_with_full_conversation_accuracy(tmp_path):
    out = tmp_path / "results"
    result = run_rasa("test", "core", "--model", str(MODEL), "--stories", "tests/test_stories.yml",
                      "--out", str(out), "--no-plot")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    report = json.loads((out / "story_report.json").read_text())
    failed = (out / "failed_test_stories.yml").read_text() if (out / "failed_test_stories.yml").exists() else ""
    accuracy = report["conversation_accuracy"]["accuracy"]
    assert accuracy == 1.0, f"conversation accuracy {accuracy}\n{failed[:6000]}"

"""Fuzzing: hundreds of hostile configs, recordings and videos (coach/sim/hostile.py makes
them), each of which the coach must either take and work with, or refuse in one line per
problem: never a traceback, a hang, or a file changed or half-written."""

import contextlib
from pathlib import Path

import numpy as np
import pytest

from coach.app.verdicts import check_config_case, check_video_case
from coach.settings import Settings
from coach.settings.load import ConfigError, load_settings
from coach.sim import hostile

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261125


def _failures(verdicts):
    return [f"{v.case}: {v.problem}" for v in verdicts if v.problem is not None]


def test_hundreds_of_hostile_configs_are_taken_or_refused_in_one_line_each(tmp_path):
    text = (ROOT / "config" / "coach.toml").read_text()
    verdicts = []
    for i, data in enumerate(hostile.hostile_configs(text, np.random.default_rng(SEED), 300)):
        path = tmp_path / f"config-{i}.toml"
        path.write_bytes(data)
        verdicts.append(hostile.judged(path.name, lambda p=path: check_config_case(p)))
    assert _failures(verdicts) == []
    accepted = 0
    for path in tmp_path.iterdir():
        with contextlib.suppress(ConfigError):
            load_settings(path)
            accepted += 1
    # Both ways are tried: configs the coach ran a session with, and configs it refused.
    assert len(verdicts) == 300 and 20 < accepted < 280


def test_hundreds_of_hostile_recordings_are_read_or_refused_in_one_line(tmp_path):
    verdicts = []
    for i, data in enumerate(hostile.hostile_wavs(np.random.default_rng(SEED), 300)):
        path = tmp_path / f"recording-{i}.wav"
        path.write_bytes(data)
        verdicts.append(hostile.judged(path.name, lambda p=path: hostile.check_wav_case(p)))
    assert _failures(verdicts) == []


def test_hostile_videos_and_annotation_targets_change_no_file_and_leave_none_half_written(
    tmp_path,
):
    pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")
    rng = np.random.default_rng(SEED)
    verdicts = []
    for path in hostile.hostile_videos(tmp_path, rng, 40):
        target = hostile.annotation_target(path, rng)
        verdicts.append(
            hostile.judged(path.name, lambda p=path, t=target: check_video_case(p, t, Settings()))
        )
    assert _failures(verdicts) == []

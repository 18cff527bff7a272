"""The pose model's files: fetched from the wheel, checked, installed whole or not at all, and
the front-end chosen from them."""

from __future__ import annotations

import logging
import zipfile

import pytest

from coach.adapters.pose import fetch
from coach.adapters.pose.files import SHA256, PoseModelUnavailable, pose_model_files
from coach.app.eyes import open_reader
from coach.core.vision import LegReader
from coach.settings.load import settings_from_mapping
from coach.sim.footage import POSE_MODELS

needs_model = pytest.mark.skipif(
    not (POSE_MODELS / "pose_detection.tflite").exists(),
    reason="no pose model: run scripts/fetch-pose-model",
)


def _wheel(path, contents: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as wheel:
        for name, member in fetch.MEMBERS.items():
            if name in contents:
                wheel.writestr(member, contents[name])
    return path


def test_a_missing_file_is_one_line_naming_it(tmp_path):
    with pytest.raises(PoseModelUnavailable, match=r"pose_detection\.tflite is missing"):
        pose_model_files(tmp_path)


def test_files_that_are_not_the_expected_ones_are_installed_not_at_all(tmp_path):
    wheel = _wheel(tmp_path / "m.whl", dict.fromkeys(SHA256, b"something else"))
    target = tmp_path / "models"
    with pytest.raises(fetch.FetchFailed, match="SHA-256"):
        fetch.install_from_wheel(wheel, target)
    assert list(target.iterdir()) == []  # no half-written or unchecked file left behind


def test_a_wheel_without_the_files_is_refused(tmp_path):
    wheel = _wheel(tmp_path / "m.whl", {})
    with pytest.raises(fetch.FetchFailed, match="not the wheel expected"):
        fetch.install_from_wheel(wheel, tmp_path / "models")


@needs_model
def test_the_right_files_are_installed_and_then_found_whole(tmp_path):
    contents = {name: (POSE_MODELS / name).read_bytes() for name in SHA256}
    target = tmp_path / "models"
    fetch.install_from_wheel(_wheel(tmp_path / "m.whl", contents), target)
    assert sorted(p.name for p in target.iterdir()) == sorted(SHA256)
    assert fetch.fetch(target).startswith("the pose model is already in")


def test_auto_follows_the_markers_without_the_model_and_says_why(tmp_path, caplog):
    settings = settings_from_mapping({"vision": {"pose_model_dir": str(tmp_path)}})
    with caplog.at_level(logging.INFO, logger="coach.vision"):
        reader = open_reader(settings)
    assert isinstance(reader, LegReader)
    assert "is missing" in caplog.text and "five markers instead" in caplog.text


def test_pose_asked_for_but_missing_is_a_warning_and_still_sees_by_markers(tmp_path, caplog):
    settings = settings_from_mapping({"vision": {"mode": "pose", "pose_model_dir": str(tmp_path)}})
    with caplog.at_level(logging.WARNING, logger="coach.vision"):
        reader = open_reader(settings)
    assert reader.kind == "markers"
    assert caplog.records and caplog.records[0].levelno == logging.WARNING


@needs_model
def test_auto_takes_the_pose_model_when_it_is_there():
    settings = settings_from_mapping({"vision": {"pose_model_dir": str(POSE_MODELS)}})
    assert open_reader(settings).kind == "pose"

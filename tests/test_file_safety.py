"""Files on a Pi another person can log in to: the coach writes only new files of its own,
into folders of its own, reads no more of a file than it needs and never waits on one."""

import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_coach

ROOT = Path(__file__).resolve().parent.parent
RIVAL = "legcoach-rival"  # a second, real user of the machine


@pytest.fixture(scope="module")
def rival() -> Iterator[pwd.struct_passwd]:
    """A second user for these tests only: added if missing, and removed again afterwards."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("adding a second user needs root and useradd")
    try:
        yield pwd.getpwnam(RIVAL)
        return
    except KeyError:
        pass
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RIVAL],
        check=True,
    )
    try:
        yield pwd.getpwnam(RIVAL)
    finally:
        subprocess.run(["userdel", RIVAL], check=False)


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's own file\n")
    return victim


def test_record_refuses_a_folder_another_user_owns_and_writes_nothing(tmp_path, rival):
    pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    os.chown(theirs, rival.pw_uid, rival.pw_gid)
    victim = _victim(tmp_path)
    for second in range(60):  # their links, where the next minute's sets would be written
        stamp = f"{second:02d}"
        (theirs / f".set-000001-x{stamp}-right-1.partial.mp4").symlink_to(victim)
    before = sorted(p.name for p in theirs.iterdir())
    result = run_coach(
        "demo", "--speed", "1000", "--reps", "1", "--sets", "1", "--record", str(theirs)
    )
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"coach: --record: {theirs} belongs to another user; record into a folder of your own"
    ]
    assert result.stdout == "" and sorted(p.name for p in theirs.iterdir()) == before
    assert victim.read_text() == "the user's own file\n"


def test_record_refuses_a_folder_anyone_may_write_in(tmp_path):
    pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    result = run_coach("demo", "--speed", "1000", "--record", str(shared))
    assert result.returncode == 3
    assert "may be written by any user" in result.stderr and list(shared.iterdir()) == []


def test_a_video_is_never_written_through_a_link_left_where_it_is_made(tmp_path):
    pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")
    from coach.adapters.video import VideoFile, VideoWriter

    victim = _victim(tmp_path)
    (tmp_path / ".set.partial.mp4").symlink_to(victim)  # planted before the set began
    writer = VideoWriter(str(tmp_path / "set.mp4"), 128, 96, 10, quick=True)
    for i in range(10):
        writer.write(np.full((96, 128, 3), 20 * i, np.uint8))
    writer.close()
    assert victim.read_text() == "the user's own file\n"
    assert len(list(VideoFile(str(tmp_path / "set.mp4")).frames())) == 10
    assert (tmp_path / "set.mp4").stat().st_mode & 0o777 == 0o600


@pytest.fixture
def recorded_set(tmp_path) -> Path:
    pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")
    from coach.adapters.video import VideoWriter

    video = tmp_path / "set-000001-20261207-180000-right-1.mp4"
    writer = VideoWriter(str(video), 128, 96, 10)
    for _ in range(10):
        writer.write(np.full((96, 128, 3), 90, np.uint8))
    writer.close()
    return video


@pytest.mark.parametrize(
    "sidecar",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"camera": {"tilt_deg": 5, "turn_deg": 0, "measured": true}, "notes": "'
        + b"x" * 50_000_000
        + b'"}',
    ],
    ids=["nested-200000-deep", "50-MB"],
)
def test_analyze_refuses_a_camera_file_too_deep_or_too_large_in_one_line(recorded_set, sidecar):
    recorded_set.with_suffix(".json").write_bytes(sidecar)
    result = run_coach("analyze", str(recorded_set), "--json")
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "not a camera" in line]
    assert line.startswith(f"coach: {recorded_set.with_suffix('.json')}: not a camera the coach")
    assert line.endswith("the camera is measured instead")


def test_a_fifo_in_place_of_a_pose_model_file_is_refused_at_once(tmp_path):
    from coach.adapters.pose.files import DETECTOR

    os.mkfifo(tmp_path / DETECTOR)  # nobody will ever write to it
    check = (
        "import sys; from pathlib import Path\n"
        "from coach.adapters.pose.files import PoseModelUnavailable, pose_model_files\n"
        "try:\n    pose_model_files(Path(sys.argv[1]))\n"
        "except PoseModelUnavailable as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == (
        f"{tmp_path / DETECTOR}: cannot read it ({tmp_path / DETECTOR} is not a regular file)"
    )


def test_the_service_keeps_its_state_folder_to_itself():
    unit = (ROOT / "systemd" / "legcoach.service").read_text().splitlines()
    assert "StateDirectoryMode=0700" in unit and "UMask=0077" in unit

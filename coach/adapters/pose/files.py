"""Where BlazePose's two files are, and whether they are the ones the coach was built for.

The hashes are those of the files inside the `mediapipe==0.10.18` wheels (the same bytes in
every platform's wheel); a missing or changed file is one line, and the coach uses markers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from coach.files import open_regular

DETECTOR = "pose_detection.tflite"
LANDMARKER = "pose_landmark_full.tflite"
SHA256 = {
    DETECTOR: "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    LANDMARKER: "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
}


class PoseModelUnavailable(Exception):
    """The pose model cannot run here; the message is one line a person can act on."""


@dataclass(frozen=True)
class PoseModelFiles:
    detector: Path
    landmarker: Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as stream:  # a FIFO there must not hang start-up
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def pose_model_files(folder: Path) -> PoseModelFiles:
    """The two files in `folder`, checked; raises PoseModelUnavailable saying what is wrong."""
    for name, expected in SHA256.items():
        path = folder / name
        try:
            actual = sha256_of(path)
        except FileNotFoundError:
            raise PoseModelUnavailable(
                f"{path} is missing (scripts/fetch-pose-model installs it)"
            ) from None
        except OSError as exc:
            raise PoseModelUnavailable(f"{path}: cannot read it ({exc.strerror or exc})") from None
        if actual != expected:
            raise PoseModelUnavailable(
                f"{path} is not the expected file (SHA-256 {actual[:12]}…, "
                f"not {expected[:12]}…): fetch it again with scripts/fetch-pose-model"
            )
    return PoseModelFiles(folder / DETECTOR, folder / LANDMARKER)

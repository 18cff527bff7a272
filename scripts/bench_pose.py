"""The pose model's figures for scripts/bench (--only pose): its speed and memory on one
thread, and what it reads on the real stills in ../shared/footage against points read by eye."""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import numpy as np

from coach.core.geometry import abduction_deg
from coach.core.pose.body import is_lying, leg_points, upper_side
from coach.core.pose.tracking import PoseTracker
from coach.sim.footage import POSE_MODELS, READ_BY_EYE, STILLS, labels, still

FRAMES = 60
# A process with the service's modules and the chosen front-end, sighting frames; its peak RSS.
RSS_PROBE = """
import resource, sys
import numpy as np
import coach.app.daemon
from coach.app.eyes import open_reader
from coach.settings.load import settings_from_mapping
settings = settings_from_mapping({"vision": {"mode": sys.argv[1], "pose_model_dir": sys.argv[2]}})
reader = open_reader(settings)
frame = np.zeros((480, 640, 3), np.uint8)
frame[200:280, 100:540] = 180
for i in range(30):
    reader.sight(frame, i / 15)
print(reader.kind, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _camera_frame(name: str) -> np.ndarray:
    """A still as a 640x480 camera frame: scaled to 640 wide, black below."""
    from PIL import Image

    picture = still(name)
    height = round(picture.shape[0] * 640 / picture.shape[1])
    scaled = np.asarray(Image.fromarray(picture).resize((640, height), Image.BILINEAR))
    frame = np.zeros((480, 640, 3), np.uint8)
    frame[: min(height, 480)] = scaled[:480]
    return frame


def _ms_per_frame(locate, frames: list[np.ndarray]) -> dict[str, float]:
    """CPU time a frame: the least (the code's own cost), the median and the mean; a shared
    machine has slow spells that lift the latter two."""
    spent = []
    for frame in frames:
        started = time.process_time()
        locate(frame)
        spent.append(time.process_time() - started)
    return {
        "least": round(float(np.min(spent)) * 1000, 2),
        "median": round(float(np.median(spent)) * 1000, 2),
        "mean": round(float(np.mean(spent)) * 1000, 2),
    }


def _rss_mb(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, mode, str(POSE_MODELS)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    if out[0] != mode:
        raise RuntimeError(f"the {mode} front-end was asked for, {out[0]} was used")
    return round(int(out[1]) / 1024)


def pose_figures() -> dict[str, object]:
    if not (POSE_MODELS / "pose_detection.tflite").exists():
        return {"pose": f"no pose model in {POSE_MODELS}: run scripts/fetch-pose-model"}
    from coach.adapters.pose.files import pose_model_files
    from coach.adapters.pose.networks import BlazePose

    model = BlazePose(pose_model_files(POSE_MODELS))
    figures: dict[str, object] = {
        "pose_threads": 1,
        "pose_rss_mb": _rss_mb("pose"),
        "markers_rss_mb": _rss_mb("markers"),
    }
    if not STILLS.is_dir():
        return figures | {"pose_stills": f"no real footage at {STILLS}"}
    frame = _camera_frame("Side_Jackknife_1.jpg")
    tracker = PoseTracker(model.detect, model.mark)
    tracker.locate(frame)
    figures["pose_track_ms_per_frame"] = _ms_per_frame(tracker.locate, [frame] * FRAMES)
    figures["pose_track_detections"] = tracker.detections - 1

    def acquire(frame: np.ndarray) -> None:
        tracker.reset()
        tracker.locate(frame)

    figures["pose_acquire_ms_per_frame"] = _ms_per_frame(acquire, [frame] * (FRAMES // 3))
    found = {"side-lying": 0, "standing": 0}
    total = {"side-lying": 0, "standing": 0}
    for name, label in labels().items():
        if label["pose"] not in found:
            continue
        tracker.reset()
        body = tracker.locate(_camera_frame(name))
        total[label["pose"]] += 1
        found[label["pose"]] += body is not None and is_lying(body)
    figures["pose_stills_found"] = {"found": found["side-lying"], "of": total["side-lying"]}
    figures["pose_standing_taken_for_lying"] = {
        "found": found["standing"],
        "of": total["standing"],
    }
    against_labels, against_eye = [], []
    for name, read in READ_BY_EYE.items():
        tracker.reset()
        frame = still(name)
        for _ in range(3):
            body = tracker.locate(frame)
        points, _ = leg_points(body, upper_side(body))
        seen = abduction_deg(points["shoulder"], points["hip"], points["ankle"])
        label = labels()[name]
        against_labels.append(abs(seen - label["abduction_deg_by_eye"]))
        eye = abduction_deg(*(np.array(read[k], float) for k in ("shoulder", "hip", "ankle")))
        against_eye.append(abs(seen - eye))
    figures["pose_abduction_error_deg"] = {
        "labels_json": round(float(np.mean(against_labels)), 1),
        "read_again_by_eye": round(float(np.mean(against_eye)), 1),
        "stills": len(against_eye),
    }
    figures["bench_process_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    return figures

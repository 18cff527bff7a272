"""Which front-end sees the body: the pose model, or the five markers.

`[vision] mode = "auto"` takes the pose model when its files check out and LiteRT loads, and
says in one line why it did not; "pose" asks for it and still falls back to the markers, with
that line as a warning, rather than leave the coach blind."""

from __future__ import annotations

import logging
from pathlib import Path

from coach.adapters.pose.files import PoseModelUnavailable, pose_model_files
from coach.core.pose.tracking import PoseTracker
from coach.core.tracker import MarkerTracker
from coach.core.vision import BodyReader, LegReader
from coach.settings import Settings

log = logging.getLogger("coach.vision")


def pose_tracker(settings: Settings) -> PoseTracker:
    """The pose model, loaded; raises PoseModelUnavailable with the reason."""
    from coach.adapters.pose.networks import BlazePose

    model = BlazePose(
        pose_model_files(Path(settings.vision.pose_model_dir)), settings.vision.pose_threads
    )
    return PoseTracker(model.detect, model.mark)


def open_reader(settings: Settings) -> BodyReader:
    mode = settings.vision.mode
    if mode == "markers":
        return LegReader(settings)
    try:
        tracker = pose_tracker(settings)
    except PoseModelUnavailable as exc:
        level = logging.WARNING if mode == "pose" else logging.INFO
        log.log(level, "vision: %s; following the five markers instead", exc)
        return LegReader(settings)
    from coach.core.pose.reader import PoseReader

    toe = None
    if settings.vision.toe_marker:
        markers = settings.markers
        toe = MarkerTracker({"toe": markers.toe}, markers.colour_tolerance)
    log.info("vision: the pose model sees the body%s", " and a toe marker" if toe else "")
    return PoseReader(settings, tracker, toe)

"""The annotated copy `coach analyze --annotate` writes: the body's points and lines, and a panel
of words (rep, phase, angles, this rep's faults) placed where it hides none of the body."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.adapters.video import VideoUnavailable, VideoWriter
from coach.app.views import FAULT_LABELS
from coach.core.geometry import LegAngles
from coach.core.tracker import hex_to_bgr
from coach.drawing import draw_capsule, draw_text, text_width

LINE_BGR = (255, 255, 255)
FAULT_BGR = (40, 40, 255)
TOP_SHARE = 0.9  # within this share of the rep's highest angle so far, the leg is at the top
MOVING_DEG = 0.3  # less change than this between frames, at the top: holding


@dataclass(frozen=True)
class Status:
    """What the overlay says besides the angles: which rep, which part of it, which faults."""

    rep: int
    phase: str
    faults: tuple[str, ...] = ()
    not_counted: str | None = None  # another movement under way, which is not counted


class PhaseLabel:
    """Rest, lift, hold or lower, from the angle as it goes, in that order within a rep: a
    label for a person watching, which a wobble at the top does not send back to "lift"."""

    def __init__(self) -> None:
        self._previous: float | None = None
        self._highest = 0.0
        self._phase = "rest"

    def update(self, abduction: float, in_rep: bool) -> str:
        previous, self._previous = self._previous, abduction
        if not in_rep:
            self._highest, self._phase = 0.0, "rest"
            return self._phase
        self._highest = max(self._highest, abduction)
        change = 0.0 if previous is None else abduction - previous
        near_top = abduction >= TOP_SHARE * self._highest
        if self._phase == "rest":
            self._phase = "lift"
        if self._phase == "lift" and near_top and abs(change) < MOVING_DEG:
            self._phase = "hold"
        elif self._phase in ("lift", "hold") and not near_top and change < 0:
            self._phase = "lower"
        return self._phase


class Overlay:
    """The annotated copy of the video, opened once the first frame gives its size. A copy
    that cannot be written is given up, not the analysis: `failure` says why."""

    def __init__(self, path: str, fps: float, colours: dict[str, str]) -> None:
        self._path, self._fps = path, fps
        self._colours = {name: tuple(int(c) for c in hex_to_bgr(h)) for name, h in colours.items()}
        self._writer: VideoWriter | None = None
        self.failure: str | None = None

    def write(self, frame: np.ndarray, markers, angles: LegAngles | None, status: Status) -> None:
        if self.failure is not None:
            return
        try:
            if self._writer is None:
                self._writer = VideoWriter(self._path, frame.shape[1], frame.shape[0], self._fps)
            self._writer.write(annotated(frame, markers, angles, status, self._colours))
        except VideoUnavailable as exc:
            self.failure, self._writer = str(exc), None

    def close(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except VideoUnavailable as exc:
                self.failure = str(exc)

    def discard(self) -> None:
        if self._writer is not None:
            self._writer.discard()


def annotated(frame, markers, angles: LegAngles | None, status: Status, colours) -> np.ndarray:
    out = frame.copy()
    width = frame.shape[1]
    thickness = max(1.0, width / 320)
    for a, b in (("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"), ("ankle", "toe")):
        if a in markers and b in markers:
            draw_capsule(out, markers[a], markers[b], thickness, LINE_BGR)
    for name, point in markers.items():
        draw_capsule(out, point, point, 3 * thickness, LINE_BGR)
        draw_capsule(out, point, point, 2 * thickness, colours[name])
    scale = max(1, width // 320)
    lines = [(f"rep {status.rep}  {status.phase}", LINE_BGR)]
    if angles is None:
        lines.append(("leg not seen", LINE_BGR))
    else:
        lines.append((f"lift angle {angles.abduction:.0f}°", LINE_BGR))
        if angles.rotation is not None:
            lines.append((f"toe rotation {angles.rotation:+.0f}°", LINE_BGR))
    lines += [(FAULT_LABELS.get(fault, fault), FAULT_BGR) for fault in status.faults]
    if status.not_counted is not None:
        lines.append((f"{status.not_counted.replace('_', ' ')}: not counted", FAULT_BGR))
    left, top = _panel_corner(
        markers, frame.shape, max(text_width(text, scale) for text, _ in lines), scale, len(lines)
    )
    for row, (text, colour) in enumerate(lines):
        x, y = left + 8 * scale, top + (6 + row * 10) * scale
        draw_capsule(
            out,
            np.array([x, y + 3.5 * scale]),
            np.array([x + text_width(text, scale), y + 3.5 * scale]),
            5 * scale,
            (0, 0, 0),
        )  # a dark band under the words, on any background
        draw_text(out, text, x, y, scale, colour)
    return out


def _panel_corner(
    markers, shape: tuple[int, ...], width: int, scale: int, rows: int
) -> tuple[int, int]:
    """The corner of the picture whose text panel covers none of the body's points (the top
    left when it is free, as before), else the one covering fewest: the words never hide the
    leg they are about."""
    height, frame_width = shape[:2]
    panel_w, panel_h = width + 16 * scale, (8 + rows * 10) * scale
    margin = 12 * scale
    corners = [
        (0, 0),
        (frame_width - panel_w, 0),
        (0, height - panel_h),
        (frame_width - panel_w, height - panel_h),
    ]

    def covered(corner: tuple[int, int]) -> int:
        x, y = corner
        return sum(
            x - margin <= px <= x + panel_w + margin and y - margin <= py <= y + panel_h + margin
            for px, py in markers.values()
        )

    left, top = min(corners, key=covered)  # the first of those covering fewest
    return max(left, 0), max(top, 0)

"""Frame → what the camera saw: the markers, the leg angles, and whether the framing is right."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from coach.core.events import Event, Phase, StateChanged, ViewCalibrated
from coach.core.geometry import LYING_MAX_DEG, LegAngles, measure, trunk_off_level_deg
from coach.core.lookalikes import SPARE_COLOURS, Lookalike, freest_spare, lookalikes
from coach.core.movement import AT_REST, Movement, MovementCheck
from coach.core.plausible import BodyCheck
from coach.core.smoothing import MarkerSmoother
from coach.core.tracker import MarkerTracker
from coach.core.view import CameraView
from coach.marking import MARKER_NAMES
from coach.settings import Settings

EDGE_MARGIN = 0.03  # a marker this close to the frame's edge (as a share of its size) is at risk
STRAIGHT_TOLERANCE_DEG = 12.0  # at rest, shoulder, hip and ankle should be about in line
BODY_POINTS = MARKER_NAMES[:4]  # what a pose model must see; the toe only when it is sure
TRUNK = ("shoulder", "hip")


@dataclass(frozen=True)
class Sighting:
    markers: dict[str, np.ndarray] = field(default_factory=dict)
    angles: LegAngles | None = None
    size: tuple[int, int] = (0, 0)  # width, height
    seen: frozenset[str] = frozenset()  # found in this very frame, not carried over a gap
    expected: tuple[str, ...] = MARKER_NAMES  # what the front-end should find
    kind: str = "markers"  # or "pose": which front-end saw it, for the words of advice
    side: str | None = None  # the side the pose model sees on top
    certainty: dict[str, float] = field(default_factory=dict)  # per point, 0..1, from the model
    movement: Movement = AT_REST  # what moved: the leg lifted, or something else
    # What else in view has a marker's colour (found as the set began), and the spare colour
    # that would stand out in this room instead.
    lookalikes: tuple[Lookalike, ...] = ()
    spare: str | None = None
    # False while the angles rest on the configured camera because its own could not yet be
    # measured (the pose model, before the body has lain still long enough).
    camera_measured: bool = True
    # False while the camera's turn is the configured one: the pose model measures the tilt
    # from the body at rest, but shows no turn steadily enough (`app.analyze`).
    turn_measured: bool = True
    # The person sits up or stands: the trunk is seen well off level. No rep is theirs then,
    # and the leg's angle against an upright trunk is no lift.
    upright: bool = False

    @property
    def confidence(self) -> float:
        """How much of this reading the frame itself showed: 1 when every marker placed was
        found in it, less for each one only predicted across a brief gap, 0 with none."""
        if not self.markers:
            return 0.0
        return len(self.seen & self.markers.keys()) / len(self.markers)

    @property
    def missing(self) -> list[str]:
        return [name for name in self.expected if name not in self.markers]

    def framing_problems(self) -> list[str]:
        """What to put right before a set: "missing", "edge" and "crooked", in that order."""
        problems = []
        if self.missing:
            problems.append("missing")
        width, height = self.size
        mx, my = EDGE_MARGIN * width, EDGE_MARGIN * height
        if any(
            not (mx <= x <= width - mx and my <= y <= height - my) for x, y in self.markers.values()
        ):
            problems.append("edge")
        if self.angles is not None and abs(self.angles.abduction) > STRAIGHT_TOLERANCE_DEG:
            problems.append("crooked")
        return problems


def _seen_moving(
    located: dict[str, np.ndarray], body: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """With no leg read, what the markers found still show the body doing: the knees bent into
    a clamshell are no leg lift the body check takes, yet they are a person seen doing
    something else, not a body lost (which is then counted by the clock). The leg's markers as
    found, then; the trunk's only where the body check took them: a spot of the shoulder's
    colour elsewhere, found while the shoulder marker was hidden, read as the trunk rising and
    was named."""
    leg = {name: point for name, point in located.items() if name not in TRUNK}
    return leg | {name: body[name] for name in TRUNK if name in body}


class BodyReader(Protocol):
    """A front-end: frames in, what the camera saw out, in the one form the cores read."""

    view: CameraView
    kind: str  # "markers" or "pose"

    def sight(self, frame: np.ndarray, t: float) -> Sighting: ...

    def learn_colours(self) -> None: ...

    def on_event(self, event: Event) -> None: ...


class FollowsTheSession(ABC):
    """A reader takes what it needs from the session's events itself: the camera as measured,
    and a set's start as the moment to learn today's colours."""

    view: CameraView

    @abstractmethod
    def learn_colours(self) -> None: ...

    def on_event(self, event: Event) -> None:
        if isinstance(event, ViewCalibrated):
            self.view = replace(self.view, tilt_deg=event.tilt_deg, turn_deg=event.turn_deg)
        elif isinstance(event, StateChanged) and event.state == Phase.SET:
            self.learn_colours()


class LegReader(FollowsTheSession):
    kind = "markers"

    def __init__(self, settings: Settings) -> None:
        markers, camera = settings.markers, settings.camera
        self._tracker = MarkerTracker(markers.colours(), markers.colour_tolerance)
        self._smoother = MarkerSmoother()
        self._body = BodyCheck(markers.foot_to_leg_ratio)
        self._foot_ratio = markers.foot_to_leg_ratio
        self.view = CameraView.configured(camera)
        self._learn_colours = True
        self._spares = MarkerTracker(SPARE_COLOURS, markers.colour_tolerance)
        self._lookalikes: tuple[Lookalike, ...] = ()
        self._spare: str | None = None
        self._movement = MovementCheck()

    def learn_colours(self) -> None:
        """A set begins: take the markers' colours afresh from the next frame (the light may
        have changed) and the body's lengths too (the camera may have moved). What else in
        view has their colours is looked for in that frame too."""
        self._learn_colours = True
        self._body.forget()
        self._movement.reset()

    def sight(self, frame: np.ndarray, t: float) -> Sighting:
        """What the frame taken at `t` shows, smoothed over time and with brief gaps bridged."""
        height, width = frame.shape[:2]
        learning = self._learn_colours
        if learning:
            self._learn_colours = False
            # Learned where the markers make a body, if they do in their printed colours.
            self._tracker.relearn_colours(frame, self._body.placed)
        found = self._tracker.locate(frame)
        if learning:
            self._check_room(frame, found)
        located = found
        # Points that are no body are not seen: bridged briefly by the smoother, else unseen.
        found = self._body.body_in(found, t, self._tracker.others())
        self._tracker.settle(found)
        markers = self._smoother.update(t, found, width)
        seen = frozenset(found)
        angles = measure(markers, (width, height), self.view, self._foot_ratio, seen=seen)
        lift = None if angles is None else angles.abduction
        moved = markers if angles is not None else _seen_moving(located, found)
        upright = set(TRUNK) <= markers.keys() and (
            trunk_off_level_deg(markers["shoulder"], markers["hip"]) > LYING_MAX_DEG
        )
        if upright:  # lying back down, the body's rest is learned again
            self._movement.reset()
        return Sighting(
            markers,
            angles,
            (width, height),
            seen,
            lookalikes=self._lookalikes,
            spare=self._spare,
            movement=self._movement.update(t, moved, lift),
            upright=upright,
        )

    def _check_room(self, frame: np.ndarray, found: dict[str, np.ndarray]) -> None:
        tracker = self._tracker
        masks = {name: tracker.mask_for(name) for name in MARKER_NAMES}
        diameter = tracker.diameter(frame.shape[1])
        self._lookalikes = tuple(lookalikes(frame, masks, found, diameter))
        spares = {name: self._spares.mask_for(name) for name in SPARE_COLOURS}
        self._spare = freest_spare(frame, spares) if self._lookalikes else None

"""The coaching of a rep's top in isometric holds and circles: the countdown and the circles'
counts are said only while the camera shows the leg up; a leg that came down before "lower" is
told so at once, and the rep is not clean; circles too few to be the set's are a fault too.

With no camera the top goes by the clock; a camera that lost the leg at any move of the top
leaves that top unjudged.
"""

from __future__ import annotations

from coach.core import cues
from coach.core.events import Fault, FormWarning, Priority
from coach.core.reps import LOWERED_SHARE, Rep
from coach.core.stage import Part
from coach.core.top import CIRCLES_SAG_SHARE, HOLD_SAG_SHARE, TopWatch

HOLD_SHARE = 0.8  # of the hold's time, held at the height: a clean hold
CIRCLES_SLACK = 1  # a circle fewer than asked is still the set's work
SAID_AT_THE_TOP = ("hold", "count_down", "circle", "lower")


class TopCoach(Part):
    def start_cycle(self) -> None:
        """The coach says "lift": a new rep's top, judged afresh."""
        program = self._course.program
        self._watch = None
        self._lowered = False  # "lower" has been said: the top is over
        self._came_down_early = False
        self._lost_sight = False  # the camera stopped seeing the leg at some move of the top
        if program.name in ("holds", "circles"):
            sag = HOLD_SAG_SHARE if program.name == "holds" else CIRCLES_SAG_SHARE
            self._watch = TopWatch(self._settings.form.rep_min_peak_deg, sag)

    @property
    def lowered_share(self) -> float:
        """How far the leg must come down before a rise is a new rep: circles hang from the
        top, and a big one is no rep of its own."""
        return CIRCLES_SAG_SHARE if self._course.program.name == "circles" else LOWERED_SHARE

    def see(self, lift: float) -> None:
        """One frame's lift (as the reps are counted from) while the cycle runs."""
        watch = self._watch
        if watch is None or self._lowered or not watch.see(lift):
            return
        self._came_down_early = True
        if self._course.program.name == "holds":
            self._out.say(cues.HOLD_CAME_DOWN, Priority.FORM, tag=f"warn:{Fault.NO_HOLD}")
        else:
            self._out.say(cues.CIRCLES_CAME_DOWN, Priority.FORM, tag=f"warn:{Fault.FEW_CIRCLES}")

    def tempo(self, tag: str, seeing: bool) -> tuple[bool, str | None]:
        """Whether to say the move `tag` (not to a leg seen down, or never seen up), and a
        warning to say with it."""
        watch = self._watch
        if watch is None or tag not in SAID_AT_THE_TOP:
            return True, None
        if tag == "lower":
            self._lowered = True
        self._lost_sight |= not seeing
        if not seeing or watch.up:
            if tag == "lower" and seeing and self._few_circles():
                return True, cues.FEW_CIRCLES
            return True, None
        # A leg seen low all along (a sore hip lifting a little) is still told when to lower.
        return tag in ("hold", "lower") and not watch.came_down, None

    def faults(self, rep: Rep | None, number: int) -> tuple[Fault, ...]:
        """What the top of the rep just counted got wrong; each is reported as a warning with
        what was measured (seconds held, circles traced), said before the count if it was not
        said as it happened."""
        watch, program = self._watch, self._course.program
        if watch is None or rep is None or self._lost_sight:  # a top not seen is not judged
            return ()
        if program.name == "holds":
            short = self._came_down_early or rep.hold_s < HOLD_SHARE * program.top_s
            fault, value, unit = Fault.NO_HOLD, rep.hold_s, "s"
        else:
            short, fault, value = self._few_circles(), Fault.FEW_CIRCLES, float(watch.circles)
            unit = "circles"
        if not short:
            return ()
        block = self._course.block
        warning = FormWarning(
            self._agenda.now, fault, block.side, block.set_no, number, round(value, 1), unit
        )
        self._out.emit(warning)
        if fault == Fault.NO_HOLD and not self._came_down_early:  # up late, not down early
            self._out.say(cues.HOLD_SHORT, Priority.FORM, tag="warn:no_hold")
        return (fault,)

    def _few_circles(self) -> bool:
        watch, program = self._watch, self._course.program
        if watch is None or program.name != "circles":
            return False
        return watch.circles < program.circles - CIRCLES_SLACK

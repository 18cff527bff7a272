"""What the leg does at the top of a rep, for the programs whose work is done there: an
isometric hold (the height held for the hold's time) and circles (the ankle rising and falling
once per circle).

Fed the leg's lift as the reps are counted from, frame by frame, from the moment the coach says
"lift": whether the leg is up now, whether it came down before the coach said "lower", and how
many circles the ankle traced while it was up. Seen from the side, a circle of the foot shows
as one rise and fall of the ankle; which way it turns is out of the picture's plane, so it is
not told.
"""

from __future__ import annotations

from dataclasses import dataclass

# Down from the height reached by more than this share of it: no longer held. A hold is the
# height kept; circles hang from the top, and a big one swings the ankle down by over half of
# a low lift.
HOLD_SAG_SHARE = 0.25
CIRCLES_SAG_SHARE = 0.75
MIN_SAG_DEG = 4.0  # marker jitter and a breath move the leg by less than this
# One rise or fall of the ankle this large is half a circle; a dinner-plate circle of the foot
# swings the leg by about 12 degrees, a shaky hold by 1 or 2.
CIRCLE_SWING_DEG = 4.0


@dataclass
class TopWatch:
    """One rep's top: `min_up_deg` is how far above where it began the leg must rise to be up
    (the rep's minimum peak); `sag_share` how far it may then sag and still be up."""

    min_up_deg: float
    sag_share: float
    floor: float | None = None  # the lift as the rep began
    top: float | None = None  # the highest lift since
    came_up: bool = False
    came_down: bool = False
    _extreme: float | None = None  # the ankle's last turning point, while circling
    _rising: bool = True
    _turns: int = 0

    @property
    def up(self) -> bool:
        return self.came_up and not self.came_down

    @property
    def circles(self) -> int:
        """Whole circles traced while the leg was up: each is a rise and a fall."""
        return self._turns // 2

    def see(self, lift: float) -> bool:
        """One frame's lift; True the moment the leg is seen to have come down."""
        if self.floor is None:
            self.floor = lift
        self.top = lift if self.top is None else max(self.top, lift)
        height = self.top - self.floor
        if not self.came_up:
            self.came_up = height >= self.min_up_deg
            return False
        if self.came_down:
            return False
        if lift < self.top - max(self.sag_share * height, MIN_SAG_DEG):
            self.came_down = True
            return True
        self._swing(lift)
        return False

    def _swing(self, lift: float) -> None:
        """Count the ankle's turning points: a rise, then a fall of CIRCLE_SWING_DEG, is one."""
        further = self._extreme is None or (lift > self._extreme) == self._rising
        if further:
            self._extreme = lift
        elif abs(lift - self._extreme) >= CIRCLE_SWING_DEG:
            self._turns += 1
            self._rising, self._extreme = not self._rising, lift

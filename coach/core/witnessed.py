"""What the camera saw of a rep, so that the coach praises, and asks for more, only from that.

A rep counted by the clock was not seen at all; a rep whose foot was never read cannot be said
to have kept the toes down, nor one whose trunk was not measured to have kept the waist long.
"""

from __future__ import annotations

from coach.core.events import Fault
from coach.core.reps import Rep
from coach.settings import Settings

# A foot held above this (degrees, + = toes toward the ceiling) is level or turned up, not
# "toes slightly down" as the article asks; one held a couple of degrees down is.
LEVEL_DEG = -1.5


def judged(rep: Rep | None, watched: frozenset[str]) -> frozenset[str]:
    """The faults the camera could have found on this rep: none when it did not see it."""
    if rep is None:
        return frozenset()
    unread = {Fault.TOES_UP} if rep.peak_rotation is None else set()
    if rep.peak_side_bend is None:
        unread.add(Fault.HIP_HIKE)
    return frozenset(watched) - unread


def toes_not_down(rep: Rep | None, faults: tuple[str, ...], settings: Settings) -> bool:
    """Whether the foot was seen held level or turned up, short of the toes-up fault (which has
    its own warning): worth "toes slightly down", unless a labral tear keeps the foot level."""
    return (
        rep is not None
        and rep.held_rotation is not None
        and rep.held_rotation > LEVEL_DEG
        and Fault.TOES_UP not in faults
        and not settings.safety.neutral_foot
    )

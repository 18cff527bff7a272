"""The markers in a real room: round markers drawn onto photographs of a gym with a red wall, a
blue mat, a wooden floor and yellow knobs on the racks, where a man lies on his side."""

from __future__ import annotations

import numpy as np
import pytest

from coach.core.geometry import abduction_deg
from coach.core.vision import LegReader
from coach.settings import Settings
from coach.sim.footage import MARKERS_BY_EYE, STILLS, still, with_markers

pytestmark = pytest.mark.skipif(not STILLS.is_dir(), reason=f"no real footage at {STILLS}")
SETTINGS = Settings()
COLOURS = SETTINGS.markers.colours()


def _read(frame: np.ndarray, frames: int = 15):
    reader = LegReader(SETTINGS)
    sighting = None
    for i in range(frames):
        sighting = reader.sight(frame, i / 15)
    return sighting


@pytest.mark.parametrize("name", sorted(MARKERS_BY_EYE))
def test_markers_worn_in_a_gym_with_a_red_wall_are_read_where_they_are(name):
    at = MARKERS_BY_EYE[name]
    sighting = _read(with_markers(still(name), at, COLOURS))
    # The red wall is purer red than the printed hip marker: the hip's colour must be learned
    # from the marker, not from the wall, or the marker goes unseen.
    assert {"shoulder", "hip", "ankle"} <= sighting.seen
    for marker in sighting.seen:
        assert np.hypot(*(sighting.markers[marker] - at[marker])) < 2.0, marker
    points = (np.array(at[marker], float) for marker in ("shoulder", "hip", "ankle"))
    assert sighting.angles is not None
    assert sighting.angles.abduction == pytest.approx(abduction_deg(*points), abs=1.0)
    # And the user is told what in the room could be taken for the hip marker.
    assert "hip" in {lookalike.marker for lookalike in sighting.lookalikes}


@pytest.mark.parametrize("name", sorted(p.name for p in STILLS.glob("*.jpg")))
def test_a_real_room_without_markers_gives_no_reading(name):
    assert _read(still(name)).angles is None

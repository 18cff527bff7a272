"""The marked body, shared by the settings, the eyes and the simulator: the five markers from
shoulder to toe, and how alike two hues may be before the tracker takes them for one."""

from __future__ import annotations

MARKER_NAMES = ("shoulder", "hip", "knee", "ankle", "toe")
SAME_HUE_COSINE = 0.97  # about 14 degrees apart: the printed colours are 30 or more apart

"""Shared fixtures: small, fast settings for sessions run on the virtual clock."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coach.settings import Settings


def quick_settings(reps: int = 3, sets: int = 1, **session: float) -> Settings:
    """Small frames and short breaks: a whole two-sided session in a fraction of a second."""
    base = Settings()
    return replace(
        base,
        session=replace(
            base.session,
            reps_per_set=reps,
            sets_per_side=sets,
            rest_between_sets_s=session.get("rest", 5.0),
            side_switch_s=session.get("switch", 6.0),
            setup_pause_s=0.5,
        ),
        camera=replace(base.camera, width=192, height=144, fps=10),
    )


@pytest.fixture
def settings() -> Settings:
    return quick_settings()

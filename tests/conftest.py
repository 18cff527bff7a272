"""Shared fixtures; the helpers they are built from are in tests/helpers.py."""

from __future__ import annotations

import pytest

from coach.settings import Settings
from tests.helpers import quick_settings


@pytest.fixture
def settings() -> Settings:
    return quick_settings()

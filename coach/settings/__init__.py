"""Validated, frozen settings: the only form in which configuration reaches the code."""

from coach.settings.load import ConfigError, load_settings, locate_config
from coach.settings.schema import (
    ButtonSettings,
    CameraSettings,
    FormSettings,
    LedSettings,
    MarkerSettings,
    SessionSettings,
    Settings,
    SpeechSettings,
    TempoSettings,
    VisionSettings,
    VoiceCommands,
    VoiceSettings,
)

__all__ = [
    "ButtonSettings",
    "CameraSettings",
    "ConfigError",
    "FormSettings",
    "LedSettings",
    "MarkerSettings",
    "SessionSettings",
    "Settings",
    "SpeechSettings",
    "TempoSettings",
    "VisionSettings",
    "VoiceCommands",
    "VoiceSettings",
    "load_settings",
    "locate_config",
]

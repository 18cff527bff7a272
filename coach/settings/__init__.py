"""Validated, frozen settings: the only form in which configuration reaches the code.

Only the schema is here, so the cores can take their settings without the TOML loader;
the entry points load a file through coach.settings.load."""

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
]

"""legcoach: an offline, voice-guided coach for the side-lying leg lift."""

__version__ = "0.1.0"

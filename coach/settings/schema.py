"""The configuration schema: every tunable, its default and what values it allows.

The defaults here are the packaged default; `config/coach.toml` documents the same values
and a test keeps the two identical.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from coach.marking import MARKER_NAMES, SAME_HUE_COSINE

LEGS = ("right", "left")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def number(lo: float, hi: float, unit: str = "") -> dict[str, Any]:
    """Field metadata for a number that must lie in [lo, hi]."""
    return {"range": (lo, hi), "unit": unit}


def one_of(*choices: str) -> dict[str, Any]:
    return {"choices": choices}


def checked(predicate: Any, allowed: str) -> dict[str, Any]:
    """Field metadata for a value checked by `predicate`; `allowed` describes valid values."""
    return {"predicate": predicate, "allowed": allowed}


def _valid_legs(value: tuple[str, ...]) -> bool:
    return 1 <= len(value) <= 2 and len(set(value)) == len(value) and set(value) <= set(LEGS)


def _valid_colour(value: str) -> bool:
    return bool(_HEX_COLOUR.match(value))


def _toml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


COLOUR = checked(_valid_colour, "a colour written #rrggbb")

# A named PCM ("default", "null", one from asound.conf), or a device plugin with plain
# arguments ("plughw:1,0", "hw:CARD=Device,DEV=0"). Nothing else: alsa-lib's own syntax can
# start a shell (the file plugin's "|command"), read any file or nest other plugins.
_ALSA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_ALSA_DEVICE_PLUGINS = ("hw", "plughw", "default", "sysdefault", "front", "dmix", "dsnoop")
_ALSA_ARGUMENT = re.compile(r"^(?:[A-Z]{2,4}=)?[A-Za-z0-9_-]{1,32}$")


def _valid_alsa_device(value: str) -> bool:
    name, colon, arguments = value.partition(":")
    if not colon:
        return bool(_ALSA_NAME.match(name))
    return name in _ALSA_DEVICE_PLUGINS and all(
        _ALSA_ARGUMENT.match(argument) for argument in arguments.split(",")
    )


ALSA_DEVICE = checked(
    _valid_alsa_device,
    'an ALSA device: "default", "null", a name from asound.conf, or a card such as '
    '"plughw:1,0" or "plughw:CARD=Device,DEV=0"',
)


@dataclass(frozen=True)
class SessionSettings:
    legs: tuple[str, ...] = field(
        default=LEGS, metadata=checked(_valid_legs, '"right", "left" or both, each once')
    )
    sets_per_side: int = field(default=2, metadata=number(1, 10))
    reps_per_set: int = field(default=15, metadata=number(1, 50))
    rest_between_sets_s: float = field(default=45.0, metadata=number(0, 600, "seconds"))
    side_switch_s: float = field(default=25.0, metadata=number(5, 300, "seconds"))
    setup_pause_s: float = field(default=2.0, metadata=number(0, 30, "seconds"))


@dataclass(frozen=True)
class TempoSettings:
    lift_s: float = field(default=2.0, metadata=number(0.5, 10, "seconds"))
    hold_s: float = field(default=2.0, metadata=number(0, 30, "seconds"))
    lower_s: float = field(default=4.0, metadata=number(0.5, 20, "seconds"))
    between_reps_s: float = field(default=1.5, metadata=number(0, 10, "seconds"))


@dataclass(frozen=True)
class FormSettings:
    max_abduction_deg: float = field(default=45.0, metadata=number(20, 80, "degrees"))
    max_rotation_deg: float = field(default=10.0, metadata=number(0, 45, "degrees"))
    max_side_bend_deg: float = field(default=8.0, metadata=number(2, 30, "degrees"))
    # Not so small that marker noise alone would reach it (see coach/core/depth.py).
    max_knee_bend_deg: float = field(default=20.0, metadata=number(10, 60, "degrees"))
    max_forward_drift_deg: float = field(default=20.0, metadata=number(10, 60, "degrees"))
    rep_min_peak_deg: float = field(default=15.0, metadata=number(5, 40, "degrees"))
    min_lower_ratio: float = field(default=1.5, metadata=number(1, 4))
    # Under the fastest lift the coach paces ("faster" stops short of it), with room for noise.
    min_lift_s: float = field(default=0.8, metadata=number(0, 5, "seconds"))
    min_hold_s: float = field(default=1.5, metadata=number(0, 10, "seconds"))
    fault_debounce_s: float = field(default=0.2, metadata=number(0, 2, "seconds"))
    warning_cooldown_s: float = field(default=8.0, metadata=number(0, 120, "seconds"))


PROGRAMS = ("leg_lifts", "holds", "circles", "clamshells", "wall_slides")


@dataclass(frozen=True)
class ProgramSettings:
    default: str = field(default="leg_lifts", metadata=one_of(*PROGRAMS))
    hold_s: float = field(default=10.0, metadata=number(3, 60, "seconds"))
    hold_reps: int = field(default=5, metadata=number(1, 30))
    circles_each_way: int = field(default=5, metadata=number(1, 20))
    circle_s: float = field(default=1.5, metadata=number(0.5, 5, "seconds"))
    circle_reps: int = field(default=2, metadata=number(1, 10))
    circle_sets: int = field(default=1, metadata=number(1, 10))
    clamshell_reps: int = field(default=15, metadata=number(1, 50))
    clamshell_sets: int = field(default=1, metadata=number(1, 10))
    wall_slide_reps: int = field(default=10, metadata=number(1, 50))


@dataclass(frozen=True)
class SafetySettings:
    condition: str = field(default="none", metadata=one_of("none", "bursitis", "labral_tear"))
    # The hip never lain on; "none" until the person says which one is sore.
    sore_side: str = field(default="none", metadata=one_of("none", *LEGS))

    @property
    def neutral_foot(self) -> bool:
        """With a labral tear, turning the toes down can pinch: the foot stays level."""
        return self.condition == "labral_tear"

    def problem(self) -> str | None:
        """A sore hip the coach would have to guess: half the time it would be lain on."""
        if self.condition == "bursitis" and self.sore_side == "none":
            return (
                'condition = "bursitis" needs sore_side, the hip you must not lie on '
                '(allowed: sore_side = "left" or "right")'
            )
        return None


@dataclass(frozen=True)
class CameraSettings:
    source: str = field(default="picamera2", metadata=one_of("picamera2", "none"))
    width: int = field(default=640, metadata=number(160, 1920, "pixels"))
    height: int = field(default=480, metadata=number(120, 1080, "pixels"))
    fps: int = field(default=15, metadata=number(2, 60, "frames per second"))
    horizontal_fov_deg: float = field(default=62.2, metadata=number(30, 140, "degrees"))
    tilt_deg: float = field(default=0.0, metadata=number(-10, 45, "degrees"))
    turn_deg: float = field(default=0.0, metadata=number(-30, 30, "degrees"))
    calibrate: bool = True
    record_sets: int = field(default=0, metadata=number(0, 1000, "sets"))
    record_min_free_mb: int = field(default=300, metadata=number(50, 100_000, "MB"))


@dataclass(frozen=True)
class VisionSettings:
    # "pose" sees the body with a pose model, "markers" follows five coloured markers, and
    # "auto" takes the pose model when its files and runtime are there.
    mode: str = field(default="auto", metadata=one_of("auto", "pose", "markers"))
    pose_model_dir: str = field(
        default="/opt/legcoach/models/blazepose",
        metadata=checked(lambda path: bool(path.strip()), "the folder of the BlazePose files"),
    )
    # With the pose model: a toe marker worn on the top foot, for a reliable toes-up check.
    toe_marker: bool = False
    # Threads the pose model's networks run on. A Pi 4 or 5 has four cores: two for the model
    # leave one for the voice recogniser and one for the rest of the coach.
    pose_threads: int = field(default=2, metadata=number(1, 8, "threads"))


@dataclass(frozen=True)
class MarkerSettings:
    shoulder: str = field(default="#ffd400", metadata=COLOUR)
    hip: str = field(default="#ff1a1a", metadata=COLOUR)
    knee: str = field(default="#00c040", metadata=COLOUR)
    ankle: str = field(default="#1e50ff", metadata=COLOUR)
    toe: str = field(default="#ff00e0", metadata=COLOUR)
    colour_tolerance: int = field(default=60, metadata=number(10, 150, "colour levels"))
    foot_to_leg_ratio: float = field(default=0.17, metadata=number(0.05, 0.4))

    def colours(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in MARKER_NAMES}

    def problem(self) -> str | None:
        """Markers are told apart by hue: a grey or black marker has none, and two of a hue
        are one marker to the tracker."""
        vectors = {name: _rgb(colour) for name, colour in self.colours().items()}
        for name, vector in vectors.items():
            if _cosine(vector, (1.0, 1.0, 1.0)) >= SAME_HUE_COSINE or sum(vector) < 128:
                return f'{name} = "{getattr(self, name)}" has no colour to find (pick a bright, '
                "saturated colour such as the defaults)"
        names = list(vectors)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                if _cosine(vectors[first], vectors[second]) >= SAME_HUE_COSINE:
                    return (
                        f'{first} = "{getattr(self, first)}" and {second} = '
                        f'"{getattr(self, second)}" are too alike to tell apart: '
                        "give each marker its own colour"
                    )
        return None


def _rgb(colour: str) -> tuple[float, float, float]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _cosine(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norms = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    return dot / norms if norms else 1.0


@dataclass(frozen=True)
class SpeechSettings:
    engine: str = field(default="auto", metadata=one_of("auto", "pyttsx3", "console"))
    voice: str = field(
        default="en",
        metadata=checked(
            re.compile(r"^[A-Za-z0-9_-]{1,40}(\+[A-Za-z0-9_-]{1,40})?$").match,
            'an espeak-ng voice name such as "en", "en-us" or "en+f3"',
        ),
    )
    rate_wpm: int = field(default=150, metadata=number(80, 300, "words per minute"))
    volume: float = field(default=0.9, metadata=number(0, 1))
    alsa_device: str = field(default="default", metadata=ALSA_DEVICE)
    verbosity: str = field(default="normal", metadata=one_of("tones", "quiet", "normal", "chatty"))


def _valid_phrases(value: tuple[str, ...]) -> bool:
    return len(value) <= 6 and all(
        phrase == " ".join(phrase.split()) and phrase and phrase == phrase.lower()
        for phrase in value
    )


PHRASES = checked(
    _valid_phrases, "up to 6 phrases (none: not by voice), lower case, one space between words"
)


@dataclass(frozen=True)
class VoiceCommands:
    """What can be said for each command; a command fires only on one whole phrase."""

    start: tuple[str, ...] = field(default=("start leg lifts",), metadata=PHRASES)
    stop: tuple[str, ...] = field(default=("stop", "stop coaching"), metadata=PHRASES)
    pause: tuple[str, ...] = field(default=("pause",), metadata=PHRASES)
    resume: tuple[str, ...] = field(default=("resume", "continue"), metadata=PHRASES)
    next_side: tuple[str, ...] = field(default=("next side",), metadata=PHRASES)
    skip_rest: tuple[str, ...] = field(default=("skip rest",), metadata=PHRASES)
    how_many: tuple[str, ...] = field(default=("how many", "how many left"), metadata=PHRASES)
    repeat: tuple[str, ...] = field(default=("repeat", "say that again"), metadata=PHRASES)
    slower: tuple[str, ...] = field(default=("slower",), metadata=PHRASES)
    faster: tuple[str, ...] = field(default=("faster",), metadata=PHRASES)
    pain: tuple[str, ...] = field(default=("it hurts", "pain", "ouch"), metadata=PHRASES)
    help: tuple[str, ...] = field(default=("help",), metadata=PHRASES)
    progress: tuple[str, ...] = field(default=("how am i doing",), metadata=PHRASES)
    quieter: tuple[str, ...] = field(default=("quieter", "talk less"), metadata=PHRASES)
    more_cues: tuple[str, ...] = field(default=("more coaching", "talk more"), metadata=PHRASES)
    start_holds: tuple[str, ...] = field(
        default=("start isometric holds", "start holds"), metadata=PHRASES
    )
    start_circles: tuple[str, ...] = field(default=("start circles",), metadata=PHRASES)
    start_clamshells: tuple[str, ...] = field(default=("start clamshells",), metadata=PHRASES)
    start_wall_slides: tuple[str, ...] = field(default=("start wall slides",), metadata=PHRASES)

    def by_command(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def problem(self) -> str | None:
        """A phrase given to two commands would make one of them unreachable; stopping must
        always be possible by voice."""
        for command in ("stop", "pain"):
            if not getattr(self, command):
                return f"{command} needs at least one phrase: it is how a session is ended at once"
        seen: dict[str, str] = {}
        for command, phrases in self.by_command().items():
            for phrase in phrases:
                if phrase in seen:
                    return f'"{phrase}" is given to both {seen[phrase]} and {command}'
                seen[phrase] = command
        return None


@dataclass(frozen=True)
class VoiceSettings:
    enabled: bool = True
    model_path: str = field(
        default="/opt/legcoach/models/vosk-model-small-en-us-0.15",
        metadata=checked(lambda path: bool(path.strip()), "the path of a Vosk model's folder"),
    )
    alsa_device: str = field(default="default", metadata=ALSA_DEVICE)
    min_confidence: float = field(default=0.6, metadata=number(0, 1))
    echo_cancellation: str = field(default="speex", metadata=one_of("speex", "off"))
    echo_tail_s: float = field(default=0.4, metadata=number(0, 3, "seconds"))
    end_silence_s: float = field(default=0.0, metadata=number(0, 1, "seconds (0: Vosk's own rule)"))
    decoys: tuple[str, ...] = field(
        default=(),
        metadata=checked(lambda words: all(" " not in w and w for w in words), "single words"),
    )
    commands: VoiceCommands = field(default_factory=VoiceCommands)


@dataclass(frozen=True)
class ButtonSettings:
    enabled: bool = True
    pin: int = field(default=17, metadata=number(2, 27, "BCM GPIO number"))
    hold_s: float = field(default=2.0, metadata=number(0.5, 10, "seconds"))


@dataclass(frozen=True)
class LedSettings:
    enabled: bool = False
    pin: int = field(default=27, metadata=number(2, 27, "BCM GPIO number"))


@dataclass(frozen=True)
class Settings:
    session: SessionSettings = field(default_factory=SessionSettings)
    tempo: TempoSettings = field(default_factory=TempoSettings)
    form: FormSettings = field(default_factory=FormSettings)
    programs: ProgramSettings = field(default_factory=ProgramSettings)
    safety: SafetySettings = field(default_factory=SafetySettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    vision: VisionSettings = field(default_factory=VisionSettings)
    markers: MarkerSettings = field(default_factory=MarkerSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    button: ButtonSettings = field(default_factory=ButtonSettings)
    led: LedSettings = field(default_factory=LedSettings)

    def problem(self) -> str | None:
        """Rules across sections: a tempo the form rules would fault on every rep, however well
        it was done, or a rep that could never count without a warning."""
        tempo, form = self.tempo, self.form
        if tempo.lower_s < form.min_lower_ratio * tempo.lift_s:
            return (
                f"tempo.lower_s = {tempo.lower_s:g} with tempo.lift_s = {tempo.lift_s:g} is "
                f"faster than form.min_lower_ratio = {form.min_lower_ratio:g} allows, so every "
                f"rep would be called rushed (allowed: lower_s at least "
                f"{form.min_lower_ratio * tempo.lift_s:g})"
            )
        if tempo.lift_s < form.min_lift_s:
            return (
                f"tempo.lift_s = {tempo.lift_s:g} is quicker than form.min_lift_s = "
                f"{form.min_lift_s:g}, so every rep would be faulted as swung up "
                f"(allowed: lift_s at least {form.min_lift_s:g})"
            )
        if tempo.hold_s < form.min_hold_s:
            return (
                f"tempo.hold_s = {tempo.hold_s:g} is shorter than form.min_hold_s = "
                f"{form.min_hold_s:g}, so every rep would be faulted for its hold "
                f"(allowed: hold_s at least {form.min_hold_s:g})"
            )
        sore = self.safety.sore_side
        if sore != "none" and sore not in self.session.legs:
            return (
                f'safety.sore_side = "{sore}" with session.legs = {_toml_list(self.session.legs)}: '
                f"each of those legs is lifted lying on the sore {sore} hip (allowed: "
                f'"{sore}" in session.legs, the leg lifted with the sore hip on top)'
            )
        if form.rep_min_peak_deg >= form.max_abduction_deg:
            return (
                f"form.rep_min_peak_deg = {form.rep_min_peak_deg:g} is not below "
                f"form.max_abduction_deg = {form.max_abduction_deg:g}, so every rep would be "
                "too high (allowed: a smaller rep_min_peak_deg)"
            )
        return None

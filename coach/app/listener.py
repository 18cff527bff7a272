"""The voice listener: one thread owns the microphone and the recogniser.

It only hands matches and device changes out through callbacks (which put them on the loop's
queue). A microphone that is missing or unplugged is reported once, then tried again with a
growing pause until it is back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from coach.adapters.audio.errors import AudioUnavailable
from coach.adapters.voice.audio import AudioSource
from coach.adapters.voice.recognizer import VoskRecognizer
from coach.core.backoff import Backoff
from coach.core.hearing import (
    Recognizer,
    SafetyAlarm,
    as_the_gate_moves,
    endpoint_for,
    next_result,
)
from coach.core.phrases import EchoGate, Heard, Match, PhraseMatcher
from coach.core.residue import EchoResidue
from coach.settings import VoiceSettings

BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


def voice_recognition(voice: VoiceSettings) -> tuple[PhraseMatcher, VoskRecognizer]:
    """The phrase matcher and the recogniser restricted to its phrases, from [voice]."""
    commands = voice.commands.by_command()
    matcher = PhraseMatcher(commands, voice.min_confidence, voice.decoys)
    safety = {name: commands[name] for name in ("stop", "pain")}
    recognizer = VoskRecognizer(voice.model_path, matcher.phrases, voice.decoys, required=safety)
    return matcher, recognizer


class VoiceListener:
    def __init__(
        self,
        open_audio: Callable[[], AudioSource],
        recognizer: Recognizer,
        matcher: PhraseMatcher,
        gate: EchoGate | None,
        speaking: Callable[[], bool],
        now: Callable[[], float],
        on_match: Callable[[Match], None],
        on_device: Callable[[bool, str], None],
        on_other: Callable[[Heard], None] = lambda heard: None,
        retry: bool = True,
        end_silence_s: float = 0.0,
        hears_through_speech: Callable[[], bool] = lambda: False,
        on_safety_heard: Callable[[], None] = lambda: None,
    ) -> None:
        self._open_audio = open_audio
        self._recognizer = recognizer
        self._matcher = matcher
        self._gate = gate
        self._speaking = speaking
        self._now = now
        self._on_match = on_match
        self._on_device = on_device
        self._on_other = on_other
        self._retry = retry
        self._endpoint = endpoint_for(end_silence_s)
        self._hears_through_speech = hears_through_speech
        self._safety_alarm = SafetyAlarm(matcher, on_safety_heard)
        # Words heard over the coach must stand out from what its echo leaves (no gate: the
        # coach is not talking into this microphone, as with a recording).
        self._residue = EchoResidue(gate.tail_s if gate is not None else 0.0)
        self._stopping = threading.Event()
        self._audio: AudioSource | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="voice", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        audio = self._audio
        if audio is not None:
            audio.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait(self, seconds: float) -> bool:
        """Pause between reconnection attempts; True means stop instead."""
        return self._stopping.wait(seconds)

    def run(self) -> None:
        """Listen until stopped or, for a recording, until its end."""
        lost = False
        backoff = Backoff(BACKOFF_S)
        while not self._stopping.is_set():
            try:
                audio = self._open_audio()
                self._audio = audio
                first = audio.read()
            except AudioUnavailable as exc:
                if not lost:
                    self._on_device(False, str(exc))
                    lost = True
                if not self._retry or self.wait(backoff.failed(self._now())):
                    return
                continue
            if lost:
                self._on_device(True, "")
                lost = False
                backoff.succeeded()
            try:
                self._listen(audio, first)
                return  # the recording ended, or we were asked to stop
            except AudioUnavailable as exc:
                if self._stopping.is_set():
                    return  # stop() closed the microphone under us
                self._on_device(False, str(exc))
                lost = True
                if not self._retry:
                    return
            finally:
                audio.close()
                self._audio = None

    def _listen(self, audio: AudioSource, chunk: bytes) -> None:
        was_open = True
        was_through = False
        while chunk and not self._stopping.is_set():
            through = self._gate is None or self._hears_through_speech()
            is_open, speaking = self._gate_open(through)
            self._hear(
                as_the_gate_moves(
                    self._recognizer, was_open, is_open, was_through, through, self._residue
                )
            )
            if is_open and not was_open and self._endpoint is not None:
                self._endpoint.reset()
            if is_open:
                # The audio owner's microphone says what its canceller heard and took out.
                self._residue.fed(chunk, speaking, getattr(audio, "cancelled", None))
                self._hear(
                    next_result(
                        self._recognizer, self._endpoint, chunk, self._matcher, self._safety_alarm
                    )
                )
            was_open, was_through = is_open, through
            chunk = audio.read()
        if not self._stopping.is_set():
            self._hear(self._recognizer.finish())

    def _gate_open(self, through: bool) -> tuple[bool, bool]:
        """Whether the microphone may be listened to, and whether the coach is talking. While
        the echo canceller is cancelling (`through`), it is always listened to."""
        if through:
            return True, self._speaking()
        now = self._now()
        speaking = self._speaking()
        return self._gate.update(now, speaking), speaking

    def _hear(self, heard: Heard | None) -> None:
        if heard is None:
            return
        match = self._matcher.match(heard) if self._residue.stands_out(heard) else None
        if match is None:
            self._on_other(heard)
        else:
            self._on_match(match)

"""The speaker that talks: one thread owns the synthesiser and the player.

`say()` only queues, so the event loop never waits on speech; a cue that pre-empts the one
playing stops the player at once. When the player fails (no aplay, a wrong device, no process
to be had) the cues are shown as text only and speech is tried again a minute later: whatever
happens to the speaker, `speaking` goes false again, so the microphone is never shut for good.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from coach.adapters.audio.errors import PlaybackFailed
from coach.adapters.speech.player import Player
from coach.adapters.speech.synth import SpeechUnavailable
from coach.core.events import Cue
from coach.core.speech_queue import SpeechQueue

log = logging.getLogger("coach.speech")
POLL_S = 0.01
START_TIMEOUT_S = 15.0
RETRY_PLAYBACK_S = 60.0


class Synth(Protocol):
    def wav_for(self, text: str) -> Path: ...

    def close(self) -> None: ...


class SpeechWorker:
    def __init__(self, make_synth: Callable[[], Synth], player: Player) -> None:
        self._player = player
        self._queue = SpeechQueue()
        self._lock = threading.Condition()
        self._cut = False
        self._closing = False
        self._text_only_until: float | None = None
        self._to_prepare: list[str] = []
        self._started = threading.Event()
        self._start_error: Exception | None = None
        self._thread = threading.Thread(
            target=self._run, args=(make_synth,), name="speech", daemon=True
        )
        self._thread.start()
        if not self._started.wait(START_TIMEOUT_S):
            raise SpeechUnavailable("the speech engine did not start in time")
        if self._start_error is not None:
            raise self._start_error

    def say(self, cue: Cue) -> None:
        with self._lock:
            if self._queue.offer(cue):
                self._cut = True
                self._player.stop()
            self._lock.notify()

    def cut(self) -> None:
        with self._lock:
            if self._queue.silence():
                self._cut = True
                self._player.stop()

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._queue.current is not None or len(self._queue) > 0

    def prepare(self, texts: list[str]) -> None:
        """Synthesise these ahead of time, between cues, so none waits on espeak-ng later."""
        with self._lock:
            self._to_prepare.extend(texts)
            self._lock.notify()

    def drain(self, timeout: float) -> bool:
        with self._lock:
            return self._lock.wait_for(
                lambda: self._queue.current is None and not len(self._queue), timeout
            )

    def close(self) -> None:
        with self._lock:
            self._closing = True
            self._player.stop()
            self._lock.notify()
        self._thread.join(timeout=5)

    def _run(self, make_synth: Callable[[], Synth]) -> None:
        try:
            synth = make_synth()
        except Exception as exc:
            self._start_error = (
                exc if isinstance(exc, SpeechUnavailable) else SpeechUnavailable(str(exc))
            )
            self._started.set()
            return
        self._started.set()
        try:
            while (cue := self._next(synth)) is not None:
                self._speak(synth, cue)
        finally:
            synth.close()

    def _next(self, synth: Synth) -> Cue | None:
        with self._lock:
            while not len(self._queue) and not self._closing:
                if self._to_prepare:
                    text = self._to_prepare.pop(0)
                    self._lock.release()
                    try:
                        synth.wav_for(text)
                    except Exception as exc:
                        log.debug("speech: could not prepare %r: %s", text, exc)
                    finally:
                        self._lock.acquire()
                    continue
                self._lock.wait()
            if self._closing:
                return None
            self._cut = False
            return self._queue.take()

    def _speak(self, synth: Synth, cue: Cue) -> None:
        try:
            self._play(synth, cue)
        except PlaybackFailed as exc:
            self._text_only(str(exc))
        finally:
            with self._lock:
                self._queue.finished()
                self._lock.notify_all()

    def _play(self, synth: Synth, cue: Cue) -> None:
        if self._text_only_until is not None and time.monotonic() < self._text_only_until:
            return
        try:
            wav = synth.wav_for(cue.text)
        except Exception as exc:
            log.warning("speech: could not synthesise %r: %s", cue.text, exc)
            return
        with self._lock:
            if self._cut or self._closing:
                return
            self._player.play(wav)
        while not self._player.wait(POLL_S):
            pass
        if self._text_only_until is not None:
            self._text_only_until = None
            log.info("speech: playing again")

    def _text_only(self, reason: str) -> None:
        if self._text_only_until is None:
            log.warning(
                "speech: %s; cues are shown as text only, and speech is tried again in %d s",
                reason,
                RETRY_PLAYBACK_S,
            )
        self._text_only_until = time.monotonic() + RETRY_PLAYBACK_S

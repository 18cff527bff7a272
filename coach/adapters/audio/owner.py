"""The audio owner: one thread plays the coach's speech and records the microphone.

Each turn records one period and keeps the speaker's buffer topped up (with speech, else
silence); every second turn the two periods go through the echo canceller beside exactly the
samples the speaker was playing meanwhile, and on to the listener. The recogniser can then
listen while the coach talks. Device trouble is
kept apart: a lost speaker makes playback fail (the speech worker falls back to text) while
the microphone goes on, and a lost microphone is reported to the listener while speech goes on.
"""

from __future__ import annotations

import logging
import queue
import threading
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from coach.adapters.audio.devices import PERIOD_FRAMES, CaptureDevice, PlaybackDevice
from coach.adapters.audio.echo import EchoCanceller
from coach.adapters.audio.errors import AudioUnavailable, PlaybackFailed
from coach.core.echo_break import EchoBreak
from coach.core.echo_check import EchoCheck, rms
from coach.core.echo_reference import EchoReference
from coach.core.endpoint import SAMPLE_RATE
from coach.core.played import PlayedSamples
from coach.core.resample import StreamResampler
from coach.core.residue import Cancelled

log = logging.getLogger("coach.audio")
FILL_PERIODS = 3  # what the speaker is kept holding: 60 ms, the delay before a cut is heard
PLAYED_MEMORY_S = 2.0  # the reference reaches back by the echo's lag and its measurement
CAPTURE_CHUNK_PERIODS = 2  # the recogniser is handed 40 ms at a time
# After a collapse the canceller is left alone this long for the lag to be found again; after
# it, the canceller goes on from the filter it had, with the lag as last found.
HOLD_PERIODS = 150
PRIME_PERIODS = 12  # the filter's length and a little more, replayed after a re-alignment
# A chunk as the listener gets it: cancelled, the microphone's RMS before, the ERLE then.
Captured = tuple[np.ndarray, float, float | None]


def read_wav(path: Path) -> np.ndarray:
    """A cue's recording as mono samples at the owner's rate."""
    try:
        with wave.open(str(path)) as wav:
            channels, rate, width = wav.getnchannels(), wav.getframerate(), wav.getsampwidth()
            data = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise PlaybackFailed(f"cannot read {path.name} ({exc})") from None
    if width != 2:
        raise PlaybackFailed(f"{path.name}: {8 * width}-bit audio; 16-bit PCM is needed")
    samples = np.frombuffer(data[: len(data) - len(data) % (2 * channels)], dtype=np.int16)
    mono = samples.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE:
        mono = StreamResampler(rate, SAMPLE_RATE).feed(mono)
    return np.clip(np.round(mono), -32768, 32767).astype(np.int16)


class AudioOwner:
    def __init__(
        self,
        open_playback: Callable[[], PlaybackDevice],
        make_canceller: Callable[[], EchoCanceller] | None,
        real_time: bool = True,
        microphone_device: str | None = None,
    ) -> None:
        """With no microphone to wait on, the owner keeps time itself; `real_time=False`
        leaves that to whoever calls step() (a simulation). `microphone_device`: the capture
        device chosen together with the speaker, if one was."""
        self.microphone_device = microphone_device
        self._open_playback = open_playback
        self._real_time = real_time
        self._make_canceller = make_canceller
        self._lock = threading.Lock()
        self._played = PlayedSamples(int(PLAYED_MEMORY_S * SAMPLE_RATE))
        self._playback: PlaybackDevice | None = None
        self._playback_error: str | None = None
        self._speech = np.zeros(0, dtype=np.int16)
        self._speech_at = 0
        self._speech_ends = 0  # the sample count written when the cue's last sample went out
        self._capture: CaptureDevice | None = None
        self._canceller: EchoCanceller | None = None
        self._captured: queue.Queue[Captured | AudioUnavailable] = queue.Queue()
        self._capture_change: tuple | None = None
        # Periods recorded, each with the speaker's position then, not yet passed on.
        self._waiting: list[tuple[np.ndarray, int]] = []
        self._reference = EchoReference(self._played, SAMPLE_RATE)
        # A new canceller knows nothing of the room: it learns while the coach talks. Until
        # it takes enough of the coach's voice out (measured, not assumed), and whenever it
        # stops doing so, the microphone is shut while the coach talks.
        self._check = EchoCheck()
        self._break = EchoBreak()
        self._warned = False
        self._held = 0  # periods the canceller has been left alone since a collapse
        self._turned = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.player = OwnedPlayer(self)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="audio", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close_capture()
        with self._lock:
            if self._playback is not None:
                self._playback.close()
            self._playback = None

    # The microphone side, for the listener. Devices change hands only inside step(), on the
    # owner's thread, so none is closed while it is being read.

    def attach_capture(self, capture: CaptureDevice) -> OwnedCapture:
        """Record from `capture` (already open) from now on; what the listener reads."""
        canceller = self._make_canceller() if self._make_canceller else None
        captured: queue.Queue[Captured | AudioUnavailable] = queue.Queue()
        with self._lock:
            self._capture_change = (capture, canceller, captured)
        return OwnedCapture(self, captured)

    def echo_settled(self) -> bool:
        """Whether the canceller is taking enough of the coach's voice out to listen through
        it; false again when it stops (a latency change, a room it cannot cancel)."""
        return self._canceller is not None and self._check.cancelling

    @property
    def erle_db(self) -> float | None:
        """The echo taken out over the coach's last two seconds of voice."""
        return self._check.erle_db

    @property
    def echo_handovers(self) -> int:
        """Times the canceller fell short and the echo gate took over."""
        return self._check.handed_over

    def detach_capture(self, captured: queue.Queue) -> None:
        captured.put(AudioUnavailable("the microphone was closed"))
        with self._lock:
            if self._captured is captured:
                self._capture_change = (None, None, queue.Queue())

    # The speaker side, for the player.

    def play(self, samples: np.ndarray) -> None:
        with self._lock:
            if self._playback is None:
                try:
                    self._playback = self._open_playback()
                except AudioUnavailable as exc:
                    raise PlaybackFailed(str(exc)) from None
                self._playback_error = None
            self._speech, self._speech_at = samples, 0
            self._speech_ends = self._played.written + len(samples)

    def stop_playing(self) -> None:
        """Silence at once: what the speaker still holds is thrown away, not played out."""
        with self._lock:
            self._clear_speech()
            playback = self._playback
            if playback is None:
                return
            try:
                queued = playback.queued()
                playback.drop()
            except AudioUnavailable as exc:
                self._lose_playback(playback, str(exc))
                return
            self._played.dropped(queued)
            self._speech_ends = self._played.written

    def wait_played(self, timeout: float) -> bool:
        """True once the cue's last sample has left the speaker (or was cut); raises
        PlaybackFailed if the speaker went meanwhile."""
        with self._turned:
            self._turned.wait_for(self._played_out, timeout)
            if self._playback_error is not None:
                error, self._playback_error = self._playback_error, None
                raise PlaybackFailed(error)
            return self._played_out()

    def _played_out(self) -> bool:
        if self._playback_error is not None:
            return True
        if self._speech_at < len(self._speech):
            return False
        queued = self._playback.queued() if self._playback is not None else 0
        return self._played.written - queued >= self._speech_ends

    def _clear_speech(self) -> None:
        self._speech, self._speech_at = np.zeros(0, dtype=np.int16), 0
        self._speech_ends = self._played.written

    # One turn of the loop; the thread runs it until closed, the benchmark calls it directly.

    def step(self) -> None:
        self._swap_capture()
        capture = self._capture
        if capture is None:
            if self._real_time:
                self._stopping.wait(PERIOD_FRAMES / SAMPLE_RATE)
            self._top_up()
        else:
            try:
                recorded = capture.read()
            except AudioUnavailable as exc:
                self._waiting = []
                self._captured.put(exc)
                with self._lock:
                    self._capture_change = (None, None, queue.Queue())
                return
            queued = self._top_up()
            with self._lock:
                self._waiting.append((recorded, self._played.written - queued))
            if len(self._waiting) == CAPTURE_CHUNK_PERIODS:
                self._pass_on()
        with self._turned:
            self._turned.notify_all()

    def _pass_on(self) -> None:
        """The waiting periods, echo cancelled, to the listener. They go together, as the
        listener reads them anyway: each step of the echo's path costs as much per call as
        per sample, and Speex's 400 ms filter takes 2.8 ms of CPU a second of audio in 40 ms
        frames against 4.0 in 20 ms ones (README, "hears you while it talks")."""
        recorded = np.concatenate([period for period, _ in self._waiting])
        with self._lock:
            reference, moved = self._reference.next(recorded, [at for _, at in self._waiting])
            past = self._reference.recent(PRIME_PERIODS * PERIOD_FRAMES) if moved else None
        self._waiting = []
        cancelled = self._cancel(recorded, reference, past)
        erle = self._check.erle_db if self._check.cancelling else None
        self._captured.put((cancelled, rms(recorded), erle))

    def _cancel(
        self,
        recorded: np.ndarray,
        reference: np.ndarray,
        past: tuple[np.ndarray, np.ndarray] | None,
    ) -> np.ndarray:
        """The recording with the coach's echo taken out. `past`: after the echo's lag moved,
        the last periods' microphone and their reference as now aligned, replayed so the
        canceller's filter (which spans them) is not fed a past out of step with its present."""
        canceller = self._canceller
        if canceller is None:
            return recorded
        if past is not None:
            self._check.forget()
            self._break.mend()
            self._held = 0
            heard, played = past
            step = len(recorded)
            for at in range(len(heard) % step, len(heard) - step + 1, step):
                canceller.process(heard[at : at + step], played[at : at + step])
        moved = self._check.collapsed or self._break.broken
        held = moved and self._held < HOLD_PERIODS
        if held:
            # The echo's path has just moved. Adapting to it would spoil the filter the
            # canceller has learnt, which fits again once the reference is re-aligned.
            self._held += len(recorded) // PERIOD_FRAMES
            cancelled = recorded
        else:
            if self._break.broken:
                self._break.mend()  # waited long enough: the canceller follows the room itself
            self._held = 0 if not self._check.collapsed else self._held
            cancelled = canceller.process(recorded, reference)
        for at in range(0, len(recorded), PERIOD_FRAMES):  # judged period by period
            part = slice(at, at + PERIOD_FRAMES)
            self._judge(recorded[part], cancelled[part], reference[part], not held)
        return cancelled

    def _judge(
        self, recorded: np.ndarray, cancelled: np.ndarray, reference: np.ndarray, processed: bool
    ) -> None:
        """One period through the checks of a break and of the echo taken out."""
        if processed:
            was_broken = self._break.broken
            broken = self._break.update(recorded, cancelled, reference, self._check.cancelling)
            if broken and not was_broken:
                self._check.forget()  # not cancelling from this period on: the gate's turn
        if self._check.update(recorded, cancelled, reference) and not self._check.cancelling:
            if not self._warned:
                log.warning(
                    "audio: the echo canceller is not taking enough of the coach's voice out "
                    "(a latency change, or a room it cannot cancel); listening between its "
                    "words until it does"
                )
            self._warned = True

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.step()

    def _swap_capture(self) -> None:
        with self._lock:
            change, self._capture_change = self._capture_change, None
        if change is None:
            return
        self._close_capture()
        self._capture, self._canceller, self._captured = change
        self._waiting = []
        self._check = EchoCheck()
        self._break = EchoBreak()

    def _close_capture(self) -> None:
        if self._capture is not None:
            self._capture.close()
        if self._canceller is not None:
            self._canceller.close()
        self._capture = self._canceller = None

    def _top_up(self) -> int:
        """Keep FILL_PERIODS in the speaker; how many samples it holds after."""
        with self._lock:
            playback = self._playback
            if playback is None:
                return 0
            try:
                queued = playback.queued()
                while queued + PERIOD_FRAMES <= FILL_PERIODS * PERIOD_FRAMES:
                    chunk = self._next_period()
                    playback.write(chunk)
                    self._played.wrote(chunk)
                    queued += PERIOD_FRAMES
            except AudioUnavailable as exc:
                self._lose_playback(playback, str(exc))
                return 0
            return queued

    def _lose_playback(self, playback: PlaybackDevice, error: str) -> None:
        """The speaker went: the cue playing fails, and play() will try to open it again."""
        log.debug("audio: %s", error)
        self._playback_error = error
        self._playback = None
        playback.close()
        self._clear_speech()

    def _next_period(self) -> np.ndarray:
        chunk = np.zeros(PERIOD_FRAMES, dtype=np.int16)
        part = self._speech[self._speech_at : self._speech_at + PERIOD_FRAMES]
        chunk[: len(part)] = part
        self._speech_at += len(part)
        return chunk


class OwnedPlayer:
    """The speech worker's player: cues go to the owner instead of to an aplay process."""

    def __init__(self, owner: AudioOwner) -> None:
        self._owner = owner

    def play(self, wav: Path) -> None:
        self._owner.play(read_wav(wav))

    def wait(self, timeout: float) -> bool:
        return self._owner.wait_played(timeout)

    def stop(self) -> None:
        self._owner.stop_playing()


class OwnedCapture:
    """The listener's audio source: the microphone with the coach's own voice taken out, and
    (`cancelled`) what the canceller heard and took out of the chunk last read."""

    def __init__(self, owner: AudioOwner, captured: queue.Queue) -> None:
        self._owner = owner
        self._captured = captured
        self.cancelled: Cancelled | None = None

    def read(self) -> bytes:
        """The next CAPTURE_CHUNK_PERIODS periods, as the owner passes them on together."""
        item = self._captured.get()
        if isinstance(item, AudioUnavailable):
            raise item
        chunk, heard, erle = item
        self.cancelled = Cancelled(heard, erle)
        return chunk.tobytes()

    def close(self) -> None:
        self._owner.detach_capture(self._captured)

"""`coach listen`: the recogniser on its own, to check a microphone or a recording."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import TextIO

from coach.adapters.audio.errors import AudioUnavailable
from coach.adapters.voice.audio import ArecordSource, AudioSource, WavSource
from coach.adapters.voice.recognizer import VoiceUnavailable
from coach.app.listener import VoiceListener, voice_recognition
from coach.core.phrases import Heard, Match
from coach.files import NotARegularFile, open_regular
from coach.settings import Settings

EXIT_UNAVAILABLE = 1


def _audio_opener(source: str | None, settings: Settings) -> Callable[[], AudioSource]:
    if source is None:
        return lambda: ArecordSource(settings.voice.alsa_device)
    if source == "-":
        return lambda: WavSource(sys.stdin.buffer, "standard input")

    def open_file() -> AudioSource:
        try:
            stream = open_regular(source)
        except NotARegularFile:
            raise AudioUnavailable(
                f"{source}: not a regular file (for a stream, pipe it in and name the source -)"
            ) from None
        except OSError as exc:
            raise AudioUnavailable(f"{source}: {exc.strerror}") from None
        return WavSource(stream, source)

    return open_file


def run_listen(settings: Settings, source: str | None, as_json: bool, out: TextIO) -> int:
    try:
        matcher, recognizer = voice_recognition(settings.voice)
    except VoiceUnavailable as exc:
        print(f"coach: voice: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    failed: list[str] = []
    started = time.monotonic()

    def on_match(match: Match) -> None:
        heard = match.heard
        if as_json:
            record = {
                "t": round(heard.start, 2),
                "type": "command",
                "command": match.command.value,
                "phrase": heard.text,
                "confidence": round(heard.confidence, 2),
            }
            print(json.dumps(record, ensure_ascii=False), file=out, flush=True)
        else:
            print(
                f"{heard.start:8.2f}s  {match.command.value:10s} "
                f'"{heard.text}" (confidence {heard.confidence:.2f})',
                file=out,
                flush=True,
            )

    def on_other(heard: Heard) -> None:
        if not as_json:
            print(f'{heard.start:8.2f}s  (not a command: "{heard.text}")', file=out, flush=True)

    def on_device(available: bool, detail: str) -> None:
        if source is not None:  # a recording is not retried: say why it could not be read
            failed.append(detail)
            message = detail
        else:
            message = "microphone is back" if available else f"{detail}; trying again"
        print(f"coach: {message}", file=sys.stderr, flush=True)

    listener = VoiceListener(
        _audio_opener(source, settings),
        recognizer,
        matcher,
        None,  # nothing is spoken here, so nothing to gate
        speaking=lambda: False,
        now=lambda: time.monotonic() - started,
        on_match=on_match,
        on_device=on_device,
        on_other=on_other,
        retry=source is None,
        end_silence_s=settings.voice.end_silence_s,
    )
    try:
        listener.run()
    except KeyboardInterrupt:
        listener.stop()
    return EXIT_UNAVAILABLE if failed else 0

"""Vosk, restricted to the configured phrases.

The model is always opened from an explicit folder: vosk's Model() without one goes looking on
the internet and may call sys.exit(). A missing, damaged or unsuitable model is reported as
VoiceUnavailable, one line, so the coach can carry on with the button.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from coach.core.endpoint import SAMPLE_RATE
from coach.core.phrases import UNKNOWN_WORD, Heard

log = logging.getLogger("coach.voice")


class VoiceUnavailable(Exception):
    """Voice commands cannot work; the message says why and what to do."""


def check_model_folder(path: Path) -> None:
    if not path.is_dir():
        raise VoiceUnavailable(f"no Vosk model at {path} (sudo ./scripts/install downloads it)")
    missing = [part for part in ("am", "conf") if not (path / part).is_dir()]
    if missing:
        raise VoiceUnavailable(
            f"{path} is not a Vosk model (it has no {' or '.join(missing)} folder); "
            "sudo ./scripts/install downloads one"
        )


class VoskRecognizer:
    def __init__(
        self,
        model_path: str,
        phrases: list[str],
        decoys: tuple[str, ...] = (),
        sample_rate: int = SAMPLE_RATE,
        required: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        """`required`: commands that must keep a phrase (name → its phrases); given, phrases
        with unknown words are left out with a warning instead of refusing them all."""
        path = Path(model_path)
        check_model_folder(path)
        try:
            import vosk
        except ImportError as exc:
            raise VoiceUnavailable(f"vosk is not installed ({exc})") from None
        vosk.SetLogLevel(-1)
        try:
            model = vosk.Model(str(path))
        except Exception:
            raise VoiceUnavailable(
                f"the Vosk model at {path} could not be loaded: it may be damaged "
                "(sudo ./scripts/install fetches it again)"
            ) from None
        words = {word for phrase in [*phrases, *decoys] for word in phrase.split()}
        unknown = sorted(word for word in words if model.vosk_model_find_word(word) < 0)
        if unknown and required is not None:
            # A phrase the model cannot say is left out, so one odd word never costs the
            # coach its ears; only the phrases that end a session are indispensable.
            log.warning(
                "voice: the speech model at %s does not know these words of [voice], so the "
                "phrases with them are left out: %s",
                path,
                ", ".join(unknown),
            )
            phrases = [p for p in phrases if all(w not in unknown for w in p.split())]
            decoys = tuple(d for d in decoys if d not in unknown)
            missing = [
                name for name, options in required.items() if not set(options) & set(phrases)
            ]
            if missing:
                raise VoiceUnavailable(
                    f"the speech model at {path} knows none of the phrases for "
                    + " or ".join(missing)
                    + ": a session must always be stoppable by voice"
                )
        elif unknown:
            raise VoiceUnavailable(
                f"the speech model at {path} does not know these words of [voice]: "
                + ", ".join(unknown)
            )
        self.phrases = phrases
        # Speech that is not a command needs somewhere else to go than the nearest command:
        # the model's unknown-word symbol where it has one, else the configured decoy words.
        if model.vosk_model_find_word(UNKNOWN_WORD) >= 0:
            grammar = [*phrases, UNKNOWN_WORD]
        else:
            grammar = [*phrases, *decoys]
        self._model = model  # the recogniser needs its model kept alive
        self._new = lambda: vosk.KaldiRecognizer(
            model, sample_rate, json.dumps(grammar, ensure_ascii=False)
        )
        self.reset()

    def feed(self, pcm: bytes) -> Heard | None:
        """Feed 16-bit mono PCM; returns a final result when an utterance has ended."""
        if self._recognizer.AcceptWaveform(pcm):
            return _heard(self._recognizer.Result())
        return None

    def partial(self) -> str:
        """The words of the utterance so far (no confidences yet)."""
        return str(json.loads(self._recognizer.PartialResult()).get("partial", ""))

    def finish(self) -> Heard | None:
        """The end of the stream: whatever was still being heard."""
        return _heard(self._recognizer.FinalResult())

    def reset(self) -> None:
        """Start afresh. A new recogniser, not Vosk's Reset(), which keeps what it has learnt of
        the voice so far: what is heard next would depend on what was heard before."""
        self._recognizer = self._new()
        self._recognizer.SetWords(True)


def _heard(result_json: str) -> Heard | None:
    result = json.loads(result_json)
    words = result.get("result") or []
    text = result.get("text", "")
    if not text or not words:
        return None
    return Heard(
        text=text,
        confidence=min(float(word["conf"]) for word in words),
        start=float(words[0]["start"]),
        end=float(words[-1]["end"]),
        confidences=tuple(float(word["conf"]) for word in words),
    )

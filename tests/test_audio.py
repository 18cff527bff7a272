"""The audio owner: the coach's speech and the microphone in one process, without Vosk.

Playback and capture run against the simulated room (a device pair on the owner's own
protocol) and, for the device layer, against ALSA's real `null` device through pyalsaaudio.
"""

import wave

import numpy as np
import pytest

from coach.adapters.audio import cards, choose
from coach.adapters.audio.devices import PERIOD_FRAMES, AlsaCapture, AlsaPlayback
from coach.adapters.audio.errors import AudioUnavailable, PlaybackFailed
from coach.adapters.audio.owner import FILL_PERIODS, AudioOwner, read_wav
from coach.core.endpoint import SAMPLE_RATE
from coach.core.played import PlayedSamples
from coach.settings import Settings
from coach.sim.room import Acoustics, Hardware, Room

# A room that hands the microphone exactly what the speaker played: what was heard is what
# was played, sample for sample.
STRAIGHT = Acoustics(0.0, 1.0, (), 0.0, 0.0, 0.0)


def straight_room():
    return Room(STRAIGHT, np.random.default_rng(0))


def tone(seconds, rate=SAMPLE_RATE, level=8000):
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.cos(2 * np.pi * 440 * t)).astype(np.int16)  # no zero to start with


def write_wav(path, samples, rate):
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return path


def record(owner, microphone, periods):
    """Run the owner for `periods` and return what the listener was given."""
    chunks = []
    for _ in range(periods // 2):
        owner.step()
        owner.step()
        chunks.append(np.frombuffer(microphone.read(), dtype=np.int16))
    return np.concatenate(chunks)


def test_the_played_samples_are_the_ones_the_speaker_was_sounding():
    played = PlayedSamples(capacity=8)
    played.wrote(np.arange(1, 6, dtype=np.int16))  # 1..5 written (places 0..4)
    assert played.at(np.arange(0.0, 3.0)).tolist() == [1, 2, 3]
    assert played.at(np.arange(-2.0, 3.0)).tolist() == [0, 0, 1, 2, 3]  # before the start
    played.wrote(np.arange(6, 12, dtype=np.int16))  # wraps round the ring: 4..11 kept
    assert played.at(np.arange(8.0, 11.0)).tolist() == [9, 10, 11]
    assert played.at(np.arange(0.0, 10.0)).tolist() == [0, 0, 0, 4, 5, 6, 7, 8, 9, 10]


def test_a_cue_is_played_whole_at_the_owners_rate_and_ends_when_its_last_sample_has_played(
    tmp_path,
):
    room = straight_room()
    owner = AudioOwner(lambda: room.speaker, None, real_time=False)
    microphone = owner.attach_capture(room.microphone)
    cue = write_wav(tmp_path / "cue.wav", tone(0.5, rate=22050), 22050)
    owner.player.play(cue)
    expected = read_wav(cue)
    assert abs(len(expected) - SAMPLE_RATE // 2) <= 1  # 22.05 kHz became 16 kHz
    heard = record(owner, microphone, 20)  # 0.4 s: the cue is still playing
    assert not owner.player.wait(0)
    heard = np.concatenate([heard, record(owner, microphone, 30)])
    assert owner.player.wait(0)
    start = int(np.flatnonzero(heard)[0])
    assert start <= FILL_PERIODS * PERIOD_FRAMES  # out within the speaker's buffer
    assert np.array_equal(heard[start : start + len(expected)], expected)
    assert not heard[start + len(expected) :].any()


def test_a_cut_cue_falls_silent_at_once(tmp_path):
    room = straight_room()
    owner = AudioOwner(lambda: room.speaker, None, real_time=False)
    microphone = owner.attach_capture(room.microphone)
    owner.player.play(write_wav(tmp_path / "long.wav", tone(3.0), SAMPLE_RATE))
    before = record(owner, microphone, 20)
    assert np.abs(before[-PERIOD_FRAMES:]).mean() > 1000  # sounding when it is cut
    owner.player.stop()
    assert not record(owner, microphone, 20).any()  # what the speaker held is thrown away
    assert owner.player.wait(0)


def test_after_a_cut_the_canceller_is_told_only_what_was_played():
    played = PlayedSamples(capacity=16)
    played.wrote(np.arange(1, 9, dtype=np.int16))  # 1..8 written; 5..8 still queued
    played.dropped(4)  # and thrown away by the cut
    played.wrote(np.array([20, 21], dtype=np.int16))
    assert played.at(np.arange(0.0, 6.0)).tolist() == [1, 2, 3, 4, 20, 21]


class FailingSpeaker:
    """A USB speaker pulled out after `writes` periods."""

    def __init__(self, writes):
        self.left = writes
        self.closed = False

    def queued(self):
        return 0

    def write(self, samples):
        if self.left == 0:
            raise AudioUnavailable("speaker 'plughw:1,0': No such device")
        self.left -= 1

    def drop(self):
        """Nothing is held."""

    def close(self):
        self.closed = True


def test_a_speaker_pulled_out_fails_the_cue_while_the_microphone_goes_on(tmp_path):
    room = straight_room()
    speakers = [FailingSpeaker(writes=5), FailingSpeaker(writes=100)]
    opened = []

    def open_speaker():
        opened.append(speakers[len(opened)])
        return opened[-1]

    owner = AudioOwner(open_speaker, None, real_time=False)
    microphone = owner.attach_capture(room.microphone)
    cue = write_wav(tmp_path / "cue.wav", tone(1.0), SAMPLE_RATE)
    owner.player.play(cue)
    record(owner, microphone, 10)
    with pytest.raises(PlaybackFailed, match="No such device"):
        owner.player.wait(0)
    assert speakers[0].closed
    assert len(record(owner, microphone, 10)) == 10 * PERIOD_FRAMES  # still listening
    owner.player.play(cue)  # the speech worker tries again later: the speaker is reopened
    assert opened == speakers


class FailingMicrophone:
    def read(self):
        raise AudioUnavailable("microphone 'plughw:2,0': No such device")

    def close(self):
        pass


def test_a_microphone_pulled_out_is_reported_to_the_listener_while_speech_goes_on(tmp_path):
    room = straight_room()
    owner = AudioOwner(lambda: room.speaker, None, real_time=False)
    microphone = owner.attach_capture(FailingMicrophone())
    owner.player.play(write_wav(tmp_path / "cue.wav", tone(0.2), SAMPLE_RATE))
    owner.step()
    with pytest.raises(AudioUnavailable, match="No such device"):
        microphone.read()
    for _ in range(30):
        owner.step()  # with no microphone the owner keeps time itself
        room.record_period()  # and the room's speaker goes on playing
    assert owner.player.wait(0)  # and the cue was played out


def test_closing_the_microphone_wakes_a_listener_waiting_on_it():
    room = straight_room()
    owner = AudioOwner(lambda: room.speaker, None, real_time=False)
    microphone = owner.attach_capture(room.microphone)
    microphone.close()
    with pytest.raises(AudioUnavailable, match="closed"):
        microphone.read()


def test_the_alsa_devices_play_and_record_on_alsas_null_device():
    pytest.importorskip("alsaaudio", reason="pip install pyalsaaudio")
    speaker, microphone = AlsaPlayback("null"), AlsaCapture("null")
    try:
        speaker.write(tone(PERIOD_FRAMES / SAMPLE_RATE))
        assert speaker.queued() >= 0
        assert len(microphone.read()) == PERIOD_FRAMES
    finally:
        speaker.close()
        microphone.close()


@pytest.mark.parametrize("device", ["hw:9,0", "plughw:CARD=Nothing"])
def test_an_alsa_device_that_is_not_there_is_one_line_naming_it(device):
    pytest.importorskip("alsaaudio", reason="pip install pyalsaaudio")
    for opener, role in ((AlsaPlayback, "speaker"), (AlsaCapture, "microphone")):
        with pytest.raises(AudioUnavailable) as caught:
            opener(device)
        assert str(caught.value).startswith(f"{role} {device!r}: ")
        assert "\n" not in str(caught.value)


def test_echo_cancellation_turned_off_or_missing_falls_back_to_the_gate(monkeypatch, caplog):
    settings = Settings()
    off = Settings(voice=type(settings.voice)(echo_cancellation="off"))
    assert choose.open_audio_owner(off) is None

    def no_library(rate):
        raise AudioUnavailable("libspeexdsp1 is missing (libspeexdsp not found)")

    monkeypatch.setattr(choose, "SpeexCanceller", no_library)
    assert choose.open_audio_owner(settings) is None
    assert "libspeexdsp1 is missing" in caplog.text
    assert "the microphone is shut while the coach talks" in caplog.text


def test_with_speex_and_alsa_installed_the_owner_is_used():
    pytest.importorskip("alsaaudio", reason="pip install pyalsaaudio")
    owner = choose.open_audio_owner(Settings())
    assert owner is not None
    owner.close()


# /proc/asound as a Pi with its headphone jack, a USB microphone and a USB speakerphone shows it.
CARDS = """\
 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones
                      bcm2835 Headphones
 1 [Device         ]: USB-Audio - USB PnP Sound Device
                      C-Media Electronics Inc. USB PnP Sound Device at usb-0000:01:00.0-1.2
 2 [Speakerphone   ]: USB-Audio - Jabra SPEAK 410 USB
                      GN Netcom A/S Jabra SPEAK 410 USB at usb-0000:01:00.0-1.3, full speed
"""
PCM = """\
00-00: bcm2835 Headphones : bcm2835 Headphones : playback 8
01-00: USB Audio : USB Audio : capture 1
02-00: USB Audio : USB Audio : playback 1 : capture 1
"""


def test_a_card_that_plays_and_records_is_preferred_when_nothing_is_named(tmp_path):
    (tmp_path / "cards").write_text(CARDS)
    (tmp_path / "pcm").write_text(PCM)
    known = cards.read_cards(tmp_path)
    speaker, microphone, said = cards.devices_for("default", "default", known)
    assert speaker == microphone == "plughw:CARD=Speakerphone,DEV=0"
    assert "one clock" in said


def test_separate_cards_are_named_as_two_clocks_and_one_card_as_one():
    known = cards.cards(CARDS, PCM)
    speaker, microphone, said = cards.devices_for("plughw:0,0", "plughw:CARD=Device,DEV=0", known)
    assert (speaker, microphone) == ("plughw:0,0", "plughw:CARD=Device,DEV=0")  # as configured
    assert "two clocks" in said and "Headphones" in said and "speakerphone" in said
    assert "one clock" in cards.devices_for("hw:2,0", "plughw:CARD=Speakerphone", known)[2]
    assert cards.devices_for("default", "plughw:1,0", known)[2] == ""  # cannot tell


def test_without_proc_asound_the_configured_devices_are_kept(tmp_path):
    assert cards.devices_for("default", "default", cards.read_cards(tmp_path)) == (
        "default", "default", ""
    )  # fmt: skip


def coach_talking(room, seconds, watch=lambda owner: None):
    """The owner and the real Speex canceller in `room`, the coach saying cues one after
    another with short pauses for `seconds`; `watch(owner)` after each 40 ms."""
    from coach.adapters.audio.echo import SpeexCanceller
    from coach.sim.voice import espeak

    cues = [espeak(text, "en", 160) for text in ("Lift your leg slowly", "Hold it", "And down")]
    owner = AudioOwner(lambda: room.speaker, lambda: SpeexCanceller(SAMPLE_RATE), real_time=False)
    microphone = owner.attach_capture(room.microphone)
    owner.play(np.zeros(0, dtype=np.int16))
    said, next_at = 0, 0.2
    while room.seconds() < seconds:
        if room.seconds() >= next_at and owner.wait_played(0):
            owner.play(cues[said % len(cues)])
            next_at = room.seconds() + len(cues[said % len(cues)]) / SAMPLE_RATE + 0.3
            said += 1
        record(owner, microphone, 2)
        watch(owner)
    return owner


def test_a_usb_speaker_on_its_own_clock_has_its_echo_cancelled():
    # 200 ppm apart, the speaker's fill known to a 1 ms packet: whole-sample alignment left
    # about 1 dB of echo removal here, and the microphone shut while the coach talks.
    rng = np.random.default_rng(11)
    room = Room(Acoustics.random(rng), rng, Hardware(clock_ppm=-200.0, packet=16))
    owner = coach_talking(room, 45.0)
    assert owner.echo_settled() and owner.erle_db >= 15.0


def test_a_small_speaker_clipping_the_coachs_peaks_has_its_echo_cancelled():
    # Its curve is not in the played samples: fed them as they are, Speex took about 10 dB
    # out here, too little to listen through the coach's voice.
    rng = np.random.default_rng(13)
    room = Room(Acoustics.random(rng), rng, Hardware(highpass_hz=150.0, clip=6000.0))
    owner = coach_talking(room, 30.0)
    assert owner.echo_settled() and owner.erle_db >= 20.0


def test_after_a_latency_jump_the_coach_listens_between_its_words_until_it_cancels_again(
    caplog,
):
    rng = np.random.default_rng(12)
    room = Room(Acoustics.random(rng), rng, Hardware(packet=16, jump_at_s=35.0, jump_s=0.08))
    settled, removed = [], []
    coach_talking(
        room,
        55.0,
        lambda owner: (
            settled.append((room.seconds(), owner.echo_settled())),
            removed.append((room.seconds(), owner.erle_db)),
        ),
    )
    assert all(ok for t, ok in settled if 33.0 <= t < 35.0)  # cancelling before the jump
    # Noticed within a few loud periods of the coach's voice meeting the moved echo (by
    # 35.52 s here; the ERLE medians alone took until 35.8 s): no stretch of uncancelled echo
    # is listened to as if it were cancelled.
    assert not any(ok for t, ok in settled if 35.6 <= t < 37.0)
    # Re-aligned with the filter it had: listening through speech again within 3.5 s of the
    # jump (here 2.5 s; it waited 8.4 s for 100 periods past the double-talk filter), and only
    # while the echo taken out is enough.
    assert all(ok for t, ok in settled if t >= 38.5)
    after = zip(settled, removed, strict=True)
    listened = [erle for (t, ok), (_, erle) in after if ok and t >= 35.0]
    assert listened and min(erle or 0.0 for erle in listened) >= 15.0
    # The filter was not spoilt by adapting to the moved echo: re-aligned, it cancels at once.
    realigned = next(t for t, erle in removed if t > 35.0 and erle is None)
    soon = [erle for t, erle in removed if realigned + 0.8 <= t < realigned + 3.0 and erle]
    assert soon and min(soon) >= 15.0


def test_the_rooms_speaker_runs_on_its_own_clock_and_reports_to_a_packet():
    room = Room(STRAIGHT, np.random.default_rng(0), Hardware(clock_ppm=500.0, packet=16))
    owner = AudioOwner(lambda: room.speaker, None, real_time=False)
    microphone = owner.attach_capture(room.microphone)
    owner.play(tone(30.0))
    record(owner, microphone, 1500)  # 30 s of the microphone's clock
    played = owner._played.written - room.queued()  # what the speaker reports it has played
    assert abs(played - 1500 * PERIOD_FRAMES * (1 + 500e-6)) <= 2 * 16 + PERIOD_FRAMES
    assert room.queued() % 16 == 0


def test_a_small_speaker_loses_its_bass_and_a_living_room_rings_for_its_rt60():
    small = Room(STRAIGHT, np.random.default_rng(0), Hardware(highpass_hz=150.0))
    for hz, least, most in ((50, 0.0, 0.15), (1000, 0.95, 1.05)):
        t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
        small.write((8000 * np.sin(2 * np.pi * hz * t[:2000])).astype(np.int16))
        heard = np.concatenate([small.record_period() for _ in range(6)])[640:]
        assert least <= np.abs(heard).max() / 8000 <= most, hz
    rng = np.random.default_rng(1)
    response = Acoustics.living_room(rng, 0.6).impulse_response(rng)
    energy = np.cumsum(response[::-1] ** 2)[::-1]  # Schroeder's backward integral
    decay_db = 10 * np.log10(energy / energy[0] + 1e-12)
    start = int(np.argmax(np.abs(response)))
    t20 = np.flatnonzero(decay_db < -25)[0] - np.flatnonzero(decay_db < -5)[0]
    assert 0.45 <= 3 * t20 / SAMPLE_RATE <= 0.75  # RT60 from the -5 to -25 dB slope
    assert start < 0.05 * SAMPLE_RATE


def _ringing_room_heard(canceller, seconds=30.0):
    """The coach saying "Lift, and breathe out." with a second's pause between, in a living
    room ringing 0.6 s (RT60): the room, and what the listener was given per 20 ms (RMS)."""
    from coach.sim.voice import espeak

    rng = np.random.default_rng(20)
    acoustics = Acoustics.living_room(rng, 0.6)
    room = Room(acoustics, rng, Hardware())
    cue = espeak("Lift, and breathe out.", "en", 160)
    owner = AudioOwner(lambda: room.speaker, canceller, real_time=False)
    microphone = owner.attach_capture(room.microphone)
    owner.play(np.zeros(0, dtype=np.int16))
    heard, next_at = [], 1.0
    while room.seconds() < seconds:
        if room.seconds() >= next_at and owner.wait_played(0):
            owner.play(cue)
            next_at = room.seconds() + len(cue) / SAMPLE_RATE + 1.0
        heard.append(record(owner, microphone, 2))
    owner.close()
    periods = np.concatenate(heard).astype(np.float64).reshape(-1, PERIOD_FRAMES)
    return acoustics, np.sqrt(np.mean(periods**2, axis=1))


def test_a_living_rooms_ringing_after_the_coachs_words_is_cancelled_nearly_to_the_hiss():
    # After "Lift," and after the cue the room rings on from the words. A 200 ms filter left
    # that ringing 10 dB above the hiss here (RT60 0.6 s), and in the bench's reverberant room
    # the recogniser heard "stop" and "it hurts" in it several times an hour.
    from coach.adapters.audio.echo import SpeexCanceller

    acoustics, ringing = _ringing_room_heard(None)
    _, left = _ringing_room_heard(lambda: SpeexCanceller(SAMPLE_RATE))
    hiss = acoustics.noise_rms
    # The last 10 s, once Speex has learnt the room: the periods where the room still rings.
    fading = (np.arange(len(ringing)) >= len(ringing) - 500) & (
        (ringing > 1.5 * hiss) & (ringing < 8 * hiss)
    )
    assert fading.sum() >= 30
    above_hiss_db = 10 * np.log10(np.mean(left[fading] ** 2) / hiss**2)
    assert above_hiss_db <= 8.5


def test_the_listener_is_told_what_the_canceller_heard_and_took_out():
    # Words heard over the coach are judged against how far below the microphone the
    # canceller leaves its echo (coach/core/residue.py): each chunk the listener reads comes
    # with the microphone's level before cancellation, and the ERLE once it is trusted.
    from coach.adapters.audio.echo import SpeexCanceller

    rng = np.random.default_rng(1)
    room = Room(Acoustics.random(rng), rng)
    owner = AudioOwner(lambda: room.speaker, lambda: SpeexCanceller(SAMPLE_RATE), False)
    microphone = owner.attach_capture(room.microphone)
    owner.play(np.round(rng.normal(0, 3000, 12 * SAMPLE_RATE)).astype(np.int16))
    record(owner, microphone, 2)
    assert microphone.cancelled.erle_db is None  # not trusted before it has learnt the room
    record(owner, microphone, 500)  # white noise: Speex takes a while over it
    assert owner.echo_settled()
    out = record(owner, microphone, 2).astype(np.float64)
    told = microphone.cancelled
    assert told.erle_db == owner.erle_db and told.erle_db >= 15.0
    taken_out = 20 * np.log10(told.microphone_rms / np.sqrt(np.mean(out**2)))
    assert taken_out >= 15.0  # the microphone's level before the echo was taken out


def test_with_the_coach_silent_longer_than_its_filter_the_microphone_passes_untouched():
    # Three quarters of a session the coach is silent: nothing to cancel, no work done.
    # Its filter is kept: the coach's next words are cancelled at once.
    from coach.adapters.audio.echo import SpeexCanceller

    rng = np.random.default_rng(5)
    speex = SpeexCanceller(SAMPLE_RATE)

    def through(seconds, talking):
        played = np.round(rng.normal(0, 3000 * talking, seconds * SAMPLE_RATE))
        echo = np.convolve(played, [0.0] * 40 + [0.6, 0.2, -0.1])[: len(played)]
        heard = np.round(echo + rng.normal(0, 50, len(echo))).astype(np.int16)
        frame = 2 * PERIOD_FRAMES
        out = [
            speex.process(heard[at : at + frame], played[at : at + frame].astype(np.int16))
            for at in range(0, len(heard), frame)
        ]
        return heard, np.concatenate(out)

    through(8, talking=True)
    heard, out = through(1, talking=False)
    assert np.array_equal(out[SAMPLE_RATE // 2 :], heard[SAMPLE_RATE // 2 :])
    heard, out = through(1, talking=True)
    taken_db = 10 * np.log10(np.mean(heard.astype(float) ** 2) / np.mean(out.astype(float) ** 2))
    assert taken_db >= 20.0

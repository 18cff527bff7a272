"""The camera going missing, unplugged, busy and back, mid-session, on the virtual clock.

picamera2 cannot be imported off a Pi and has no mock of its own, so a stand-in class with its
constructor and capture calls plays the camera, showing the simulated athlete.
"""

from coach.adapters.camera import CameraUnavailable, Picamera2Source
from coach.adapters.clock import VirtualClock
from coach.adapters.frames import ReconnectingFrames
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.loop import CoachLoop
from coach.core.events import Command, DeviceChanged, RepCounted
from coach.core.session import Coach
from coach.core.vision import LegReader
from coach.sim.athlete import Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera
from tests.helpers import quick_settings


class Unplugged(RuntimeError):
    pass


class FakePicamera2:
    """Opens as told by `plan` (an exception, or how many frames to give before failing)."""

    def __init__(self, plan, scene, clock):
        self._plan, self._scene, self._clock = plan, scene, clock
        self.opened, self.closed = 0, 0

    def __call__(self):
        step = self._plan.pop(0) if self._plan else None
        if isinstance(step, Exception):
            raise step
        self.opened += 1
        return _Camera(self, step)


class _Camera:
    def __init__(self, owner, frames_left):
        self._owner, self._left = owner, frames_left
        self.config = None

    def create_video_configuration(self, main, controls):
        assert main["format"] == "RGB888"
        return {"main": main, "controls": controls}

    def configure(self, config):
        self.config = config

    def start(self):
        pass

    def capture_array(self, name, wait):
        assert name == "main" and wait is False
        return "job"

    def wait(self, job, timeout):
        assert timeout is not None  # never block forever
        if self._left is not None:
            if self._left == 0:
                raise Unplugged("Camera frontend has timed out!")
            self._left -= 1
        return self._owner._scene.read(self._owner._clock.now())

    def close(self):
        self._owner.closed += 1


def _session(plan):
    settings = quick_settings(reps=3)
    clock = VirtualClock()
    athlete = SimulatedAthlete(Script())
    scene = SimulatedCamera(
        athlete, 192, 144, settings.markers.colours(), settings.markers.foot_to_leg_ratio
    )
    picamera2 = FakePicamera2(plan, scene, clock)
    events = []
    holder = []
    frames = ReconnectingFrames(
        lambda: Picamera2Source(192, 144, 10, picamera2_class=picamera2),
        lambda available, detail: holder[0].device_changed("camera", available, detail),
    )
    loop = CoachLoop(
        Coach(settings), clock, ConsoleSpeaker(), frames, LegReader(settings), fps=10,
        hold_s=2.0, sinks=[athlete.on_event, events.append],
    )  # fmt: skip
    holder.append(loop)
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=2000)
    frames.close()
    return events, picamera2


def test_a_camera_missing_at_start_means_tempo_only_coaching_said_once():
    events, picamera2 = _session([IndexError("list index out of range")] * 1000)
    lost = [e for e in events if isinstance(e, DeviceChanged)]
    assert [(e.device, e.available) for e in lost] == [("camera", False)]
    assert "no camera found" in lost[0].detail
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert len(reps) == 6 and all(r.peak_angle == 0.0 for r in reps)  # counted by the clock
    said = [e.text for e in events if getattr(e, "kind", "") == "cue"]
    assert sum("can't see" in text for text in said) == 1
    assert picamera2.opened == 0


def test_a_camera_unplugged_mid_set_is_retried_and_used_again_when_back():
    busy = RuntimeError("Camera __init__ sequence did not complete.")
    events, picamera2 = _session([120, busy, busy, None])
    changes = [(e.device, e.available) for e in events if isinstance(e, DeviceChanged)]
    assert changes == [("camera", False), ("camera", True)]
    back_at = next(e.t for e in events if isinstance(e, DeviceChanged) and e.available)
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert len(reps) == 6
    assert all(25 < r.peak_angle < 35 for r in reps if r.t > back_at + 10)  # seen again
    assert picamera2.opened == 2 and picamera2.closed == 2  # every camera opened was closed


def test_the_reason_a_camera_failed_is_put_plainly():
    busy = RuntimeError("Camera __init__ sequence did not complete.")
    for error, words in ((IndexError("x"), "no camera found"), (busy, "the camera is busy")):
        try:
            Picamera2Source(640, 480, 15, picamera2_class=FakePicamera2([error], None, None))
        except CameraUnavailable as exc:
            assert words in str(exc)
        else:
            raise AssertionError("no error")


def test_off_a_pi_the_camera_says_how_to_get_picamera2():
    try:
        Picamera2Source(640, 480, 15)
    except CameraUnavailable as exc:
        assert "python3-picamera2" in str(exc) and "--system-site-packages" in str(exc)
    else:
        raise AssertionError("picamera2 imported off a Pi")

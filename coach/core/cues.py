"""Everything the coach says, in one place, so wording can be reviewed and changed together."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from coach.core.events import Fault
from coach.core.sore_hip import worked_legs
from coach.marking import MARKER_NAMES
from coach.settings import Settings

if TYPE_CHECKING:
    from coach.core.vision import Sighting

NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)


def speaking_time(text: str, words_per_minute: int) -> float:
    """Roughly how long `text` takes to say, so the next instruction does not talk over it."""
    return len(text.split()) * 60.0 / words_per_minute


def say_number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def other_leg(side: str) -> str:
    return "left" if side == "right" else "right"


def setup_cues(side: str, sore_side: str = "none") -> list[str]:
    """First set of the session: get the body in place before the first lift. With a sore hip
    (`sore_side`, whose leg is the one on top), which side to lie on, and why."""
    lying = other_leg(side)
    sore = [] if sore_side == "none" else [sore_hip(sore_side)]
    mat = f"with the sore {side} hip on top, off the mat" if sore else "on a firm mat"
    return [
        *sore,
        f"Let's set up. Lie on your {lying} side {mat}, facing the camera, "
        "and rest your head on your lower arm.",
        "Make one straight line from your ear through your hip to your ankle, hips stacked one "
        "above the other. Bend the bottom knee if it helps you balance; keep the top leg "
        "straight.",
    ]


def sore_hip(side: str) -> str:
    return (
        f"Your {side} hip is sore, so today we work only your {side} leg, and you never lie on "
        "that hip."
    )


CLAMSHELL_BODY = (
    "Stack your hips one above the other and bend both knees to about a right angle, "
    "your feet together and in line with your back."
)


def clamshell_setup_cues(side: str, sore_side: str = "none") -> list[str]:
    """As for the leg lift, but the body's last line has both knees bent and no leg straight."""
    return [*setup_cues(side, sore_side)[:-1], CLAMSHELL_BODY]


def clamshell_side_setup_cues(side: str) -> list[str]:
    """After switching sides: no toes to turn, no leg to reach long."""
    return [f"Hips stacked, knees bent, feet together, {side} leg on top."]


CALIBRATE = "Point the toes of your top foot straight ahead, foot level, and keep still."
CALIBRATE_LIFT = "Now raise that leg a little, toes still pointing ahead, and hold it there."
CALIBRATED = "Thank you. Lower the leg."
LIE_STILL = "Now lie still for a few seconds, so I can see how the camera looks at you."
NOT_CALIBRATED = (
    "Lower the leg. I couldn't see your foot well enough, so I'll go by the camera settings."
)
CAMERA_LOW = (
    "One thing for next time: the camera sits too low for me to see a bent knee or a leg "
    "swinging forward. Put it higher, looking down at you."
)


def camera_unmeasured(tilt_deg: float) -> str:
    """The pose model has not yet seen the body lie still long enough to measure the camera:
    what its angles rest on until then, said once (never a silent guess)."""
    return (
        "I couldn't yet see how far down the camera looks, so until I can I'll take the "
        f"{round(tilt_deg)} degrees in the settings."
    )


def turn_unmeasured(turn_deg: float) -> str:
    """The pose model cannot see how far the camera is turned from square on, and the turn
    moves the angles read (on a real video a 20-degree turn read peaks 4 degrees higher):
    what they rest on, said once (never a silent 0)."""
    return (
        "I can't see how far the camera is turned from square on, so I'll take the "
        f"{round(turn_deg)} degrees in the settings. Set it there if the camera is turned."
    )


def foot_cue(neutral_foot: bool) -> str:
    """How to hold the foot through the set: toes slightly down, or level where that hurts."""
    if neutral_foot:
        return (
            "Keep the foot level, toes facing forward, and think of reaching that leg long, "
            "away from your body."
        )
    return (
        "Now turn the top toes a little toward the floor, and think of reaching that leg long, "
        "away from your body."
    )


def side_setup_cues(side: str, neutral_foot: bool) -> list[str]:
    """A shorter reminder after switching sides."""
    foot = "Keep the foot level, toes facing forward." if neutral_foot else "Toes a little down."
    return [
        f"Body in one straight line, hips stacked, {side} leg on top. {foot} "
        "Reach the leg long before you lift."
    ]


def set_intro(side: str, set_no: int, sets: int, reps: int) -> str:
    return f"{side.capitalize()} leg, set {say_number(set_no)} of {say_number(sets)}: {reps} reps."


LIFT = "Lift, and breathe out."
CIRCLES_SETUP = (
    "At the top of each lift, draw small, slow circles with your foot, about the size of a "
    "dinner plate: first forward, then back."
)
CLAMSHELL_SETUP = (
    "The markers can't show me your knee opening, so I'll count these by the clock and "
    "won't judge them: open the top knee when I say open, and close it when I say close."
)
CLAMSHELL_SEEN_SETUP = (
    "I'll count each time your top knee opens and closes, and watch that your feet stay together."
)
CLAMSHELL_OPEN = "Open the top knee, feet together, and breathe out."
CLAMSHELL_CLOSE = "Close, slowly."
WALL_SLIDE_SETUP = (
    "Lie with your back and your top heel against a wall, and keep the heel touching it "
    "all the way up and down."
)
WALL_SLIDE_UP = "Slide the heel up the wall, and breathe out."
WALL_SLIDE_DOWN = "Slide it down, slowly."
BURSITIS_HOLDS = (
    "Your settings say to go easy on a sore hip, so we'll do isometric holds instead: "
    "lift, hold still, and lower."
)
HOLD = "Hold."
LOWER = "Now lower, slowly."
# At the quietest, tones instead of words: the speech adapter plays these names as tones.
TONE_LIFT = "(rising tone)"
TONE_HOLD = "(steady tone)"
TONE_LOWER = "(falling tone)"
TONES = (TONE_LIFT, TONE_HOLD, TONE_LOWER)
LAST_THREE = "Last three."
CLEAN_STREAK = "Smooth and steady."
# Said with the count when the rep before had this fault and the camera saw this one without
# it: what the person did, in the past, so it is never heard as the next order.
PRAISE_FOR_FIXING = {
    Fault.TOO_HIGH: "That one stayed at a good height.",
    Fault.TOES_UP: "That time the toes stayed down, good.",
    Fault.HIP_HIKE: "That time the waist stayed long, good.",
    Fault.KNEE_BEND: "That time the knee stayed straight, good.",
    Fault.FORWARD_DRIFT: "That time the leg stayed in line, good.",
    Fault.FAST_LOWER: "That one came down slowly, good.",
    Fault.NO_HOLD: "That was a good hold.",
    Fault.FAST_LIFT: "That one went up smoothly, good.",
    Fault.FEET_APART: "That time the feet stayed together, good.",
}
# With a labral tear the foot is kept level: toes that stop turning up are praised for that.
FOOT_LEVEL_AGAIN = "Good: the foot stayed level."


def praise_for_fixing(fault: str, neutral_foot: bool, program: str = "leg_lifts") -> str | None:
    """Praise for a fault the rep before had and this one did not; None: nothing to praise."""
    if fault in PROGRAM_WORDS.get(program, {}):
        return PROGRAM_WORDS[program][fault].praise
    if fault == Fault.TOES_UP and neutral_foot:
        return FOOT_LEVEL_AGAIN
    return PRAISE_FOR_FIXING.get(fault)


QUIETER = "Fewer words."
TONES_ONLY = "Tones only, and the count."
MORE_CUES = "More coaching."
MOST_CUES = "Every cue in full."
# Warnings interrupt a rep: each is a second or so of voice (at most 1.5 s), so it never
# outlasts the phase it corrects nor pushes the next tempo cue late.
TOO_HIGH = "Not so high."
TOES_UP = "Toes down."
TOES_UP_NEUTRAL = "Foot level."
HIP_HIKE = "Waist long."
KNEE_BEND = "Knee straight."
FORWARD_DRIFT = "Leg back in line."
FAST_LOWER = "Lower more slowly."
NO_HOLD = "Hold at the top."
FAST_LIFT = "Slower on the way up."
# Not a fault: the foot was level or turned up a little, short of the toes-up limit.
TOES_SLIGHTLY_DOWN = "Toes slightly down."
FEW_CIRCLES = "Draw a whole circle with each count."
# Said the moment the leg is seen down before "lower": the countdown or the circles stop there.
HOLD_CAME_DOWN = "Your leg came down early. Next time, keep it up until I say lower."
HOLD_SHORT = "That hold was short. Lift with me, and keep it up until I say lower."
CIRCLES_CAME_DOWN = (
    "Your leg came down before the circles were done. Next time, keep it up until I say lower."
)
FEET_APART = "Feet together."


class FaultWords(NamedTuple):
    """A fault in one program's words: the warning, the praise once it is gone, and its name in
    a sentence ("the fault that came up most was ...")."""

    warning: str
    praise: str
    named: str


# Where a program's movement has its own words for a fault (a clamshell's knee opens and
# closes, it is not lifted and lowered; a wall slide's heel leaves the wall).
PROGRAM_WORDS = {
    "clamshells": {
        Fault.FAST_LIFT: FaultWords(
            "Open more slowly.", "That one opened smoothly, good.", "opening the knee too fast"
        ),
        Fault.FAST_LOWER: FaultWords(
            "Close more slowly.", "That one closed slowly, good.", "letting the knee fall shut"
        ),
        Fault.NO_HOLD: FaultWords(
            "Hold it open.", "That one stayed open, good.", "not holding the knee open"
        ),
    },
    "wall_slides": {
        Fault.FORWARD_DRIFT: FaultWords(
            "Heel back on the wall.",
            "That time the heel stayed on the wall, good.",
            "letting the heel leave the wall",
        ),
        Fault.FAST_LOWER: FaultWords(
            "Slide down more slowly.", "That one slid down slowly, good.", "sliding down too fast"
        ),
    },
}
NO_VISION = "I can't see your markers, so I'll keep count for you."
NO_BODY_SEEN = "I can't see you lying on your side, so I'll keep count for you."
SAT_UP = "Take your time. Lie back down on your side when you're ready, and we'll carry on."
TOE_MARKER_HINT = (
    "I'll check your toes only when I see your foot clearly. For a check on every lift, "
    "wear the toe marker on your top foot."
)
PAUSED = "Paused. Press the button or say resume when you're ready."
RESUMED = "Resuming. Get back in line."
STOPPED = "Stopping here. Well done for today."
PAIN = (
    "Stopping now. Never push through sharp pain. Next time, try holding the leg still at the "
    "top instead of lifting it, and if the pain keeps coming back, see a physiotherapist."
)
# The first words of the session after a pain stop.
AFTER_PAIN = "Last time you stopped because it hurt"
STOP_IF_IT_HURTS = "If it hurts again, say it hurts and we stop at once."


def after_pain_instead(asked: str, instead: str) -> str:
    return f"{AFTER_PAIN}, so today we go gentler: {instead} instead of {asked}. {STOP_IF_IT_HURTS}"


def after_pain_fewer(title: str, reps: int, usual: int) -> str:
    """Holds today after a pain stop: fewer of them, or with one a set already, a plea to go
    gently."""
    if reps >= usual:
        return f"{AFTER_PAIN}, so go gently today. {STOP_IF_IT_HURTS}"
    return (
        f"{AFTER_PAIN}, so today we go gentler: {title}, {say_number(reps)} a set instead of "
        f"{say_number(usual)}. {STOP_IF_IT_HURTS}"
    )


NOT_STARTED = "We haven't started yet."
READY = "Leg lift coach ready. Say start leg lifts, or press the button."


def how_many(done: int, target: int) -> str:
    return f"{say_number(done).capitalize()} done, {say_number(target - done)} to go."


def next_set(side: str, set_no: int) -> str:
    return f"Resting. Next is the {side} leg, set {say_number(set_no)}."


def tempo_changed(faster: bool, lift_s: float, lower_s: float) -> str:
    word = "Faster" if faster else "Slower"
    return f"{word}: lift for {lift_s:g} seconds, lower for {lower_s:g}."


def tempo_limit(faster: bool) -> str:
    return "That's as fast as I'll count." if faster else "That's as slow as I'll count."


def help_text(phrases: dict[str, tuple[str, ...]]) -> str:
    said = [f'"{options[0]}"' for options in phrases.values() if options]
    return "You can say " + ", ".join(said[:-1]) + f", or {said[-1]}. Or press the button."


def device_changed(device: str, available: bool) -> str:
    if device == "microphone":
        return (
            "I can hear you again."
            if available
            else "I can't hear you right now; use the button to start, pause or stop."
        )
    if device == "voice":
        return "Voice commands are on." if available else "Voice commands are off; use the button."
    if device == "camera":
        return "I can see you again." if available else "I can't see you; I'll keep time for you."
    return f"The {device} is back." if available else f"The {device} is not working."


def cannot_see(markers: list[str]) -> str:
    if len(markers) == 5:
        return "I can't see any markers. Check the camera is pointing at you and the room is lit."
    plural = "markers" if len(markers) > 1 else "marker"
    return f"I can't see your {_listed(markers)} {plural}."


def _listed(names: list[str]) -> str:
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


# What the pose model could not see, as a part of the body and what to do about it.
BODY_PARTS = {"shoulder": "shoulders", "hip": "hips", "knee": "knees", "ankle": "feet"}


def cannot_see_body(missing: list[str]) -> str:
    if len(missing) == len(BODY_PARTS):
        return (
            "I can't see you. Lie on your side facing the camera, your whole body in view, "
            "and check the room is lit."
        )
    parts = _listed([BODY_PARTS[name] for name in missing])
    return f"I can't see your {parts}: move the camera back until all of you is in view."


AT_THE_EDGE = "You're at the edge of the picture: move the camera back a little."
CROOKED = "Straighten your body: ear, hip and ankle in one line."


def lookalike(marker: str, colour: str, spare: str | None) -> str:
    instead = (
        f", or wear the {spare} spare on your {marker} instead (coach markers --spares)"
        if spare
        else ""
    )
    return (
        f"Something {colour} in view looks like your {marker} marker: cover it or move it{instead}."
    )


def roll_to(side: str) -> str:
    return f"Roll over, please: this set is for your {side} leg, so lie with it on top."


NOT_COUNTED = {
    "clamshell": "That was a clamshell, so I didn't count it: keep the knee straight and lift "
    "the whole leg.",
    "arm_raise": "That was your arm, so I didn't count it: keep it still and lift the top leg.",
    "trunk_rise": "Your trunk came up, so I didn't count that: keep your side on the floor and "
    "lift only the leg.",
    "leg_lift": "That was a straight-leg lift, so I didn't count it: keep your feet together "
    "and open the knee.",
}


def framing_advice(problem: str, sighting: Sighting, side: str) -> str:
    """What to say for one of Sighting.framing_problems(), or "other_side"."""
    if problem == "missing":
        if sighting.kind == "pose":
            return cannot_see_body(sighting.missing)
        return cannot_see(sighting.missing)
    if problem == "other_side":
        return roll_to(side)
    return {"edge": AT_THE_EDGE, "crooked": CROOKED}[problem]


def warning_text(fault: str, neutral_foot: bool, program: str = "leg_lifts") -> str:
    if fault in PROGRAM_WORDS.get(program, {}):
        return PROGRAM_WORDS[program][fault].warning
    if fault == Fault.TOES_UP:
        return TOES_UP_NEUTRAL if neutral_foot else TOES_UP
    return {
        Fault.TOO_HIGH: TOO_HIGH,
        Fault.HIP_HIKE: HIP_HIKE,
        Fault.KNEE_BEND: KNEE_BEND,
        Fault.FORWARD_DRIFT: FORWARD_DRIFT,
        Fault.FAST_LOWER: FAST_LOWER,
        Fault.NO_HOLD: NO_HOLD,
        Fault.FAST_LIFT: FAST_LIFT,
        Fault.FEW_CIRCLES: FEW_CIRCLES,
        Fault.FEET_APART: FEET_APART,
    }[fault]


def set_done(set_no: int) -> str:
    return f"That's set {say_number(set_no)}."


def rest(seconds: float) -> str:
    return f"Rest for {seconds:.0f} seconds and let the leg relax."


REST_ENDING = "Ten seconds. Get ready."


def switch_sides(next_side: str, move_markers: bool = True) -> str:
    markers = f", and move the markers to your {next_side} leg" if move_markers else ""
    return (
        f"Switch sides. Roll over to lie facing the camera with your {next_side} leg on top"
        f"{markers}."
    )


FAULT_WORDS = {
    Fault.TOO_HIGH: "going too high",
    Fault.TOES_UP: "toes turning up",
    Fault.FAST_LOWER: "dropping the leg",
    Fault.HIP_HIKE: "hitching the hip",
    Fault.KNEE_BEND: "bending the knee",
    Fault.FORWARD_DRIFT: "letting the leg drift forward",
    Fault.NO_HOLD: "skipping the hold",
    Fault.FAST_LIFT: "swinging the leg up",
    Fault.FEW_CIRCLES: "drawing too few circles",
    Fault.FEET_APART: "letting the feet come apart",
}


def fault_words(fault: str, program: str) -> str:
    """A fault as named in a sentence, in the program's own words where it has them."""
    if fault in PROGRAM_WORDS.get(program, {}):
        return PROGRAM_WORDS[program][fault].named
    return FAULT_WORDS[fault]


def finished(reps_per_side: dict[str, int], clean: int, checked: int) -> str:
    """The reps, and how many of those the camera checked were clean: quality before count."""
    counts = ", ".join(f"{n} on the {side}" for side, n in reps_per_side.items())
    quality = f" {clean} of {checked} clean." if checked else ""
    return f"All done: {counts}.{quality} Nice work."


FEEL_IT = (
    "You should feel that in the side of your buttock. If you feel it at the front of the hip "
    "instead, turn the toes a little further down."
)
# The same, for a foot kept level: the toes are never asked to turn down.
FEEL_IT_FOOT_LEVEL = (
    "You should feel that in the side of your buttock. If you feel it at the front of the hip "
    "instead, check the toes are not turning up, keep the leg in line with your body, and "
    "lift a little lower."
)
WAIST_RESET = (
    "Your waist was crunching. Next set, the moment you feel it, stop, reach long again, "
    "and lift a little lower."
)
LIFT_LESS = (
    "Lift less: stop as soon as your hip wants to tip back. The height doesn't matter, "
    "the hip doing the work does."
)
CLAMSHELL_FEEL_IT = (
    "You should feel that in the side of your buttock. If you feel it at the front of the hip "
    "instead, keep your hips stacked and open the knee a little less."
)
REPEATED = 2  # a fault on this many reps of a set is worth a word in the rest


def set_review(
    first_set: bool, faults: dict[str, int], neutral_foot: bool = False, bent_knees: bool = False
) -> list[str]:
    """What to teach after a set: where it should be felt (after the first), and how to fix
    a fault that kept coming back. `bent_knees`: clamshells, where the toes are no help."""
    feel = CLAMSHELL_FEEL_IT if bent_knees else FEEL_IT_FOOT_LEVEL if neutral_foot else FEEL_IT
    said = [feel] if first_set else []
    if faults.get(Fault.HIP_HIKE, 0) >= REPEATED:
        said.append(WAIST_RESET)
    if faults.get(Fault.TOO_HIGH, 0) >= REPEATED:
        said.append(LIFT_LESS)
    return said


def verbosity_changed(before: int, after: int) -> str:
    """After "quieter" or "more coaching"; levels as in core.talk.Verbosity (0 tones ... 3)."""
    if after == before:
        return "That's as quiet as I go." if after == 0 else "That's every cue already."
    return {0: TONES_ONLY, 1: QUIETER, 2: MORE_CUES if after > before else QUIETER, 3: MOST_CUES}[
        after
    ]


def catalogue(settings: Settings) -> list[str]:
    """Every sentence a session can say (fixed words, each count, each set's introduction), so
    speech can be prepared before it is needed and tested for never sounding like a command.
    Only this configuration's: with a labral tear, nothing that asks for the toes down."""
    neutral = settings.safety.neutral_foot
    praise = [praise_for_fixing(fault, neutral) for fault in PRAISE_FOR_FIXING]
    said = [LIFT, HOLD, LOWER, TOO_HIGH, warning_text(Fault.TOES_UP, neutral), FAST_LOWER]
    said += [NO_HOLD, HIP_HIKE, FAST_LIFT]
    said += [KNEE_BEND, FORWARD_DRIFT] + ([] if neutral else [TOES_SLIGHTLY_DOWN])
    said += [FEW_CIRCLES, HOLD_CAME_DOWN, CIRCLES_CAME_DOWN, HOLD_SHORT]
    said += [FEET_APART, CLAMSHELL_BODY, CLAMSHELL_FEEL_IT]
    said += [text for words in PROGRAM_WORDS.values() for w in words.values() for text in w[:2]]
    said += [NO_VISION, SAT_UP, PAUSED, RESUMED, AT_THE_EDGE, CROOKED]
    said += [LAST_THREE, CLEAN_STREAK, *filter(None, praise)]
    said += [*set_review(True, {}, neutral), WAIST_RESET, LIFT_LESS, QUIETER, TONES_ONLY]
    said += [MORE_CUES, MOST_CUES]
    said += [CALIBRATE, CALIBRATE_LIFT, CALIBRATED, NOT_CALIBRATED, CAMERA_LOW, LIE_STILL]
    said += [camera_unmeasured(settings.camera.tilt_deg)]
    said += [foot_cue(neutral)]
    said += [CIRCLES_SETUP, CLAMSHELL_SETUP, CLAMSHELL_SEEN_SETUP, CLAMSHELL_OPEN]
    said += [CLAMSHELL_CLOSE, BURSITIS_HOLDS, *NOT_COUNTED.values()]
    said += [WALL_SLIDE_SETUP, WALL_SLIDE_UP, WALL_SLIDE_DOWN, hold_for(settings.programs.hold_s)]
    said += circle_counts(settings.programs.circles_each_way, forward=True)
    said += circle_counts(settings.programs.circles_each_way, forward=False)
    titles = ("isometric holds", "circles", "clamshells", "wall slides")
    said += [program_intro(title) for title in titles]
    holds = settings.programs.hold_reps
    said += [after_pain_instead(title, titles[0]) for title in ("leg lifts", *titles[1:])]
    said += [after_pain_fewer(titles[0], reps, holds) for reps in (max(1, holds // 2), holds)]
    said += [cannot_see([name]) for name in MARKER_NAMES]
    session = settings.session
    sets, reps = session.sets_per_side, session.reps_per_set
    said += [STOPPED, PAIN, NOT_STARTED, READY, REST_ENDING]
    said += [help_text(settings.voice.commands.by_command())]
    said += [f"{say_number(n).capitalize()}." for n in range(1, reps + 1)]
    for side in worked_legs(settings):
        said += setup_cues(side, settings.safety.sore_side) + side_setup_cues(side, neutral)
        said += [switch_sides(side)]
        said += clamshell_setup_cues(side, settings.safety.sore_side)
        said += clamshell_side_setup_cues(side)
        said += [set_intro(side, n, sets, reps) for n in range(1, sets + 1)]
        said += [set_done(n) for n in range(1, sets + 1)]
    for device in ("microphone", "camera", "voice"):
        said += [device_changed(device, True), device_changed(device, False)]
    return list(dict.fromkeys(said))


def hold_for(seconds: float) -> str:
    return f"Hold it there for {say_number(round(seconds))} seconds."


def rep_count(n: int, among_other_numbers: bool) -> str:
    """The count as a rep ends: "Two.", or "Rep two." where holds count down or circles are
    counted, so the rep's number is never heard as one of theirs."""
    number = say_number(n)
    return f"Rep {number}." if among_other_numbers else f"{number.capitalize()}."


def circle_counts(circles: int, forward: bool) -> list[str]:
    """What is said through one direction of circles: the direction, then each count, each
    short enough to end before the next circle's."""
    first = "Forward: one." if forward else "Back: one."
    return [first] + [f"{say_number(n).capitalize()}." for n in range(2, circles + 1)]


# Each program as said, by its name in the settings and the history.
PROGRAM_NAMES = {
    "leg_lifts": "leg lifts",
    "holds": "isometric holds",
    "circles": "circles",
    "clamshells": "clamshells",
    "wall_slides": "wall slides",
}


def program_intro(title: str) -> str:
    return f"Today: {title}."

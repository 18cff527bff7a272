"""The `coach` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from coach.settings import Settings
from coach.settings.load import ConfigError, load_settings, locate_config
from coach.settings.schema import PROGRAMS

EXIT_CONFIG = 2


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _ranged(cast: Callable[[str], float], what: str, lo: float, hi: float):
    """An argument parser for a number of this kind within [lo, hi], refusing in one line."""

    def parse(text: str) -> float:
        try:
            value = cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value:g} is out of range (allowed: {lo} to {hi})")
        return value

    return parse


def _whole(lo: int, hi: int):
    return _ranged(int, "a whole number", lo, hi)


def _degrees(lo: float, hi: float):
    return _ranged(float, "a number of degrees", lo, hi)


def _common(default: object) -> argparse.ArgumentParser:
    """--config and --verbose, taken before or after the command's name (`coach demo --config
    x.toml` as well as `coach --config x.toml demo`)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        default=default,
        help="config file (default: $LEGCOACH_CONFIG, /etc/legcoach/coach.toml, built-in)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="log more detail to stderr"
    )
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description="Voice-guided side-lying leg lift coach.",
        parents=[_common(None)],
    )
    # After the command's name, an option left out must not undo one given before it.
    after = _common(argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, parents=[after])

    demo = command("demo", help="coach a simulated person through a whole session")
    demo.add_argument(
        "--speed", type=_positive, default=1.0, help="times faster than real time (default 1)"
    )
    demo.add_argument(
        "--json", action="store_true", help="one JSON object per event instead of the live view"
    )
    demo.add_argument("--reps", type=_whole(1, 50), default=4, help="reps per set (default 4)")
    demo.add_argument("--sets", type=_whole(1, 10), default=2, help="sets per side (default 2)")
    demo.add_argument(
        "--program",
        choices=PROGRAMS,
        help="which program to coach (default: programs.default); --reps and --sets apply to it",
    )
    demo.add_argument(
        "--save",
        action="store_true",
        help="keep the session in the history, marked as simulated (coach history shows it)",
    )
    demo.add_argument(
        "--record",
        metavar="FOLDER",
        help="keep each set's video there, with the camera the coach measured (for coach analyze)",
    )

    run = command("run", help="the coach itself: camera, microphone, speaker, button")
    run.add_argument("--start", action="store_true", help="begin a session straight away")

    analyze = command("analyze", help="the reps and faults in a recorded video")
    analyze.add_argument("video", help="a video file (mp4, avi, mkv: whatever FFmpeg reads)")
    analyze.add_argument("--json", action="store_true", help="JSON lines: rep and warning objects")
    analyze.add_argument(
        "--annotate", metavar="OUT.mp4", help="also write the video with markers drawn"
    )
    analyze.add_argument(
        "--force", action="store_true", help="let --annotate replace a file that exists"
    )
    analyze.add_argument(
        "--tilt",
        type=_degrees(-10, 45),
        metavar="DEG",
        help="how far the camera looked down (default: camera.tilt_deg)",
    )
    analyze.add_argument(
        "--turn",
        type=_degrees(-30, 30),
        metavar="DEG",
        help="how far it stood off square, + to your left (default: camera.turn_deg)",
    )

    markers = command("markers", help="write the marker discs at true size to print")
    markers.add_argument("--out", required=True, metavar="FILE", help="markers.pdf or markers.png")
    markers.add_argument(
        "--paper", choices=("a4", "letter"), default="a4", help="A4 or US Letter (default a4)"
    )
    markers.add_argument(
        "--spares",
        action="store_true",
        help="the spare colours instead, for a room where a marker's colour is already in view",
    )

    doctor = command("doctor", help="check camera, microphone, speaker, button, model and space")
    doctor.add_argument(
        "--snapshot",
        metavar="OUT.png",
        help="also save a camera picture with the markers ringed and look-alikes boxed",
    )

    report = command("report", help="draw the progress charts (needs matplotlib)")
    report.add_argument("--out", required=True, metavar="FILE", help="report.png or report.pdf")
    report.add_argument(
        "--limit", type=_whole(1, 10000), default=100, help="how many sessions (default 100)"
    )

    history = command("history", help="the sessions kept on this machine")
    history.add_argument("--json", action="store_true", help="one JSON object per session")
    history.add_argument(
        "--limit", type=_whole(1, 10000), default=20, help="how many sessions (default 20)"
    )

    listen = command("listen", help="print each voice command heard, with its time")
    listen.add_argument(
        "source", nargs="?", help="a WAV file, or - for standard input (default: the microphone)"
    )
    listen.add_argument("--json", action="store_true", help="one JSON object per command")

    check = command("check-config", help="validate a config file and explain any problem")
    check.add_argument(
        "file", nargs="?", help="the file to check (default: the one the coach would use)"
    )
    return parser


def _settings(path_arg: str | None) -> Settings:
    return load_settings(locate_config(path_arg))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose or args.command == "run" else logging.WARNING,
        format="coach: %(message)s",
        stream=sys.stderr,
    )
    try:
        if args.command == "check-config":
            path = locate_config(args.file if args.file is not None else args.config)
            load_settings(path)
            print(f"{path or 'built-in defaults'}: ok")
            return 0
        settings = _settings(args.config)
        if args.command == "demo":
            from coach.app.demo import demo_settings, run_demo

            settings = demo_settings(settings, args.reps, args.sets, args.program)
            return run_demo(
                settings,
                speed=args.speed,
                as_json=args.json,
                out=sys.stdout,
                save=args.save,
                record=None if args.record is None else Path(args.record),
            )
        if args.command == "run":
            from coach.app.daemon import run_service

            return run_service(settings, start_now=args.start)
        if args.command == "analyze":
            from coach.app.analyze import run_analyze

            return run_analyze(
                settings,
                args.video,
                args.json,
                args.annotate,
                out=sys.stdout,
                force=args.force,
                tilt_deg=args.tilt,
                turn_deg=args.turn,
            )
        if args.command == "markers":
            from coach.app.markers import run_markers

            return run_markers(settings.markers, args.out, args.paper, args.spares)
        if args.command == "doctor":
            from coach.app.doctor import run_doctor

            snapshot = None if args.snapshot is None else Path(args.snapshot)
            return run_doctor(settings, locate_config(args.config), sys.stdout, snapshot)
        if args.command == "report":
            from coach.app.report import run_report

            max_deg = settings.form.max_abduction_deg
            return run_report(args.out, args.limit, max_deg, out=sys.stdout)
        if args.command == "history":
            from coach.app.history import run_history

            return run_history(args.limit, as_json=args.json, out=sys.stdout)
        if args.command == "listen":
            from coach.app.listen import run_listen

            return run_listen(settings, args.source, as_json=args.json, out=sys.stdout)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"coach: config error: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, without a second error on exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

import dataclasses
import os
import subprocess
import sys
import tomllib
import typing
from pathlib import Path

import pytest

from coach.settings import Settings
from coach.settings.load import ConfigError, load_settings, locate_config, settings_from_mapping

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "config" / "coach.toml"


def test_shipped_config_is_exactly_the_builtin_defaults():
    assert load_settings(DEFAULT_FILE) == Settings()


def test_shipped_config_documents_every_tunable():
    raw = tomllib.loads(DEFAULT_FILE.read_text())
    for section, kind in typing.get_type_hints(Settings).items():
        keys = {f.name for f in dataclasses.fields(kind)}
        assert set(raw[section]) == keys, section


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"tempo": {"lfit_s": 2}}, "unknown key tempo.lfit_s (allowed in tempo: lift_s, hold_s,"),
        ({"sesion": {}}, "unknown key sesion"),
        (
            {"tempo": {"lift_s": "slow"}},
            'tempo.lift_s = "slow" has the wrong type (allowed: a number',
        ),
        (
            {"tempo": {"lift_s": -1}},
            "tempo.lift_s = -1 is out of range (allowed: a number from 0.5 to 10 seconds)",
        ),
        ({"session": {"reps_per_set": 2.5}}, "session.reps_per_set = 2.5 has the wrong type"),
        (
            {"button": {"enabled": "yes"}},
            'button.enabled = "yes" has the wrong type (allowed: true or false)',
        ),
        (
            {"speech": {"engine": "loud"}},
            'speech.engine = "loud" is not allowed (allowed: "auto" or "pyttsx3" or "console")',
        ),
        (
            {"markers": {"hip": "red"}},
            'markers.hip = "red" is not allowed (allowed: a colour written #rrggbb)',
        ),
        (
            {"session": {"legs": ["right", "right"]}},
            'session.legs = ["right", "right"] is not allowed',
        ),
        ({"tempo": 3}, "tempo must be a table"),
        (
            {"vision": {"pose_threads": 0}},
            "vision.pose_threads = 0 is out of range (allowed: a whole number from 1 to 8 threads)",
        ),
        ({"vision": {"pose_threads": 1.5}}, "vision.pose_threads = 1.5 has the wrong type"),
    ],
)
def test_bad_values_are_named_with_what_is_allowed(raw, expected):
    with pytest.raises(ConfigError) as error:
        settings_from_mapping(raw)
    assert str(error.value).startswith(expected)
    assert "\n" not in str(error.value)


def test_integers_are_accepted_where_numbers_are_wanted():
    settings = settings_from_mapping({"tempo": {"lift_s": 1}, "session": {"legs": ["left"]}})
    assert settings.tempo.lift_s == 1.0
    assert settings.session.legs == ("left",)
    assert settings.tempo.lower_s == Settings().tempo.lower_s


def test_file_errors_name_the_file(tmp_path):
    broken = tmp_path / "coach.toml"
    broken.write_text("[tempo\nlift_s = 2\n")
    with pytest.raises(ConfigError, match=r"coach.toml: not valid TOML"):
        load_settings(broken)
    with pytest.raises(ConfigError, match=r"missing.toml: no such file"):
        load_settings(tmp_path / "missing.toml")


def test_lookup_order_prefers_the_flag_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LEGCOACH_CONFIG", str(tmp_path / "env.toml"))
    assert locate_config("flag.toml") == Path("flag.toml")
    assert locate_config(None) == tmp_path / "env.toml"


def _coach(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_check_config_explains_a_bad_file_in_one_line_and_exits_2(tmp_path):
    bad = tmp_path / "coach.toml"
    bad.write_text("[form]\nmax_abduction_deg = 95\n")
    result = _coach("check-config", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"coach: config error: {bad}: form.max_abduction_deg = 95 is out of range "
        "(allowed: a number from 20 to 80 degrees)"
    ]


def test_check_config_accepts_the_shipped_file():
    result = _coach("check-config", str(DEFAULT_FILE))
    assert result.returncode == 0
    assert "ok" in result.stdout


def test_a_bad_config_stops_the_demo_before_it_starts(tmp_path):
    bad = tmp_path / "coach.toml"
    bad.write_text("[camera]\nfps = 0\n")
    result = _coach("--config", str(bad), "demo", "--json")
    assert result.returncode == 2
    assert "camera.fps = 0 is out of range" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def _check_config(*args: str) -> tuple[int, list[str]]:
    """`coach check-config` in this process: its exit code and what it printed on stderr."""
    import contextlib
    import io

    from coach.cli import main

    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check-config", *args])
    return code, errors.getvalue().splitlines()


@pytest.mark.parametrize(
    "device", ["default", "null", "plughw:1,0", "hw:CARD=Device,DEV=0", "sysdefault:CARD=USB"]
)
def test_ordinary_alsa_device_names_are_accepted(device):
    assert settings_from_mapping({"speech": {"alsa_device": device}}).speech.alsa_device == device


@pytest.mark.parametrize(
    "device",
    [
        'file:"|id >/tmp/x"',  # alsa-lib's file plugin would start a shell
        "file:/tmp/out.raw",
        "plug:{slave file}",
        "-D",
        "hw:1,0;reboot",
        "",
        "default ",
    ],
)
def test_alsa_device_names_that_could_run_or_write_anything_are_refused(device):
    for section in ("speech", "voice"):
        with pytest.raises(ConfigError, match=rf"{section}.alsa_device = .* is not allowed"):
            settings_from_mapping({section: {"alsa_device": device}})


def test_a_config_that_is_not_a_regular_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # opening it to read would wait for a writer for ever
    for path in (fifo, Path("/dev/urandom"), tmp_path):
        assert _check_config(str(path)) == (
            2,
            [f"coach: config error: {path}: not a regular file (a config is a TOML text file)"],
        )


def test_an_empty_config_path_is_an_error_not_the_defaults():
    assert _check_config("") == (
        2,
        ["coach: config error: the config file's name is empty: name a file, or leave it out"],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[tempo]\nlift_s = " + "9" * 400, "tempo.lift_s = a number of about 400 digits is out"),
        ("[session]\nreps_per_set = " + "9" * 400, "session.reps_per_set = a number of about"),
        ("[tempo]\nlift_s = " + "9" * 5000, "holds a number too long to read"),
        ("a = " + "[" * 900 + "]" * 900, "tables or lists are nested too deeply"),
        ("[tempo]\nlift_s = nan", "tempo.lift_s = nan is out of range"),
        ('[speech]\nvoice = "en\\u001b[31m"', 'speech.voice = "en\\u001b[31m" holds a control'),
        ('[voice]\nmodel_path = "/a\\nb"', 'voice.model_path = "/a\\nb" holds a control'),
        ('[voice]\nmodel_path = ""', 'voice.model_path = "" is not allowed'),
        ('[speech]\n"x\\ny\\u001b" = 1', "unknown key speech.x\\ny\\x1b (allowed in speech:"),
        ("[speech]\nvoice = 'en;rm'", 'speech.voice = "en;rm" is not allowed'),
        ("[markers]\nknee = '#000000'", 'markers: knee = "#000000" has no colour to find'),
        ("[markers]\nhip = '#808080'", 'markers: hip = "#808080" has no colour to find'),
        ("[markers]\nknee = '#1e50ff'", 'markers: knee = "#1e50ff" and ankle = "#1e50ff" are too'),
        ("[tempo]\nlift_s = 3", "tempo.lower_s = 4 with tempo.lift_s = 3 is faster than form"),
        ("[form]\nmin_hold_s = 3", "tempo.hold_s = 2 is shorter than form.min_hold_s = 3"),
        ("[tempo]\nlift_s = 0.6", "tempo.lift_s = 0.6 is quicker than form.min_lift_s = 0.8"),
        ("[form]\nrep_min_peak_deg = 30\nmax_abduction_deg = 25", "form.rep_min_peak_deg = 30"),
    ],
)
def test_hostile_values_are_one_line_each_and_exit_2(tmp_path, text, expected):
    path = tmp_path / "coach.toml"
    path.write_text(text, encoding="utf-8")
    code, lines = _check_config(str(path))
    assert code == 2
    assert len(lines) == 1
    assert lines[0].startswith(f"coach: config error: {path}: {expected}"), lines[0]
    assert all(c.isprintable() for c in lines[0])


def test_check_config_lists_every_problem_it_finds(tmp_path):
    path = tmp_path / "coach.toml"
    path.write_text(
        "[tempo]\nlift_s = 0\n[speech]\nalsa_device = 'file:x'\nvolume = 'loud'\n"
        "[markers]\nknee = '#1e50ff'\n[session]\nsurprise = 1\n"
    )
    code, lines = _check_config(str(path))
    assert code == 2
    prefix = f"coach: config error: {path}: "
    assert [line.removeprefix(prefix).split(" ")[0] for line in lines] == [
        "tempo.lift_s", "speech.alsa_device", "speech.volume", "markers:", "unknown",
    ]  # fmt: skip

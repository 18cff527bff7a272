import dataclasses
import subprocess
import sys
import tomllib
import typing
from pathlib import Path

import pytest

from coach.settings import ConfigError, Settings, load_settings, locate_config
from coach.settings.load import settings_from_mapping

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
    ],
)
def test_bad_values_are_named_with_what_is_allowed(raw, expected):
    with pytest.raises(ConfigError) as error:
        settings_from_mapping(raw)
    assert str(error.value).startswith(expected)
    assert "\n" not in str(error.value)


def test_integers_are_accepted_where_numbers_are_wanted():
    settings = settings_from_mapping({"tempo": {"lift_s": 3}, "session": {"legs": ["left"]}})
    assert settings.tempo.lift_s == 3.0
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

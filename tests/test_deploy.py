"""The systemd unit and the install script, checked with the real tools."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "systemd" / "legcoach.service"
SHELL_SCRIPTS = [
    ROOT / ".ci" / "run",
    *sorted(p for p in (ROOT / "scripts").iterdir() if p.is_file() and p.suffix != ".py"),
]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: .ci/run should have installed it")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture
def unit_here(tmp_path) -> Path:
    """The unit with ExecStart pointed at this checkout's coach, so verify can find it."""
    coach = Path(sys.executable).with_name("coach")
    if not coach.exists():
        pytest.skip("the coach command is not installed next to this Python")
    text = UNIT.read_text().replace("/opt/legcoach/.venv/bin/coach", str(coach))
    copy = tmp_path / "legcoach.service"
    copy.write_text(text)
    return copy


def test_the_unit_verifies(unit_here):
    result = subprocess.run(
        [_tool("systemd-analyze"), "verify", str(unit_here)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "legcoach.service" not in result.stderr, result.stderr


def test_the_unit_is_hardened_to_an_exposure_of_at_most_1_5(unit_here):
    result = subprocess.run(
        [_tool("systemd-analyze"), "security", "--offline=true", "--threshold=15", str(unit_here)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    exposure = float(re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)[1])
    assert exposure <= 1.5


def test_the_unit_keeps_devices_and_groups_reachable():
    text = UNIT.read_text()
    assert "PrivateDevices" not in text and "PrivateUsers" not in text
    for needed in ("Type=notify", "WatchdogSec=", "RestartPreventExitStatus=2", "User=legcoach"):
        assert needed in text


def test_install_dry_run_prints_every_step_and_changes_nothing():
    result = subprocess.run(
        [str(ROOT / "scripts" / "install"), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for step in (
        "apt-get install",
        "espeak-ng",
        "useradd --system",
        "venv --system-site-packages",
        "vosk-model-small-en-us-0.15.zip",
        "would check the SHA-256",
        "--require-hashes --no-deps -r /opt/legcoach/requirements.txt",
        "--no-index --no-build-isolation",
        "mv -T /tmp/legcoach-download.XXXXXX/vosk-model-small-en-us-0.15 /opt/legcoach/models/",
        "/etc/legcoach/coach.toml",
        "/etc/systemd/system/legcoach.service",
    ):
        assert step in out, step
    assert out.splitlines()[-1] == "install: dry run: nothing was changed"
    assert not Path("/opt/legcoach").exists()


def test_the_installer_as_root_never_acts_inside_the_service_users_folder():
    """/var/lib/legcoach belongs to the service user: a root `rm`, `mv` or `chown` in there
    could be steered by that user through a symlink."""
    out = subprocess.run(
        [str(ROOT / "scripts" / "install"), "--dry-run"], capture_output=True, text=True
    ).stdout
    steps = [line for line in out.splitlines() if line.startswith("would run:")]
    assert [s for s in steps if "/var/lib/legcoach" in s and "useradd" not in s] == []


def test_the_lock_pins_and_hashes_every_dependency_but_apts_numpy():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = {
        re.split(r"[<>=\[ ]", d, maxsplit=1)[0].lower() for d in project["project"]["dependencies"]
    }
    text = (ROOT / "requirements.txt").read_text()
    pinned = dict(re.findall(r"^([a-z0-9_.-]+)==(\S+)", text, flags=re.M))
    assert wanted - {"numpy"} <= pinned.keys()
    assert "numpy" not in pinned and "setuptools" in pinned  # apt's numpy; the build backend
    blocks = re.split(r"\n(?=[a-z0-9])", text.split("\n", 3)[3])
    assert all("--hash=sha256:" in block for block in blocks), "a package without a hash"


def test_install_refuses_options_it_does_not_know():
    result = subprocess.run(
        [str(ROOT / "scripts" / "install"), "--purge"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "install: --purge goes with --uninstall"


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: p.name)
def test_scripts_are_shellcheck_clean(script):
    result = subprocess.run(
        [_tool("shellcheck"), "-x", str(script)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout


def test_a_script_says_which_system_packages_it_needs_and_why_before_asking_sudo(tmp_path):
    """As a user without espeak-ng would meet it: stand-ins for id, sudo and apt-get record
    what a fresh machine would be asked to do."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    log = tmp_path / "calls"
    for name, body in {
        "id": "echo 1000",
        "sudo": f'echo "sudo $*" >> {log}; exec "$@"',
        "apt-get": f'echo "apt-get $*" >> {log}',
    }.items():
        (stubs / name).write_text(f"#!/bin/sh\n{body}\n")
        (stubs / name).chmod(0o755)
    script = (
        f"source {ROOT / 'scripts' / '_system.sh'}; "
        'ensure_system_packages scripts/test "no-such-command|espeak-ng|the speech engine" '
        '"sh|dash|already here"'
    )
    result = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{stubs}:/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[:3] == [
        "scripts/test needs these system packages, which are not installed:",
        "  espeak-ng: the speech engine",
        "Installing them with sudo (it may ask for your password) ...",
    ]
    calls = log.read_text().splitlines()
    assert calls[-1] == "apt-get install -y -qq espeak-ng"
    assert "sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq" in calls


def test_install_takes_a_copy_of_the_speech_model_only_with_its_sha256(tmp_path):
    install = str(ROOT / "scripts" / "install")
    copy = tmp_path / "model.zip"
    alone = subprocess.run(
        [install, "--dry-run", f"--speech-model-zip={copy}"], capture_output=True, text=True
    )
    assert alone.returncode == 2
    assert "--speech-model-sha256=" in alone.stderr
    sha = "AB" * 32
    out = subprocess.run(
        [install, "--dry-run", f"--speech-model-zip={copy}", f"--speech-model-sha256={sha}"],
        capture_output=True,
        text=True,
    ).stdout
    assert f"file://{copy}" in out
    assert f"install: would check the SHA-256 of model.zip is {sha.lower()}" in out
    assert "alphacephei" not in out

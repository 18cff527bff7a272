"""requirements.txt installs where the coach runs: every pinned file exists for the Pi's Pythons.

pip fetches each pin, hash-checked, as the Pi's own pip would choose it (no building), for
Raspberry Pi OS Bookworm and Trixie on aarch64 and for x86_64; then the lock is installed into a
fresh venv here, as scripts/install does. The files are kept in a cache folder, so a re-run
downloads nothing (LEGCOACH_WHEEL_CACHE moves it).
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
CACHE = Path(
    os.environ.get("LEGCOACH_WHEEL_CACHE", Path.home() / ".cache" / "legcoach" / "lock-files")
)
# Published only as source, built on the Pi by scripts/install (gcc and the -dev packages it
# installs): pyalsaaudio against ALSA's headers; srt (vosk's) is pure Python. The install into
# a fresh venv below builds both from their hashed sources.
BUILT_FROM_SOURCE = {"pyalsaaudio", "srt"}


@dataclass(frozen=True)
class Target:
    """A system the lock must install on: its Python and the newest glibc it has."""

    name: str
    python: str
    machine: str
    glibc_minor: int

    def platforms(self) -> list[str]:
        """Every manylinux tag this system's pip accepts (manylinux2014 is glibc 2.17)."""
        tags = [f"manylinux_2_{minor}_{self.machine}" for minor in range(17, self.glibc_minor + 1)]
        return [*tags, f"manylinux2014_{self.machine}", f"linux_{self.machine}"]

    def environment(self) -> dict[str, str]:
        return {
            "python_version": self.python,
            "python_full_version": f"{self.python}.0",
            "platform_machine": self.machine,
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
        }


TARGETS = [
    Target("pi-os-bookworm", "3.11", "aarch64", 36),
    Target("pi-os-trixie", "3.13", "aarch64", 41),
    Target("debian-12-x86_64", "3.11", "x86_64", 36),
    Target("debian-13-x86_64", "3.13", "x86_64", 41),
]


def _pins() -> list[tuple[str, str]]:
    """(name, the whole requirement with its marker and hashes) for each pin in the lock."""
    text = re.sub(r"\\\n\s*", " ", LOCK.read_text())
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [(re.split(r"[=; ]", line, maxsplit=1)[0], line) for line in lines if line]


def _wanted_on(target: Target) -> list[tuple[str, str]]:
    """The pins whose marker holds on that system: what its pip would install."""
    wanted = []
    for name, line in _pins():
        marker = line.split(" --hash", 1)[0].partition(";")[2].strip()
        if not marker or Marker(marker).evaluate(target.environment()):
            wanted.append((name, line))
    return wanted


def _pip(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # This machine's pip settings add a constraints file and local indexes; a constraint
    # without a hash would make --require-hashes refuse everything, so it is switched off.
    env = {**os.environ, "PIP_CONSTRAINT": "", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def _download(lines: list[str], options: list[str], folder: Path, tmp_path: Path) -> None:
    wanted = tmp_path / "wanted.txt"
    wanted.write_text("\n".join(lines) + "\n")
    folder.mkdir(parents=True, exist_ok=True)
    result = _pip(
        "download", "--quiet", "--require-hashes", "--no-deps", "-r", str(wanted),
        "-d", str(folder), *options, cwd=tmp_path,
    )  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert result.returncode == 0, "\n".join(errors) or result.stderr[-2000:]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_every_pinned_wheel_exists_for(target, tmp_path):
    """The Pi's pip, with these hashes, finds a ready-built file for every pin but the few
    that scripts/install builds."""
    wanted = _wanted_on(target)
    names = {name for name, _ in wanted}
    assert {"ai-edge-litert", "vosk", "setuptools"} | BUILT_FROM_SOURCE <= names
    platforms = [option for tag in target.platforms() for option in ("--platform", tag)]
    _download(
        [line for name, line in wanted if name not in BUILT_FROM_SOURCE],
        ["--only-binary=:all:", "--implementation", "cp", "--python-version", target.python,
         *platforms],
        CACHE / target.name,
        tmp_path,
    )  # fmt: skip


def test_the_lock_installs_into_a_fresh_venv_here(tmp_path):
    """What scripts/install runs, on this machine's Python: pyalsaaudio is built here too.
    (LiteRT needs apt's numpy, which the lock leaves out; the Pi image check runs it.)"""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PIP_CONSTRAINT": "", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--require-hashes",
         "--no-deps", "-r", str(LOCK)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert result.returncode == 0, "\n".join(errors) or result.stderr[-2000:]
    imported = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import alsaaudio, vosk"],
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr[-2000:]

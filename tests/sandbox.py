"""Run a command under the seccomp filters a systemd unit asks for, built as systemd builds them.

systemd is not PID 1 on the machines that run the tests, so the unit's sandbox cannot be had by
starting the unit. Its seccomp part can: `systemd-analyze syscall-filter` names every syscall of
every group, and libseccomp (through pyseccomp) loads the same filters into this process, which
then execs the command; the filters hold for it and for every child it starts.

    python tests/sandbox.py UNIT COMMAND [ARG ...]

A syscall outside the unit's allow-list kills the whole process with SIGSYS, as under systemd.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from functools import cache
from pathlib import Path

import pyseccomp as seccomp

# systemd adds these to every allow-list (systemd.exec(5): "implicitly allow-listed").
IMPLICIT = ("@default", "execve", "exit", "exit_group", "getrlimit", "rt_sigreturn", "sigreturn")
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
NAMESPACE_FLAGS = (0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000)
PERSONALITY_QUERY = 0xFFFFFFFF
REALTIME_POLICIES = (1, 2, 6)  # SCHED_FIFO, SCHED_RR, SCHED_DEADLINE
SET_ID_BITS = 0o6000  # S_ISUID | S_ISGID
SYSTEM_CALL_FILTER = "SystemCallFilter"
NOBODY = 65534


def unit_service_settings(unit: Path) -> dict[str, list[str]]:
    """Each key of the unit's [Service] section with all of its values, in order."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in unit.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


@cache
def syscall_groups() -> dict[str, tuple[str, ...]]:
    """Every @group systemd knows on this machine, with its members (groups or syscalls)."""
    text = subprocess.run(
        ["systemd-analyze", "syscall-filter", "--no-pager"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    groups: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), [])
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.append(line.strip())
        elif not line.strip():
            current = None
    return {name: tuple(members) for name, members in groups.items()}


def expand(names: list[str]) -> set[str]:
    """Syscall names, with every @group replaced by its members (groups nest)."""
    groups = syscall_groups()
    found: set[str] = set()
    for name in names:
        name = name.split(":", 1)[0]  # an ":errno" suffix does not change membership
        if name.startswith("@"):
            found |= expand(list(groups[name]))
        elif name:
            found.add(name)
    return found


def allowed_syscalls(filter_lines: list[str]) -> set[str]:
    """The allow-list that the unit's SystemCallFilter= lines make, applied in order."""
    if not filter_lines or filter_lines[0].startswith("~"):
        raise ValueError("only an allow-list (a first line without ~) is emulated")
    allowed = expand(list(IMPLICIT))
    for line in filter_lines:
        if line.startswith("~"):
            allowed -= expand(line[1:].split())
        else:
            allowed |= expand(line.split())
    return allowed


def _known(name: str) -> int | None:
    number = seccomp.resolve_syscall(seccomp.Arch.NATIVE, name)
    return number if isinstance(number, int) and number >= 0 else None


def install(unit: Path) -> None:
    """Load the unit's seccomp filters into this process: they cannot be taken off again."""
    settings = unit_service_settings(unit)
    if settings.get("SystemCallArchitectures", ["native"])[-1] != "native":
        raise ValueError("only SystemCallArchitectures=native is emulated")
    # The narrower filters first: once the allow-list is loaded, seccomp() itself is refused.
    _restrictions(settings).load()
    # libseccomp's filter holds the native architecture only, so any other ABI is killed too.
    allow_list = seccomp.SyscallFilter(seccomp.KILL_PROCESS)
    for name in sorted(allowed_syscalls(settings.get(SYSTEM_CALL_FILTER, []))):
        if _known(name) is not None:
            allow_list.add_rule(seccomp.ALLOW, name)
    allow_list.load()


def _yes(settings: dict[str, list[str]], key: str) -> bool:
    return settings.get(key, ["no"])[-1] in ("yes", "true", "1", "on")


def _restrictions(settings: dict[str, list[str]]) -> seccomp.SyscallFilter:
    """RestrictAddressFamilies=, RestrictNamespaces=, LockPersonality=, RestrictRealtime= and
    RestrictSUIDSGID=: the errors systemd answers with, for the arguments it refuses."""
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    families = settings.get("RestrictAddressFamilies", [])
    if families:
        only = {getattr(socket, name) for line in families for name in line.split()}
        if only != {socket.AF_UNIX}:
            raise ValueError("only RestrictAddressFamilies=AF_UNIX is emulated")
        refused = seccomp.ERRNO(errno.EAFNOSUPPORT)
        rules.add_rule(refused, "socket", seccomp.Arg(0, seccomp.LT, socket.AF_UNIX))
        rules.add_rule(refused, "socket", seccomp.Arg(0, seccomp.GT, socket.AF_UNIX))
    if _yes(settings, "RestrictNamespaces"):
        for name in ("unshare", "setns"):
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        for flag in NAMESPACE_FLAGS:
            rules.add_rule(
                seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag)
            )
        # clone3's flags sit in memory a filter cannot read: systemd answers "no such call",
        # and the C library falls back to clone.
        if _known("clone3") is not None:
            rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    if _yes(settings, "LockPersonality"):
        # Only PER_LINUX (0) may be set; PERSONALITY_QUERY reads the current one.
        query = seccomp.Arg(0, seccomp.EQ, PERSONALITY_QUERY)
        rules.add_rule(seccomp.ERRNO(0), "personality", query)
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "personality", seccomp.Arg(0, seccomp.NE, 0))
    if _yes(settings, "RestrictRealtime"):
        for policy in REALTIME_POLICIES:
            rules.add_rule(
                seccomp.ERRNO(errno.EPERM), "sched_setscheduler", seccomp.Arg(1, seccomp.EQ, policy)
            )
    if _yes(settings, "RestrictSUIDSGID"):
        for name, mode_arg in (("chmod", 1), ("fchmod", 1), ("fchmodat", 2)):
            if _known(name) is not None:
                rules.add_rule(
                    seccomp.ERRNO(errno.EPERM),
                    name,
                    seccomp.Arg(mode_arg, seccomp.MASKED_EQ, SET_ID_BITS, SET_ID_BITS),
                )
    return rules


def as_service_user(unit: Path) -> None:
    """As root, take the part of the unit's User=: a user namespace in which this process is
    nobody, while the files it reads and writes stay root's on the machine. (SQLite, for one,
    calls fchown only as root, which the filter rightly refuses.)"""
    if os.geteuid() == 0 and unit_service_settings(unit).get("User"):
        ids = [f"--map-user={NOBODY}", f"--map-group={NOBODY}"]
        os.execvp("unshare", ["unshare", "--user", *ids, sys.executable, __file__, *sys.argv[1:]])


if __name__ == "__main__":
    as_service_user(Path(sys.argv[1]))
    install(Path(sys.argv[1]))
    os.execvp(sys.argv[2], sys.argv[2:])

"""Opening files safely: for reading, without being made to wait or to read forever; for
writing, only as a new file of this user's, never through a link someone left in the way."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

PRIVATE_FOLDER = 0o700  # set names, times and sessions are this person's alone
PRIVATE_FILE = 0o600


class NotARegularFile(OSError):
    """A FIFO, a device or a folder where a file was wanted."""


class TooLarge(OSError):
    """A file longer than anything the coach writes there."""


def open_regular(path: str | Path) -> BinaryIO:
    """Only a regular file: O_NONBLOCK, so opening a FIFO does not wait for a writer, and a
    device such as /dev/urandom is refused instead of read without end. OSError as open()."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotARegularFile(f"{path} is not a regular file")
    return os.fdopen(descriptor, "rb")


def read_limited(path: str | Path, limit: int) -> bytes:
    """A regular file's bytes, refused (TooLarge) past `limit`: a file the coach wrote is small,
    and anything else is not read to its end."""
    with open_regular(path) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{path} is larger than {limit} bytes")
    return data


def create_new(path: str | Path) -> BinaryIO:
    """A new file, 0600, for writing: FileExistsError if anything, a link included, has the name
    already (O_EXCL), and a link is never followed (O_NOFOLLOW)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    return os.fdopen(os.open(path, flags, PRIVATE_FILE), "wb")


def private_folder(folder: Path) -> None:
    """Make `folder` (and its parents) if missing; one this coach makes is 0700."""
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)

"""Opening a file the user named, for reading, without being made to wait or to read forever."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotARegularFile(OSError):
    """A FIFO, a device or a folder where a file was wanted."""


def open_regular(path: str | Path) -> BinaryIO:
    """Only a regular file: O_NONBLOCK, so opening a FIFO does not wait for a writer, and a
    device such as /dev/urandom is refused instead of read without end. OSError as open()."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotARegularFile(f"{path} is not a regular file")
    return os.fdopen(descriptor, "rb")

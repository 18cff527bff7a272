"""systemd's notify protocol, without a library: datagrams to $NOTIFY_SOCKET.

The watchdog is fed from the event loop's own ticks, so a loop that stops making progress (a
hung capture, a deadlock) stops feeding it and systemd restarts the service.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger("coach.notify")


class Notifier:
    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        self._address = "\0" + address[1:] if address.startswith("@") else address
        watchdog_us = int(env.get("WATCHDOG_USEC", "0") or 0)
        # Feed twice per period, as systemd advises.
        self.watchdog_interval_s = watchdog_us / 2e6 if watchdog_us > 0 else None
        self._last_fed: float | None = None

    def send(self, message: str) -> None:
        if not self._address:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message.encode(), self._address)
        except OSError as exc:
            log.warning("systemd notify: %s", exc)

    def ready(self, status: str) -> None:
        self.send(f"READY=1\nSTATUS={status}")

    def stopping(self) -> None:
        self.send("STOPPING=1")

    def progress(self, now: float) -> None:
        """The loop made progress at `now` (monotonic seconds): feed the watchdog if it is due."""
        interval = self.watchdog_interval_s
        if interval is None or (self._last_fed is not None and now - self._last_fed < interval):
            return
        self._last_fed = now
        self.send("WATCHDOG=1")

"""A sore hip is never lain on. Lying on the other side keeps it on top, off the mat, and the
leg on top is the sore side's own: so a session works that leg only. Lifting the other leg
would mean lying on the sore hip."""

from __future__ import annotations

from coach.settings import Settings


def worked_legs(settings: Settings) -> tuple[str, ...]:
    """The legs a session lifts, in order: the configured ones, or with a sore hip its leg."""
    sore = settings.safety.sore_side
    return settings.session.legs if sore == "none" else (sore,)

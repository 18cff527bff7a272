"""Wiring: the event loop and the programs built on it."""

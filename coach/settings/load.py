"""TOML → Settings, with one-line errors that name the key, the value and what is allowed."""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
import typing
from pathlib import Path
from typing import Any

from coach.settings.schema import Settings

SYSTEM_CONFIG = Path("/etc/legcoach/coach.toml")
ENV_VAR = "LEGCOACH_CONFIG"


class ConfigError(Exception):
    """A configuration problem, already phrased as the one line the user will read."""


def locate_config(explicit: str | None = None) -> Path | None:
    """The file to read: --config, then $LEGCOACH_CONFIG, then /etc; None means the defaults."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    if SYSTEM_CONFIG.exists():
        return SYSTEM_CONFIG
    return None


def load_settings(path: Path | None) -> Settings:
    """Read and validate `path`; None gives the packaged defaults."""
    if path is None:
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        return _build(Settings, raw, prefix="")
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def settings_from_mapping(raw: dict[str, Any]) -> Settings:
    """Validate an already-parsed mapping (used for overrides and tests)."""
    return _build(Settings, raw, prefix="")


def _build(cls: type, raw: Any, prefix: str) -> Any:
    section = prefix.rstrip(".") or "the top level"
    if not isinstance(raw, dict):
        raise ConfigError(f"{section} must be a table")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    for key in raw:
        if key not in fields:
            allowed = ", ".join(fields)
            raise ConfigError(f"unknown key {prefix}{key} (allowed in {section}: {allowed})")
    values = {}
    for name, value in raw.items():
        kind = hints[name]
        key = f"{prefix}{name}"
        if dataclasses.is_dataclass(kind):
            values[name] = _build(kind, value, prefix=f"{key}.")
        else:
            values[name] = _check_value(key, value, kind, fields[name].metadata)
    built = cls(**values)
    problem = getattr(built, "problem", None)
    if problem is not None and (message := problem()) is not None:
        raise ConfigError(f"{section}: {message}")
    return built


def _check_value(key: str, value: Any, kind: Any, meta: Any) -> Any:
    written = f"{key} = {_show(value)}"  # as the user wrote it, before any conversion
    value = _coerce_type(written, value, kind, meta)
    if "range" in meta:
        lo, hi = meta["range"]
        if not lo <= value <= hi:
            raise ConfigError(f"{written} is out of range (allowed: {_describe(kind, meta)})")
    if "choices" in meta and value not in meta["choices"]:
        raise ConfigError(f"{written} is not allowed (allowed: {_describe(kind, meta)})")
    if "predicate" in meta and not meta["predicate"](value):
        raise ConfigError(f"{written} is not allowed (allowed: {meta['allowed']})")
    return value


def _coerce_type(written: str, value: Any, kind: Any, meta: Any) -> Any:
    """Accept exactly the TOML types that mean `kind` (an int where a float is wanted, too)."""
    ok: bool
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif kind is str:
        ok = isinstance(value, str)
    elif typing.get_origin(kind) is tuple:
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        value = tuple(value) if ok else value
    else:
        raise TypeError(f"schema type {kind!r} of {written} has no TOML reading")
    if not ok:
        raise ConfigError(f"{written} has the wrong type (allowed: {_describe(kind, meta)})")
    return value


def _describe(kind: Any, meta: Any) -> str:
    if "allowed" in meta:
        return meta["allowed"]
    if "choices" in meta:
        return " or ".join(f'"{c}"' for c in meta["choices"])
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
    base = names.get(kind, "a list of text")
    if "range" in meta:
        lo, hi = meta["range"]
        unit = f" {meta['unit']}" if meta.get("unit") else ""
        return f"{base} from {lo:g} to {hi:g}{unit}"
    return base


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)

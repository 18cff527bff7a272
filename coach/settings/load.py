"""TOML → Settings, with one-line errors that name the key, the value and what is allowed."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tomllib
import typing
from pathlib import Path
from typing import Any

from coach.files import NotARegularFile, open_regular
from coach.settings.schema import Settings

SYSTEM_CONFIG = Path("/etc/legcoach/coach.toml")
ENV_VAR = "LEGCOACH_CONFIG"


MAX_CONFIG_BYTES = 256 * 1024  # the documented default file is under 10 KiB
SHOWN_CHARS = 60  # of a value or key quoted back in an error


class ConfigError(Exception):
    """Configuration problems, each already phrased as the one line the user will read."""

    def __init__(self, *problems: str) -> None:
        self.problems = tuple(_one_line(problem) for problem in problems)
        super().__init__("; ".join(self.problems))


def _one_line(text: str) -> str:
    """Newlines and terminal escapes from a file must not reach the terminal or the journal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def locate_config(explicit: str | None = None) -> Path | None:
    """The file to read: --config, then $LEGCOACH_CONFIG, then /etc; None means the defaults."""
    if explicit is not None:
        if not explicit.strip():
            raise ConfigError("the config file's name is empty: name a file, or leave it out")
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
        raw = tomllib.loads(_read_config(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: tables or lists are nested too deeply") from None
    except ValueError:  # tomllib's int() refuses integers of thousands of digits
        raise ConfigError(f"{path}: holds a number too long to read") from None
    try:
        return settings_from_mapping(raw)
    except ConfigError as exc:
        raise ConfigError(*(f"{path}: {problem}" for problem in exc.problems)) from None


def _read_config(path: Path) -> str:
    """Only a regular file of a sane size: a FIFO, a device or a huge file would hang or
    swamp the coach."""
    try:
        stream = open_regular(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except NotARegularFile:
        raise ConfigError(f"{path}: not a regular file (a config is a TOML text file)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    with stream:
        size = os.fstat(stream.fileno()).st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"{path}: {size} bytes is too large for a config (at most {MAX_CONFIG_BYTES})"
            )
        try:
            data = stream.read(MAX_CONFIG_BYTES + 1)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        return data[:MAX_CONFIG_BYTES].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def settings_from_mapping(raw: dict[str, Any]) -> Settings:
    """Validate an already-parsed mapping; every problem found is reported, not just the first."""
    problems: list[str] = []
    settings = _build(Settings, raw, "", problems)
    if problems:
        raise ConfigError(*problems)
    return settings


def _build(cls: type, raw: Any, prefix: str, problems: list[str]) -> Any:
    """The section built from `raw`; a value with a problem is noted and its default kept, so
    the rest of the file is still checked."""
    section = prefix.rstrip(".") or "the top level"
    if not isinstance(raw, dict):
        problems.append(f"{section} must be a table")
        return cls()
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    found = len(problems)
    values = {}
    for name, value in raw.items():
        key = f"{prefix}{_clip(name)}"
        if name not in fields:
            problems.append(f"unknown key {key} (allowed in {section}: {', '.join(fields)})")
        elif dataclasses.is_dataclass(kind := hints[name]):
            values[name] = _build(kind, value, f"{key}.", problems)
        else:
            try:
                values[name] = _check_value(key, value, kind, fields[name].metadata)
            except ConfigError as exc:
                problems.extend(exc.problems)
    built = cls(**values)
    # Rules across keys are only worth stating once each key on its own is right.
    problem = getattr(built, "problem", None)
    if len(problems) == found and problem is not None and (message := problem()) is not None:
        problems.append(f"{section}: {message}" if prefix else message)
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
        if isinstance(value, int) and abs(value) > sys.float_info.max:
            raise ConfigError(f"{written} is out of range (allowed: {_describe(kind, meta)})")
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
    texts = [value] if isinstance(value, str) else value if isinstance(value, tuple) else []
    if any(not text.isprintable() for text in texts):
        raise ConfigError(f"{written} holds a control character (allowed: plain text)")
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
    """The value as written, cut short: a config may hold a megabyte string or a number with
    thousands of digits, which an error line must not repeat."""
    if isinstance(value, list | tuple):
        items = [_show(v) if not isinstance(v, list | dict) else "[…]" for v in value[:5]]
        return "[" + ", ".join(items) + (", …" if len(value) > 5 else "") + "]"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, str):
        return json.dumps(_clip(value), ensure_ascii=False)
    return _clip(str(value))


def _clip(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"

"""Bounded cost per file: the sizes above which a file is only scanned as text, and the time a
recipe step may take on one file.

* ``max-file-size`` (default 2 MB): a file larger than this is never given to a language pass; a
  Python file counts eight times its size (LibCST holds about 0.5 MB of tree per KB of source: the
  limit is 256 KB there, so two workers parsing at once stay under 300 MB; see PARSE_WEIGHT);
* ``max-line-length`` (default 10,000 bytes): nor is a file holding a longer line (a minified
  bundle, a lockfile on one line, embedded data);
* ``transform-timeout`` (default 30 s): one recipe transform on one file; past it the file fails.

Such a file's path is still checked, and its content is scanned as plain text, in chunks, with the
term matcher (:mod:`runsmig.runner.textscan`): every occurrence is reported with kind ``text`` and
never rewritten. Set in ``[tool.runsmig]`` (:mod:`runsmig.settings`) or by the environment
(``RUNSMIG_MAX_FILE_SIZE``, ``RUNSMIG_MAX_LINE_LENGTH``, ``RUNSMIG_TRANSFORM_TIMEOUT``), which wins:
the environment belongs to whoever runs the command, the checkout's settings to the checkout.
Sizes are a whole number of bytes or a string with a unit: ``"512 KB"``, ``"2 MB"`` (1 KB = 1,024
bytes).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

KB = 1024
MB = 1024 * KB

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "k": KB, "kb": KB, "kib": KB, "m": MB, "mb": MB, "mib": MB, "g": 1024 * MB, "gb": 1024 * MB,
          "gib": 1024 * MB}
ENV = {"max-file-size": "RUNSMIG_MAX_FILE_SIZE", "max-line-length": "RUNSMIG_MAX_LINE_LENGTH",
       "transform-timeout": "RUNSMIG_TRANSFORM_TIMEOUT"}


# How much parsing a byte of source weighs against the plain-text pass (memory, and time: a pass that
# is slow per byte gets a smaller limit). Measured here on generated files, one worker, --no-cache.
PARSE_WEIGHT = {
    **dict.fromkeys((".py", ".pyi"), 8),  # LibCST: a 290 KB module took 190 MB
    **dict.fromkeys((".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"), 8),  # ast-grep: 512 KB, 160 MB
    **dict.fromkeys((".yml", ".yaml"), 8),  # ruamel.yaml's composer: about 25 s a MB
    **dict.fromkeys((".md", ".markdown", ".mdx", ".json", ".toml"), 4),  # markdown-it: 1.5 MB, 177 MB
}


@dataclass(frozen=True)
class Limits:
    max_file_size: int = 2 * MB  # bytes
    max_line_length: int = 10_000  # bytes in one line
    transform_timeout: float = 30.0  # seconds, one transform on one file

    def size_for(self, rel: str) -> int:
        """The size limit of this file: ``max_file_size`` over what parsing it weighs (PARSE_WEIGHT)."""
        dot = rel.rfind(".")
        return self.max_file_size // PARSE_WEIGHT.get(rel[dot:].lower() if dot >= 0 else "", 1)

    def key(self) -> str:
        """What a cached result depends on (runner.cache, runner.reportmemo)."""
        return f"{self.max_file_size}/{self.max_line_length}/{self.transform_timeout:g}"


DEFAULT = Limits()


def parse_size(value: object) -> int | None:
    """Bytes from ``value`` (an int, or a string such as "2 MB"); None when it is not one (or < 1)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    if isinstance(value, str):
        m = _SIZE_RE.match(value)
        if m:
            n = int(float(m.group(1)) * _UNITS[(m.group(2) or "b").lower()])
            return n if n >= 1 else None
    return None


def parse_seconds(value: object) -> float | None:
    """Seconds from an int, a float or a numeric string; None when it is not a number > 0."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().removesuffix("s").strip())
        except ValueError:
            return None
    if isinstance(value, (int, float)) and value > 0 and value == value and value != float("inf"):
        return float(value)
    return None


def shown_size(n: int) -> str:
    """A size as the limits are written: '256 KB', '20.0 MB', '900 bytes'."""
    if n >= MB:
        return f"{n / MB:.1f} MB" if n % MB else f"{n // MB} MB"
    if n >= KB:
        return f"{n / KB:.1f} KB" if n % KB else f"{n // KB} KB"
    return f"{n} bytes"


def resolve(settings=None, environ=None) -> Limits:
    """The limits of a run: the environment, else ``[tool.runsmig]``, else the defaults. A malformed
    environment value is a usage error (exit 2), like a malformed setting."""
    from runsmig.errors import UsageError

    environ = os.environ if environ is None else environ
    values = {
        "max-file-size": getattr(settings, "max_file_size", None) or DEFAULT.max_file_size,
        "max-line-length": getattr(settings, "max_line_length", None) or DEFAULT.max_line_length,
        "transform-timeout": getattr(settings, "transform_timeout", None) or DEFAULT.transform_timeout,
    }
    for key, var in ENV.items():
        raw = environ.get(var)
        if raw is None or raw == "":
            continue
        value = parse_seconds(raw) if key == "transform-timeout" else parse_size(raw)
        if value is None:
            what = "a number of seconds > 0" if key == "transform-timeout" else "a size such as 2 MB or 10000"
            raise UsageError(f"${var}: expected {what}, got '{raw}'",
                             hint=f"fix or unset {var} (see the README under 'Settings')")
        values[key] = value
    return Limits(int(values["max-file-size"]), int(values["max-line-length"]), float(values["transform-timeout"]))

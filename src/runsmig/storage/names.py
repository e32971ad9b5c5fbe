"""Which names may become folder names in the storage root."""

from __future__ import annotations

TMP_PREFIX = ".runsmig-tmp-"


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a safe single folder name, or None when it is.

    Ids come from the database, so a value such as ``..``, ``a/b`` or ``/etc`` must never be
    joined to a root: it would leave the root or nest folders.
    """
    if not name:
        return "empty name"
    if name in {".", ".."}:
        return f"'{name}' is not a folder name"
    if "/" in name or "\\" in name:
        return f"'{name}' contains a path separator"
    if "\x00" in name:
        return "name contains a NUL byte"
    if name.startswith("."):
        return f"'{name}' starts with '.' (hidden names are reserved)"
    if name != name.strip():
        return f"'{name}' has leading or trailing whitespace"
    if len(name.encode("utf-8", "surrogateescape")) > 255:
        return "name is longer than 255 bytes"
    return None

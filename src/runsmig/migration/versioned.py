"""The next name in a folder of SQL migrations named after the release that ships them:
``<version>_<index>[_<phase>]_<description>.sql`` (``03.04.00_01_pre_add_x.sql``,
``03.04.00_50_post_add_x.sql``).

Read from the folder's own names, never from a list of projects:

- **version**: a dotted number (``03.04.00``) is a release version when one of the project's
  release tags (git tags that read as versions: ``3.0.0``, ``v3.0.0``) equals one of the folder's
  file versions; the new file then ships with the next minor release after the newest tag
  (``3.9.0`` -> ``03.10.00``: a schema change is a feature), or with the last file's release
  when that is newer than every tag (not released yet). Without that evidence, the minor part
  of the last file's version is bumped. Each part keeps the width the last file gives it.
- **index**: the second number; a new release starts at the index its phase starts with in the
  folder (``01``), a release that already has files continues after its highest index.
- **phase**: a word that follows the index, of exactly two values that alternate in the latest
  releases (each used at least twice, and within every release of them the files of one value
  all come before those of the other: ``pre`` before ``post``). The new file takes the first
  value: a rename must be applied before the new code runs.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

_NAME = re.compile(r"(\d+(?:\.\d+)+)([_-])(\d+)\2(.+?)\.sql\Z", re.I)
_TAG = re.compile(r"v?(\d+(?:\.\d+)*)\Z", re.I)


def parse(leaf: str):
    """(version parts as written, separator, index as written, words) or None."""
    m = _NAME.match(leaf)
    if m is None:
        return None
    return m.group(1).split("."), m.group(2), m.group(3), m.group(4).split(m.group(2))


def release_tags(root: Path) -> list[tuple[int, ...]]:
    """The checkout's git tags that read as versions (``[]`` without git or tags)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "tag", "--list"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    tags = []
    for line in out.splitlines():
        m = _TAG.fullmatch(line.strip())
        if m:
            tags.append(tuple(int(x) for x in m.group(1).split(".")))
    return tags


def _norm(v: tuple[int, ...], n: int) -> tuple[int, ...]:
    return (v + (0,) * n)[:n]


def next_version(last: list[str], versions: list[tuple[int, ...]], tags: list[tuple[int, ...]]) -> list[str]:
    n = len(last)
    lastv = tuple(int(x) for x in last)
    normtags = [_norm(t, n) for t in tags]
    released = set(normtags) & {_norm(v, n) for v in versions}
    if released and n >= 2:
        top = max(normtags)
        # the last file is newer than every release: it is unreleased, the new one joins it
        new = lastv if lastv > top else (top[0], top[1] + 1) + (0,) * (n - 2)
    else:
        k = 1 if n >= 2 else 0
        new = lastv[:k] + (lastv[k] + 1,) + (0,) * (n - k - 1)
    return [str(x).zfill(len(w)) for x, w in zip(new, last)]


def phases(parsed: list) -> tuple[str, str] | None:
    """The two phase words (first-applied first) of the latest releases, or None."""
    suffix = []
    seen: set[str] = set()
    for p in reversed(parsed):
        word = p[3][0].lower() if len(p[3]) > 1 else None
        if word is None or (word not in seen and len(seen) == 2):
            break
        seen.add(word)
        suffix.append(p)
    counts = Counter(p[3][0].lower() for p in suffix)
    if len(counts) != 2 or min(counts.values()) < 2 or len(suffix) < 4:
        return None
    by_release: dict[tuple, list] = {}
    for p in reversed(suffix):
        by_release.setdefault(tuple(p[0]), []).append(p)
    firsts = set()
    for files in by_release.values():
        words = [f[3][0].lower() for f in sorted(files, key=lambda f: int(f[2]))]
        if len(set(words)) == 2:
            cut = words.index(words[-1])
            if len(set(words[:cut])) != 1 or len(set(words[cut:])) != 1:
                return None
            firsts.add(words[0])
    if len(firsts) != 1:
        return None
    first = firsts.pop()
    return first, next(w for w in counts if w != first)


def next_name(leaves: list[str], slug: str, tags: list[tuple[int, ...]]) -> str | None:
    """The new file's name after ``leaves`` (in run order), or None when they do not follow the
    scheme (the last file is not ``<dotted version>_<index>_…``)."""
    parsed = [p for p in (parse(leaf) for leaf in leaves) if p is not None]
    if not parsed or parse(leaves[-1]) is None:
        return None
    last = parsed[-1]
    version = next_version(last[0], [tuple(int(x) for x in p[0]) for p in parsed], tags)
    sep = last[1]
    phase = phases(parsed)
    same = [p for p in parsed if [int(x) for x in p[0]] == [int(x) for x in version]]
    if phase is not None:
        starts = [int(p[2]) for p in parsed if p[3][0].lower() == phase[0]]
        index = max((int(p[2]) for p in same if p[3][0].lower() == phase[0]), default=min(starts) - 1) + 1
    else:
        index = max((int(p[2]) for p in same), default=min(int(p[2]) for p in parsed) - 1) + 1
    words = ([phase[0]] if phase else []) + [slug]
    return sep.join([".".join(version), str(index).zfill(len(last[2]))] + words) + ".sql"


__all__ = ["next_name", "next_version", "parse", "phases", "release_tags"]

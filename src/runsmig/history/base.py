"""What a history detector says about a path: a claim, confirmed by the path alone or by a sniff
of the file's first bytes (runsmig.history.kinds: one detector per file)."""

from __future__ import annotations

import re
from typing import NamedTuple

SNIFF_BYTES = 64 * 1024  # a sniff reads at most this much of a file


class Claim(NamedTuple):
    """``rel`` is released history of ``kind`` if every regex of ``sniff`` finds a match in the
    file's first bytes; an empty ``sniff``: the path alone decides."""

    rel: str
    kind: str
    sniff: tuple[re.Pattern[bytes], ...] = ()


def parent(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def name(rel: str) -> str:
    return rel.rsplit("/", 1)[-1]


def join(folder: str, leaf: str) -> str:
    return f"{folder}/{leaf}" if folder else leaf

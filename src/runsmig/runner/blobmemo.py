"""Which git blobs hold a needle, remembered between runs: a cached gate does not grep the tree again.

Whether a tracked file can matter (:mod:`.scan`) depends only on its bytes and the needles. For a
file the index vouches for (tracked, not modified in the work tree: ``git ls-files -m`` compares
its stat data, as ``git status`` does), those bytes are a git blob, named by its object id. So the
answer is remembered per object id: the next run greps only the files whose blob it has not seen
(a pull request's changed files), and a run over an unchanged tree greps none.

One text file per needle set in the checkout's cache folder: ``FORMAT`` and the needles, a blank
line, the ids of the blobs that hold a needle one per line, a line ``-``, then the ids of those that
do not. Written whole to a temporary name and renamed into place; a file that does not read back as
that shape is ignored, and the full scan runs.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FORMAT = "runsmig-blobs-2"
_IDS = re.compile(r"(?:[0-9a-f]{40,64}\n)*")
KEEP = 200_000  # blobs remembered at most (the current tree's are always kept)


def _memo_path(root: Path, words: list[str]) -> Path:
    from runsmig.runner.cache import cache_dir

    tag = hashlib.blake2b("\0".join([FORMAT, *words]).encode(), digest_size=12).hexdigest()
    return cache_dir(root) / "blobs" / f"{tag}.txt"


class BlobMemo:
    def __init__(self, root: Path, words: list[str]) -> None:
        self.path = _memo_path(root, words)
        self.words = words
        self.holds: set[str] = set()
        self.clean: set[str] = set()

    @classmethod
    def load(cls, root: Path, words: list[str]) -> BlobMemo | None:
        """The memo of an earlier run with the same needles, or None (none, unreadable, foreign)."""
        memo = cls(root, words)
        try:
            head, _, body = memo.path.read_text("utf-8").partition("\n\n")
        except (OSError, UnicodeDecodeError):
            return None
        if head.split("\n") != [FORMAT, *words]:
            return None
        holds, sep, clean = body.partition("-\n")
        if not sep or not _IDS.fullmatch(holds) or not _IDS.fullmatch(clean):
            return None
        memo.holds, memo.clean = set(holds.split()), set(clean.split())
        return memo

    def save(self, blobs: dict[str, str], hits: set[str]) -> None:
        """Remember the current tree (``blobs``: path -> object id; ``hits``: the paths that hold a
        needle) with as much of the earlier memo as ``KEEP`` allows."""
        holds = {blobs[rel] for rel in hits if rel in blobs}
        clean = set(blobs.values()) - holds
        room = KEEP - len(holds) - len(clean)
        if room > 0 and (self.holds or self.clean):
            holds |= set(list(self.holds - clean)[:room])
            clean |= set(list(self.clean - holds)[:max(0, room - len(self.holds))])
        from runsmig.runner.cache import store_text

        store_text(self.path, "\n".join([FORMAT, *self.words, "", *holds, "-", *clean]) + "\n")

"""Which git blobs hold a needle, remembered between runs: a cached gate does not grep the tree again.

Whether a tracked file can matter (:mod:`.scan`) depends only on its bytes and the needles. For a
file the index vouches for (tracked, not modified in the work tree: ``git ls-files -m`` compares
its stat data, as ``git status`` does), those bytes are a git blob, named by its object id. So the
answer is remembered per object id: the next run greps only the files whose blob it has not seen
(a pull request's changed files), and a run over an unchanged tree greps none.

One text file per needle set in the checkout's cache folder: ``FORMAT`` and the needles, a blank
line, the ids of the blobs that hold a needle one per line, a line ``-``, then the ids of those that
do not. Sealed with this machine's key (runner.seal) and written whole to a temporary name and renamed
into place; a file whose seal does not verify (an edited memo would hide a blob that holds a needle)
or that does not read back as that shape is ignored, and the full scan runs and rewrites it.

The index vouches by stat data, so git is asked with its full stat check (core.trustctime and
core.checkStat at their defaults whatever the repository says, :mod:`runsmig.discover`): a
same-size edit whose modification time was restored still changes the file's ctime, and is
searched.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FORMAT = "runsmig-blobs-3"
KIND = "blobs"  # what the seal names (runner.seal)
_IDS = re.compile(r"(?:[0-9a-f]{40,64}\n)*")
KEEP = 200_000  # blobs remembered at most (the current tree's are always kept)


def _memo_path(root: Path, words: list[str]) -> Path:
    from runsmig.runner.cache import cache_dir

    tag = hashlib.blake2b("\0".join([FORMAT, *words]).encode(), digest_size=12).hexdigest()
    return cache_dir(root) / "blobs" / f"{tag}.txt"


class BlobMemo:
    def __init__(self, root: Path, words: list[str]) -> None:
        self.root = root
        self.path = _memo_path(root, words)
        self.words = words
        self.holds: set[str] = set()
        self.clean: set[str] = set()

    @classmethod
    def load(cls, root: Path, words: list[str]) -> BlobMemo | None:
        """The memo of an earlier run with the same needles, or None (none, unreadable, foreign)."""
        from runsmig.runner import seal

        memo = cls(root, words)
        payload = seal.load(memo.path, KIND, memo.path.stem, root)
        if payload is None:  # none, or one that does not verify
            return None
        try:
            head, _, body = payload.decode("utf-8").partition("\n\n")
        except UnicodeDecodeError:
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
        from runsmig.runner import seal

        text = "\n".join([FORMAT, *self.words, "", *holds, "-", *clean]) + "\n"
        seal.store(self.path, KIND, self.path.stem, text.encode(), self.root)

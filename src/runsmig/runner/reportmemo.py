"""The gate's whole answer, remembered for a tree it has seen: a check of an unchanged checkout
prints the report it printed before without analysing, or even loading, a single file result.

A report is a function of runsmig, the recipe, the command's options and the checkout's files.
The key is made of all of them: the result cache's context (runsmig's source and parser versions,
the recipe with its YAML and transforms, the file list, the planned moves and deletes, the shared
configuration), the options that shape the output (format, files named), the files skipped and why,
and the content of every file: for a tracked file the index vouches for, its git object id (no
read; git is asked with its full stat check, whatever core.trustctime or core.checkStat say, so
an edit that keeps the size and restores the modification time is not vouched for); for any other
(untracked, modified in the work tree), the digest of its bytes; a submodule's folder, a FIFO or
anything else that is not a regular file is never read (runner.regular), as the run without the
cache never reads it. Outside git there is no key: every file would have to be read, and the
per-file cache does that already.

One JSON file per key in the checkout's cache folder, sealed with this machine's key (runner.seal),
written to a temporary name and renamed into place; one whose seal does not verify (an edited
report, a cache folder restored from elsewhere), that does not parse or names another key is
ignored, and the report is made again and stored over it. The newest few are kept.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

FORMAT = "runsmig-report-2"
KIND = "report"  # what the seal of an entry names (runner.seal)
KEEP = 8


@dataclass(frozen=True)
class Answer:
    stdout: str
    summary: str  # the one line on stderr
    exit_code: int


def tree_key(root: Path, recipe, prepared, options: str) -> str | None:
    """The key of this check's answer (None: outside git, or a file cannot be read)."""
    from runsmig.runner.cache import content_hash
    from runsmig.runner.regular import regular_bytes

    found = prepared.found
    if not found.git or found.blobs is None or found.unlisted:  # a folder it cannot list: no answer to recall
        return None
    context = prepared.result_cache(root, recipe).context
    blobs = found.blobs
    ids = list(map(blobs.get, found.files))
    if None in ids:
        for i, blob in enumerate(ids):
            if blob is None:  # not as the index says: its bytes are read
                try:
                    data = regular_bytes(root / found.files[i])
                except OSError:
                    return None
                ids[i] = "-" if data is None else "=" + content_hash(data)  # "-": not a regular file
    d = hashlib.blake2b(digest_size=20)
    # the context holds the file list already (runner.cache.ResultCache)
    for part in (FORMAT, context, options, json.dumps(found.skipped), "\0".join(ids)):
        data = part.encode("utf-8", "surrogateescape")
        d.update(len(data).to_bytes(8, "little"))
        d.update(data)
    return d.hexdigest()


def _folder(root: Path) -> Path:
    from runsmig.runner.cache import cache_dir

    return cache_dir(root) / "reports"


def recall(root: Path, key: str) -> Answer | None:
    from runsmig.runner import seal

    payload = seal.load(_folder(root) / f"{key}.json", KIND, key, root)
    if payload is None:  # none, or one that does not verify
        return None
    try:
        entry = json.loads(payload)
        if entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        answer = Answer(entry["stdout"], entry["summary"], entry["exit_code"])
        if not (isinstance(answer.stdout, str) and isinstance(answer.summary, str) and type(answer.exit_code) is int):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return answer


def remember(root: Path, key: str, answer: Answer) -> None:
    from runsmig.runner import seal

    folder = _folder(root)
    entry = {"format": FORMAT, "key": key, "stdout": answer.stdout, "summary": answer.summary,
             "exit_code": answer.exit_code}
    seal.store(folder / f"{key}.json", KIND, key, json.dumps(entry).encode(), root)
    try:
        older = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for p in older:
            p.unlink(missing_ok=True)
    except OSError:
        return  # another run pruned it first

"""``typeof import('pkg')`` as a type argument (``importOriginal<typeof import('bullmq')>()``,
vitest's ``vi.mock`` idiom) is valid TypeScript that tree-sitter-typescript rejects. A file that
fails to parse only for that is parsed with each such query of a package (never a relative path: a
module the plan moves is named there) read as ``typeof`` an identifier of the same length: the tree
keeps every other node at its offsets, and nothing in those queries is renamed (a package's name).

``masked(text)``: the text to parse instead, or None when there is no such query.
"""

from __future__ import annotations

import re

_QUERY = re.compile(r"""(?<![\w$.])typeof(\s+)(import\s*\(\s*(['"])[^'"./\n][^'"\n]*\3\s*\))""")


def masked(text: str) -> str | None:
    out, n = _QUERY.subn(lambda m: "typeof" + m.group(1) + "_" * len(m.group(2)), text)
    return out if n else None

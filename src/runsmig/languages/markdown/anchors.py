"""Markdown headings, anchors and intra-repo links (shared by the Markdown
transformer and scripts/md_links.py).

GitHub heading anchors: the heading's rendered text, lowercased, punctuation
dropped except ``-`` and ``_``, each space turned into ``-``; a repeated slug
gets ``-1``, ``-2``, ... HTML ``id``/``name`` attributes add anchors too.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it import MarkdownIt

from runsmig.pathmatch import starting_with

_md: MarkdownIt | None = None


def parser() -> MarkdownIt:
    global _md
    if _md is None:
        _md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    return _md


_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
_HTML_TAG = re.compile(r"<[^>]*>")
_HTML_ID = re.compile(r"""<(?:a|span|div|h[1-6]|p|section|details)\b[^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
MD_SUFFIXES = (".md", ".markdown")


def slugify(text: str) -> str:
    return _DROP.sub("", text.lower()).replace(" ", "-")


def inline_plain(tok) -> str:
    """The rendered text of an inline token (what GitHub slugs)."""
    parts = []
    for c in tok.children or []:
        if c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif c.type == "image":
            parts.append(inline_plain(c))
    return "".join(parts)


def strip_front_matter(text: str) -> tuple[str, int]:
    """(text with a leading YAML front matter blanked to empty lines, its line count)."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return text, 0
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") in ("---", "..."):
            blank = "".join("\r\n" if ln.endswith("\r\n") else "\n" for ln in lines[: i + 1])
            return blank + "".join(lines[i + 1:]), i + 1
    return text, 0


def heading_slugs(text: str) -> list[str]:
    """The base slug of every heading (before duplicate numbering), in order."""
    body, _ = strip_front_matter(text)
    toks = parser().parse(body)
    return [slugify(_HTML_TAG.sub("", inline_plain(toks[i + 1])))
            for i, t in enumerate(toks) if t.type == "heading_open" and i + 1 < len(toks)]


# Hand-written HTML anchors are often a compacted heading slug (``on_job_start.py`` ->
# ``onjobstartpy``): these shapes let such an id follow its heading.
ID_SHAPES = (
    lambda s: s,
    lambda s: s.replace("-", "").replace("_", ""),
    lambda s: s.replace("_", ""),
    lambda s: s.replace("-", ""),
)


def html_ids(text: str):
    """(start, end, id) of every HTML id/name attribute."""
    return [(m.start(1), m.end(1), m.group(1)) for m in _HTML_ID.finditer(text)]


def anchors(text: str) -> list[str]:
    """Every anchor of a Markdown document, in document order (headings, then HTML ids)."""
    body, _ = strip_front_matter(text)
    out: list[str] = []
    seen: dict[str, int] = {}
    toks = parser().parse(body)
    for i, t in enumerate(toks):
        if t.type == "heading_open" and i + 1 < len(toks):
            base = slugify(_HTML_TAG.sub("", inline_plain(toks[i + 1])))
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.append(base if n == 0 else f"{base}-{n}")
    for t in toks:
        if t.type in ("html_block",) or (t.type == "inline" and "<" in t.content):
            for m in _HTML_ID.finditer(t.content):
                out.append(m.group(1))
    return out


@dataclass(frozen=True)
class Link:
    start: int  # offsets of the destination in the source text
    end: int
    dest: str


def split_dest(dest: str) -> tuple[str, str | None]:
    """'path#frag' -> ('path', 'frag'); no '#' -> (path, None)."""
    if "#" in dest:
        p, f = dest.split("#", 1)
        return p, f
    return dest, None


def is_external(dest: str) -> bool:
    return bool(SCHEME.match(dest)) or dest.startswith("//")


def resolve(from_rel: str, path: str) -> str | None:
    """Checkout-relative target of a link path written in file ``from_rel`` (None: leaves the checkout)."""
    path = unquote(path.split("?", 1)[0])
    if path.startswith("/"):
        joined = path.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(from_rel), path)
    norm = posixpath.normpath(joined) if joined else "."
    if norm.startswith("../") or norm == "..":
        return None
    return "" if norm == "." else norm


def relative(from_rel: str, target: str, like: str) -> str:
    """A link path from file ``from_rel`` to ``target``, shaped like the original path ``like``."""
    if like.startswith("/"):
        return "/" + target
    rel = posixpath.relpath(target or ".", posixpath.dirname(from_rel) or ".")
    if like.startswith("./") and not rel.startswith("../"):
        rel = "./" + rel
    if like.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel


def fragment_matches(frag: str, names: list[str] | set[str]) -> bool:
    f = unquote(frag)
    return f in names or f.lower() in {n.lower() for n in names}


class Tree:
    """A file set for link resolution: files and the folders that contain them (a folder is the
    top one, or a path some file lies under; found by bisection in the sorted files, sorted on the
    first question about a folder)."""

    def __init__(self, files):
        self.files = files if isinstance(files, (set, frozenset)) else set(files)
        self._sorted: list[str] | None = None

    def exists(self, rel: str) -> bool:
        rel = rel.rstrip("/")
        return not rel or rel in self.files or next(self.under(rel + "/"), None) is not None

    def under(self, prefix: str):
        """The files whose paths start with ``prefix``, in order."""
        if self._sorted is None:
            self._sorted = sorted(self.files)
        return starting_with(self._sorted, prefix)

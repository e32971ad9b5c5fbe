"""Markdown paragraphs a rewrite changed, re-flowed as prettier does with ``proseWrap: "always"``.

A project whose nearest prettier configuration (:func:`runsmig.linelength.prettier_style`) says
``proseWrap: "always"`` keeps every Markdown paragraph filled to ``printWidth``; ``prettier --check``
fails once a rename makes a line longer than that, or short enough to take the next line's first
word. Each paragraph of a ``.md`` / ``.mdx`` file that the rewrite changed is therefore filled
again: its words joined by single spaces and laid greedily on lines of at most ``printWidth``
columns (a word longer than the room goes on a line of its own). A paragraph inside a list item
keeps its marker and continuation indent, one inside a blockquote its ``> `` prefix. A break is
never made inside an inline code span, a link's ``](url)`` part or an HTML tag; a line ending in a
hard break (two spaces or a backslash) ends a run of lines filled together.

Left exactly as they are: headings, tables, fenced and indented code, front matter, HTML blocks,
link reference definitions, and every paragraph the rewrite did not change. No such configuration
(or ``proseWrap`` ``preserve`` / ``never``): nothing is re-flowed. A file a recipe regenerates is
its tool's, and is left as it is. A JSON or YAML configuration's ``overrides`` are applied to the
file (``files`` / ``excludeFiles`` globs, relative to the configuration's folder); a JS or TOML
configuration is read for its top-level options only.

Interface: ``reflow_changes(root, changes, generated=()) -> list[Change]``;
``reflow_text(old, new, width) -> str``.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from runsmig.textpass import edit_changes

_MARKDOWN = (".md", ".mdx")
_QUOTE = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_ITEM = re.compile(r"[ ]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ ]+|$)")
_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"[ ]{0,3}#{1,6}(?:\s|$)")
_BREAK = re.compile(r"[ ]{0,3}(?:(?:\*[ ]*){3,}|(?:-[ ]*){3,}|(?:_[ ]*){3,})$")
_SETEXT = re.compile(r"[ ]{0,3}(?:=+|-+)[ ]*$")
_REFDEF = re.compile(r"[ ]{0,3}\[[^\]]+\]:")


def reflow_changes(root: Path, changes, generated=()) -> list:
    """``changes`` (runsmig.plan.Change) with the changed paragraphs of Markdown files re-flowed
    where the file's prettier configuration says ``proseWrap: "always"``."""

    memo: dict = {}  # folder -> its configuration, read once per plan

    def edit(c, old: str, new: str) -> str:
        style = markdown_style(root, c.target, memo)
        return reflow_text(old, new, style[1]) if style is not None and style[0] == "always" else new

    return edit_changes(changes, generated, lambda rel: rel.endswith(_MARKDOWN), edit)


def reflow_text(old: str, new: str, width: int) -> str:
    """``new`` with each paragraph holding a line that differs from ``old`` re-flowed to ``width``."""
    if "\r" in new.replace("\r\n", ""):
        return new
    eol = "\r\n" if "\r\n" in new else "\n"
    a, b = old.splitlines(), new.splitlines()
    changed: set[int] = set()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            changed.update(range(j1, j2))
    if not changed:
        return new
    paragraphs = _paragraphs(b)
    out = list(b)
    for start, end in sorted(paragraphs, reverse=True):
        if not changed.intersection(range(start, end)):
            continue
        flowed = _reflow(b[start:end], width)
        if flowed is not None:
            out[start:end] = flowed
    text = eol.join(out)
    if new.endswith(("\n", "\r\n")):
        text += eol
    return text


def _container(line: str) -> tuple[str, str]:
    """A line's blockquote prefix and what follows it."""
    m = _QUOTE.match(line)
    return (m.group(0), line[m.end():]) if m else ("", line)


def _block_start(body: str) -> bool:
    """Whether a line (its blockquote prefix taken off) starts some block other than a paragraph's text."""
    s = body.lstrip(" ")
    return bool(not s or _FENCE.match(body) or _HEADING.match(body) or _BREAK.match(body)
                or s.startswith(("|", "<")) or _REFDEF.match(body) or _ITEM.match(body))


def _interrupts(body: str, column: int) -> bool:
    """Whether a line ends the paragraph above it, whose text starts at ``column`` (CommonMark: a
    list item with text does when it is outdented from that text, a sibling or an outer item; else
    only a bullet or an ordered item starting at 1)."""
    item = _ITEM.match(body)
    if item:
        if not body[item.end():].strip():
            return False
        if len(body) - len(body.lstrip(" ")) < column:
            return True
        marker = body[:item.end()].strip()
        return marker[0] in "-*+" or marker[:-1].lstrip("0") == "1"
    return _block_start(body)


def _paragraphs(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the paragraphs of a Markdown document (prose, outside code)."""
    found = []
    i, n = 0, len(lines)
    if n and lines[0].strip() in ("---", "+++"):  # front matter
        mark = lines[0].strip()
        for j in range(1, n):
            if lines[j].strip() == mark:
                i = j + 1
                break
    fence = None
    prev_blank = True
    while i < n:
        line = lines[i]
        quote, body = _container(line)
        if fence is not None:
            if body.strip().startswith(fence) and set(body.strip()) == {fence[0]}:
                fence = None
            i += 1
            prev_blank = False
            continue
        m = _FENCE.match(_ITEM.sub("", body, count=1) if _ITEM.match(body) else body)
        if m:
            fence = m.group(1)
            i += 1
            continue
        if not body.strip():
            prev_blank = True
            i += 1
            continue
        item = _ITEM.match(body)
        content = body[item.end():] if item else body
        indent = len(body) - len(body.lstrip(" "))
        if (not item and prev_blank and indent >= 4 and not _in_list(lines, i)) or "\t" in line:
            i += 1  # indented code (or a tab: columns uncertain)
            prev_blank = False
            continue
        prev_blank = False
        if (not content.strip() or _block_start(content) or (not item and _block_start(body))
                or content.lstrip().startswith(("import ", "export "))):
            i += 1
            continue
        column = item.end() if item else indent
        j = i + 1
        while j < n:
            q2, b2 = _container(lines[j])
            if q2.replace(" ", "") != quote.replace(" ", "") or not b2.strip() or _interrupts(b2, column) \
                    or _SETEXT.match(b2) or "\t" in lines[j]:
                break
            j += 1
        if j < n and _SETEXT.match(_container(lines[j])[1]) and _container(lines[j])[1].strip():
            i = j + 1  # a setext heading
            continue
        found.append((i, j))
        i = j
    return found


def _in_list(lines: list[str], i: int) -> bool:
    """Whether an indented line continues a list item above it (not indented code)."""
    for k in range(i - 1, -1, -1):
        body = _container(lines[k])[1]
        if not body.strip():
            continue
        if _ITEM.match(body):
            return True
        if len(body) - len(body.lstrip(" ")) == 0:
            return False
    return False


def _reflow(lines: list[str], width: int) -> list[str] | None:
    """A paragraph's lines filled to ``width``, or None where it must stay as it is."""
    quote, body = _container(lines[0])
    item = _ITEM.match(body)
    first = quote + (body[:item.end()] if item else body[:len(body) - len(body.lstrip(" "))])
    if len(lines) > 1:
        q2, b2 = _container(lines[1])
        rest = q2 + b2[:len(b2) - len(b2.lstrip(" "))]
    else:
        rest = quote + " " * (len(first) - len(quote))
    texts = [(lines[0][len(first):])] + [_container(x)[1].lstrip(" ") for x in lines[1:]]
    out: list[str] = []
    segment: list[str] = []
    for k, t in enumerate(texts):
        hard = t.endswith("  ") or (t.endswith("\\") and not t.endswith("\\\\"))
        segment.append(t.strip() if not hard or t.endswith("\\") else t.rstrip() )
        if hard or k == len(texts) - 1:
            words = _words(" ".join(segment))
            if words is None:
                return None
            filled = _fill(words, width, first if not out else rest, rest)
            if hard and t.endswith("  "):
                filled[-1] += t[len(t.rstrip()):]
            out.extend(filled)
            segment = []
    return out


def _words(text: str) -> list[str] | None:
    """The words of a paragraph's text: split at spaces, but never inside a code span, a link's
    ``](url)`` or an HTML tag. None when such a span is left open (the text is not understood)."""
    words, cur = [], []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            cur.append(text[i:i + 2])
            i += 2
            continue
        if ch == "`":
            m = re.match(r"`+", text[i:])
            ticks = m.group(0)
            close = re.compile(r"(?<!`)" + ticks + r"(?!`)").search(text, i + len(ticks))
            if close is None:
                cur.append(ticks)
                i += len(ticks)
                continue
            cur.append(text[i:close.end()])
            i = close.end()
            continue
        if ch == "[" or (ch == "!" and text[i + 1:i + 2] == "["):
            end = _link_end(text, i + (ch == "!"))
            if end is not None:  # prettier never breaks a link (its text nor its url)
                cur.append(text[i:end])
                i = end
                continue
        if ch == "<":
            m = re.match(r"</?[A-Za-z][^<>]*>|<[a-z][a-z0-9+.-]*:[^<>\s]*>", text[i:])
            if m:
                cur.append(m.group(0))
                i += m.end()
                continue
        if ch in " \t":
            if cur:
                words.append("".join(cur))
                cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    if cur:
        words.append("".join(cur))
    glued: list[str] = []
    for w in words:  # a word that would start a block at the start of a line stays after the one before
        if glued and _STARTER.match(w):
            glued[-1] += " " + w
        else:
            glued.append(w)
    return glued


_STARTER = re.compile(r"(?:[-+*>]|#{1,6}|\d{1,9}[.)]|=+|-+|`{3,}.*|~{3,}.*)$")


def _link_end(text: str, i: int) -> int | None:
    """Where a link or image starting with ``[`` at ``i`` ends (after its ``(url)`` or ``[ref]``), else None."""
    depth, j, n = 0, i, len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "`":
            m = re.match(r"`+", text[j:])
            close = text.find(m.group(0), j + len(m.group(0)))
            j = close + len(m.group(0)) if close >= 0 else j + len(m.group(0))
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                break
        j += 1
    if j >= n:
        return None
    j += 1
    if j < n and text[j] in "([":
        close = ")" if text[j] == "(" else "]"
        depth, k = 0, j
        while k < n:
            if text[k] == text[j]:
                depth += 1
            elif text[k] == close:
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return None
    return None


def _fill(words: list[str], width: int, first: str, rest: str) -> list[str]:
    """``words`` laid greedily on lines of at most ``width`` columns, the first after ``first``,
    the others after ``rest``."""
    lines: list[str] = []
    line = first
    empty = True
    for w in words:
        if empty:
            line += w
            empty = False
        elif len(line) + 1 + len(w) <= width:
            line += " " + w
        else:
            lines.append(line)
            line = rest + w
    lines.append(line)
    return lines




def markdown_style(root: Path, rel: str, memo: dict | None = None) -> tuple[str, int] | None:
    """(proseWrap, printWidth) prettier uses for the Markdown file ``rel``: its nearest configuration,
    with the ``overrides`` whose ``files`` match it applied where that configuration is JSON or YAML
    (read, never run); None without a configuration. ``memo``: each folder's configuration, read
    once for the files of one plan."""
    from runsmig.linelength import prettier_style

    folder = rel.rpartition("/")[0]
    if memo is not None and folder in memo:
        style, conf = memo[folder]
    else:
        style = prettier_style(root, rel)
        conf = _structured(root, style.source) if style is not None else None
        if memo is not None:
            memo[folder] = (style, conf)
    if style is None:
        return None
    wrap, width = style.prose_wrap, style.print_width
    if conf is None:
        return wrap, width
    # the top level's own options (the text's first ``proseWrap`` may be an override's)
    wrap = conf["proseWrap"] if conf.get("proseWrap") in ("always", "never", "preserve") else "preserve"
    width = conf["printWidth"] if isinstance(conf.get("printWidth"), int) else 80
    base = style.source.rpartition("/")[0]
    here = rel[len(base) + 1:] if base and rel.startswith(base + "/") else rel
    for o in conf.get("overrides") or []:
        if not isinstance(o, dict) or not isinstance(o.get("options"), dict):
            continue
        if _globs_match(o.get("files"), here) and not _globs_match(o.get("excludeFiles"), here):
            opts = o["options"]
            if opts.get("proseWrap") in ("always", "never", "preserve"):
                wrap = opts["proseWrap"]
            if isinstance(opts.get("printWidth"), int):
                width = opts["printWidth"]
    return wrap, width


def _structured(root: Path, source: str) -> dict | None:
    """A JSON or YAML prettier configuration (or package.json's ``prettier`` key) as a dict, else None."""
    import json

    if not source or source.endswith((".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".toml", ".json5")):
        return None
    try:
        text = (root / source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        conf = json.loads(text)
    except ValueError:
        try:
            import yaml

            conf = yaml.safe_load(text)
        except Exception:  # noqa: BLE001 - not YAML either: the regex reading stands
            return None
    if source.endswith("package.json"):
        conf = conf.get("prettier") if isinstance(conf, dict) else None
    return conf if isinstance(conf, dict) else None


def _globs_match(globs, path: str) -> bool:
    """Whether ``path`` (relative to the configuration's folder) matches one of prettier's ``files``
    globs (a glob without a slash matches the file's name in any folder)."""
    from fnmatch import fnmatchcase

    if isinstance(globs, str):
        globs = [globs]
    if not isinstance(globs, list):
        return False
    name = path.rpartition("/")[2]
    for g in globs:
        if not isinstance(g, str):
            continue
        for alt in _braces(g):
            target = name if "/" not in alt else path
            if fnmatchcase(target, alt) or fnmatchcase(path, alt.replace("**/", "")):
                return True
    return False


def _braces(glob: str) -> list[str]:
    """``*.{md,mdx}`` -> ``*.md``, ``*.mdx`` (one level of braces)."""
    m = re.search(r"\{([^{}]*)\}", glob)
    if not m:
        return [glob]
    return [glob[:m.start()] + part + glob[m.end():] for part in m.group(1).split(",")]


__all__ = ["markdown_style", "reflow_changes", "reflow_text"]

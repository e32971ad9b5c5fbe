"""The free text of a tool's files, where a word of the tool's own vocabulary (a schema's
``vocabulary``: GitHub Actions' and GitLab CI's "job") is the tool's word, not the project's.

A *prose rule* ``rule(text, scalar) -> [(start, end), ...]`` gives the regions of a scalar that
are free text: :func:`text` the whole scalar (a ``name:``, a ``description:``), :func:`script` the
comments and ``echo``/``printf`` arguments of a shell script (``run:``, ``script:``). Expressions
(``${{ }}``, ``$[[ ]]``) are cut out: they are code. In those regions only a *bare* word of the
vocabulary counts (``the release job``, ``Jobs:``); a word joined to others (``build-jobs``,
``data/jobs``, ``jobs.tgz``, ``$JOBS``, ``rq:jobs``) names something of the user's and is renamed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from runsmig.languages.config.schemas.shapes import Scalar

ProseRule = Callable[[str, Scalar], list[tuple[int, int]]]

_BEFORE = r"(?<![\w\-./\\$=@#~%+{])(?<![\w]:)"
_AFTER = r"(?![\w\-/\\=@%+}])(?![.:]\w)"


def words_re(vocabulary: Iterable[str]) -> re.Pattern[str]:
    alt = "|".join(re.escape(w) for w in sorted(set(vocabulary), key=len, reverse=True))
    return re.compile(rf"{_BEFORE}(?:{alt}){_AFTER}", re.IGNORECASE)


def bare_words(text: str, regions: Iterable[tuple[int, int]], pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """The bare words of the vocabulary inside the regions (file offsets)."""
    out = []
    for s, e in regions:
        out.extend(m.span() for m in pattern.finditer(text, s, e))
    return out


def _cut(text: str, regions: list[tuple[int, int]], exclude: re.Pattern[str] | None) -> list[tuple[int, int]]:
    if exclude is None:
        return regions
    out = []
    for s, e in regions:
        pos = s
        for m in exclude.finditer(text, s, e):
            if m.start() > pos:
                out.append((pos, m.start()))
            pos = max(pos, m.end())
        if pos < e:
            out.append((pos, e))
    return out


def _content(text: str, node: Scalar) -> tuple[int, int]:
    """The scalar without its YAML quotes or block header (``|``, ``>-`` ...)."""
    s, e = node.start, node.end
    if e - s >= 2 and text[s] in "'\"" and text[e - 1] == text[s]:
        return s + 1, e - 1
    if s < e and text[s] in "|>":
        nl = text.find("\n", s, e)
        return (nl + 1 if nl >= 0 else e), e
    return s, e


def text(exclude: re.Pattern[str] | None = None) -> ProseRule:
    """The whole scalar is free text (a name, a description), but for ``exclude`` (expressions)."""

    def rule(src: str, node: Scalar) -> list[tuple[int, int]]:
        return _cut(src, [_content(src, node)], exclude)

    return rule


_COMMANDS = ("echo", "printf")
_KEYWORDS = {"then", "do", "else", "elif", "if", "while", "until", "!", "time", "{", "("}
_SEPARATORS = ";&|()\n"


def shell_prose(src: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comments and the arguments of ``echo``/``printf`` in the shell script src[start:end]: the
    text a script shows or says about itself. Other commands' words are the user's (``make jobs``)."""
    out: list[tuple[int, int]] = []
    i = start
    quote = ""
    command_next = True  # the next word is a command
    echo_from = -1  # the start of the current echo's arguments
    while i < end:
        c = src[i]
        if quote:
            if c == quote:
                quote = ""
            elif c == "\\" and quote == '"':
                i += 1
            i += 1
            continue
        if c in "'\"":
            quote = c
            i += 1
            continue
        if c == "\\":
            i += 2
            continue
        if c == "#" and (i == start or src[i - 1] in " \t\n;&|("):
            j = src.find("\n", i, end)
            j = end if j < 0 else j
            if echo_from >= 0:
                out.append((echo_from, i))
                echo_from = -1
            out.append((i, j))
            i = j
            continue
        if c in _SEPARATORS or c in "<>":
            if echo_from >= 0:
                out.append((echo_from, i))
                echo_from = -1
            if c in "<>":  # a redirect: its target is a path, then the command goes on (not as echo's)
                i += 1
                continue
            command_next = True
            i += 1
            continue
        if c in " \t":
            i += 1
            continue
        m = re.compile(r"[^\s;&|()<>'\"\\#]+").match(src, i, end)
        if m is None:  # a lone '#' inside a word
            i += 1
            continue
        word = m.group(0)
        if command_next:
            if word in _KEYWORDS or re.fullmatch(r"[A-Za-z_]\w*=\S*", word):
                pass  # 'then echo ...', 'X=1 echo ...': the command is still to come
            else:
                command_next = False
                if word in _COMMANDS:
                    echo_from = m.end()
        i = m.end()
    if echo_from >= 0:
        out.append((echo_from, end))
    return [(s, e) for s, e in out if s < e]


def script(exclude: re.Pattern[str] | None = None) -> ProseRule:
    """A shell script (``run:``, ``script:``): its comments and ``echo``/``printf`` arguments."""

    def rule(src: str, node: Scalar) -> list[tuple[int, int]]:
        s, e = _content(src, node)
        return _cut(src, shell_prose(src, s, e), exclude)

    return rule

"""Text that sits inside another file (a Markdown code fence, front matter, an
inline span) with a map back to the source offsets, and running another
language's transformer on it.

A :class:`Segment` is content lines, each found at a source offset; within a
line the content is a verbatim slice of the source (only line prefixes such as
indentation or ``> `` are dropped), so offsets map line by line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from runsmig.findings import Analysis, Edit, Finding
from runsmig.languages.markdown.prose import is_clash

FENCE_EXT = {
    "py": ".py", "python": ".py", "python3": ".py", "py3": ".py", "pycon": None,
    "ts": ".ts", "typescript": ".ts", "tsx": ".tsx", "js": ".js", "javascript": ".js", "jsx": ".jsx",
    "mjs": ".mjs", "cjs": ".cjs", "node": ".js",
    "json": ".json", "jsonc": ".json", "json5": ".json",
    "yaml": ".yaml", "yml": ".yaml",
    "toml": ".toml",
    "env": ".env", "dotenv": ".env",
    "ini": None, "bash": None, "sh": None, "shell": None, "console": None, "zsh": None,
    "md": ".md", "markdown": ".md",
}


@dataclass
class Segment:
    content: str
    cstarts: list[int]  # content offset of each line start
    sstarts: list[int]  # source offset of each line start

    def to_source(self, off: int) -> int:
        i = bisect.bisect_right(self.cstarts, off) - 1
        i = max(i, 0)
        return self.sstarts[i] + (off - self.cstarts[i])

    def verbatim(self, text: str, cs: int, ce: int) -> bool:
        """Is content[cs:ce] the same slice in the source (does not cross a dropped prefix)?"""
        a, b = self.to_source(cs), self.to_source(ce)
        return text[a:b] == self.content[cs:ce]


def align(text: str, line_starts: list[int], first_line: int, content: str, cursor: dict[int, int] | None = None) -> Segment | None:
    """Find each line of ``content`` in source lines first_line, first_line+1, ... (0-based)."""
    lines = content.split("\n")
    cstarts: list[int] = []
    sstarts: list[int] = []
    coff = 0
    nlines = len(line_starts)
    for i, cl in enumerate(lines):
        ln = first_line + i
        if ln >= nlines:
            if cl == "":
                cstarts.append(coff)
                sstarts.append(len(text))
                coff += 1
                continue
            return None
        ls = line_starts[ln]
        le = line_starts[ln + 1] if ln + 1 < nlines else len(text)
        src_line = text[ls:le].rstrip("\n").rstrip("\r")
        start_col = cursor.get(ln, 0) if cursor is not None else 0
        if cl == "":
            col = len(src_line) if i == len(lines) - 1 and i > 0 else min(start_col, len(src_line))
        else:
            col = src_line.find(cl, start_col)
            if col < 0:
                return None
        cstarts.append(coff)
        sstarts.append(ls + col)
        if cursor is not None:
            cursor[ln] = col + len(cl)
        coff += len(cl) + 1
    return Segment(content, cstarts, sstarts)


def embedded_language(rel: str):
    from runsmig.languages import language_for

    lang = language_for(rel)
    return None if lang.priority <= 0 else lang


def analyze_embedded(ctx, seg: Segment, fake_rel: str, fallback_kind: str = "code",
                     doc_snippet: bool = True) -> tuple[list[Edit], list[Finding]]:
    """Run the language registered for ``fake_rel`` on the segment; map its edits back.

    Falls back to the term engine (kind ``fallback_kind``) when no language is
    registered, when it fails, or for an edit that does not map back verbatim.
    """
    from runsmig.languages.base import FileContext

    lang = embedded_language(fake_rel)
    edits: list[Edit] = []
    findings: list[Finding] = []

    def fallback(cs: int, ce: int) -> None:
        for m in ctx.engine.find(seg.content[cs:ce]):
            a, b = cs + m.start, cs + m.end
            if seg.verbatim(ctx.text, a, b):
                sa, sb = seg.to_source(a), seg.to_source(b)
                rule = "symbol" if m.term is None else "term"
                edits.append(Edit(sa, sb, m.replacement, ctx.finding(sa, sb, fallback_kind, m.replacement, rule)))

    if lang is None:
        fallback(0, len(seg.content))
        return edits, findings
    sub = FileContext(ctx.root, fake_rel, fake_rel, seg.content, ctx.engine, ctx.recipe, ctx.moves, ctx.deletes, ctx.all_files)
    if not lang.listing_queries:
        from runsmig import deps

        deps.whole_listing()  # the snippet's language may read the whole file list
    try:
        res = _analyze_snippet(lang, ctx, sub, fake_rel)
    except Exception:  # never raise: fall back to the term engine
        res = Analysis(failed="error")
    if res.failed:
        fallback(0, len(seg.content))
        return edits, findings
    for e in res.edits:
        if not seg.verbatim(ctx.text, e.start, e.end):
            fallback(e.start, e.end)
            continue
        sa, sb = seg.to_source(e.start), seg.to_source(e.end)
        f = e.finding
        nf = ctx.finding(sa, sb, f.kind, f.replacement, f.rule, f.message) if f is not None else None
        edits.append(Edit(sa, sb, e.text, nf))
    # In a snippet of documentation every term follows the rename: what the language left
    # (a name defined outside the snippet, an import of a module the recipe deletes) the
    # term engine takes; only real conflicts (the new name is taken) stay follow-ups, and so do
    # the words of a comment or docstring kept because their rewrite would read badly (a clash).
    kept = [f for f in res.findings if not (doc_snippet and f.rule == "follow-up" and f.line and ctx.engine.find(f.text)
                                            and not is_clash(f))]
    done = [(e.start, e.end) for e in res.edits]
    done += [(sub.index.offset(f.line, f.col), sub.index.offset(f.line, f.col) + len(f.text)) for f in kept if f.line]
    # a third-party name is reported once (at its first use): its other uses stay too
    external = {f.text for f in kept if f.rule == "external"}
    for m in ctx.engine.find(seg.content):
        if not any(a < m.end and m.start < b for a, b in done):
            if external and _word(seg.content, m.start, m.end) in external:
                continue
            fallback(m.start, m.end)
    for f in kept:
        if f.line:
            off = sub.index.offset(f.line, f.col)
            so = seg.to_source(off)
            findings.append(ctx.finding(so, so + len(f.text), f.kind, f.replacement, f.rule, f.message))
        else:
            findings.append(Finding(ctx.rel, 0, 0, f.text, f.kind, f.replacement, f.rule, f.message))
    return edits, findings


def _word(text: str, start: int, end: int) -> str:
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_$"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "_$"):
        end += 1
    return text[start:end]


# -- the code fences of one Markdown file are one program for imports (TypeScript/JavaScript) --
_FENCE_NO = re.compile(r"~fence(\d+)/")
_PRELUDES: dict[int, tuple[object, list[tuple[int, dict]]]] = {}  # id(md ctx) -> (ctx, [(fence no, bindings)])


def _analyze_snippet(lang, ctx, sub, fake_rel: str) -> Analysis:
    """Run ``lang`` on a snippet. A TypeScript/JavaScript fence sees the package imports (and the
    variables assigned from them) of the earlier fences of the same file: READMEs import once."""
    m = _FENCE_NO.search(fake_rel)
    if lang.name != "typescript" or m is None:
        return lang.analyze(sub)
    from runsmig.languages.typescript.externals import SNIPPET, SnippetContext

    no = int(m.group(1))
    held = _PRELUDES.get(id(ctx))
    if held is None or held[0] is not ctx:
        if len(_PRELUDES) > 16:
            _PRELUDES.clear()
        held = _PRELUDES[id(ctx)] = (ctx, [])
    prelude: dict = {}
    for n, top in held[1]:
        if n < no:
            prelude.update(top)
    snippet = SnippetContext(prelude)
    token = SNIPPET.set(snippet)
    try:
        res = lang.analyze(sub)
    finally:
        SNIPPET.reset(token)
    if snippet.top and not res.failed:
        held[1][:] = [(n, top) for n, top in held[1] if n != no] + [(no, snippet.top)]
    return res

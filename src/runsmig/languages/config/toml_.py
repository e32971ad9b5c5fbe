"""TOML: table headers and keys (``config-key``), string values
(``config-value``, basic and literal, single and multi-line), comments (prose),
edited in place through a tokenizer with offsets.

``pyproject.toml`` keeps the packaging standards' keys, other tools' ``[tool.<name>]``
tables and third-party requirements; lockfiles (``uv.lock``, ``poetry.lock``, ``pdm.lock``,
``Cargo.lock``) are TOML and kept whole: see :mod:`runsmig.languages.config.schemas`."""

from __future__ import annotations

from runsmig.findings import Analysis, Edit, Finding
from runsmig.languages.base import FileContext, Language
from runsmig.languages.config.schemas import TreeError, guard
from runsmig.languages.config.schemas.trees import from_toml
from runsmig.languages.config.tokens import TokenizeError, span_edits, tokenize
from runsmig.languages.markdown.prose import prose_edits


class Toml(Language):
    name = "toml"
    patterns = ("*.toml", "uv.lock", "poetry.lock", "pdm.lock", "Cargo.lock")
    priority = 10
    listing_queries = True  # reads nothing of the file list

    def analyze(self, ctx: FileContext) -> Analysis:
        text = ctx.text
        try:
            toks = tokenize(text, hash_comments=True, slash_comments=False, single_quotes=True, triple=True)
        except TokenizeError as exc:
            return Analysis(failed=f"invalid TOML: {exc.reason}", failed_line=ctx.index.pos(exc.offset)[0])
        try:
            tool = guard(ctx, "toml", lambda: from_toml(text, toks))
        except TreeError as exc:
            return Analysis(failed=f"invalid TOML: {exc.reason}", failed_line=ctx.index.pos(exc.offset)[0])
        edits: list[Edit] = []
        findings: list[Finding] = []
        depth = 0  # brackets/braces inside a value
        header = False
        n = len(toks)
        for i, t in enumerate(toks):
            if t.type == "punct":
                c = text[t.start]
                line_start = text.rfind("\n", 0, t.start) + 1
                if c == "[" and depth == 0 and not text[line_start:t.start].strip():
                    header = True
                elif c == "[" and header:
                    pass  # the second bracket of [[an.array.of.tables]]
                elif c == "]" and header:
                    if not (i + 1 < n and toks[i + 1].type == "punct" and text[toks[i + 1].start] == "]"):
                        header = False
                elif c in "[{":
                    depth += 1
                elif c in "]}":
                    depth = max(0, depth - 1)
                continue
            if t.type == "comment":
                ed, fd = prose_edits(ctx, t.start, t.end, "comment")
                edits.extend(ed)
                findings.extend(fd)
                continue
            nxt = toks[i + 1] if i + 1 < n else None
            is_key = header or (nxt is not None and nxt.type == "punct" and text[nxt.start] in "=.") or (
                nxt is not None and t.type == "word" and text[t.start:t.end].endswith("."))
            kind = "config-key" if is_key else "config-value"
            if t.type == "string":
                a, b = t.inner
                edits.extend(tool(span_edits(ctx, a, b, kind, escapes=t.quote.startswith('"'))))
            elif is_key:
                edits.extend(tool(ctx.term_edits(t.start, t.end, kind)))
        return Analysis(edits=edits, findings=findings + tool.findings, covered=tool.covered)


LANGUAGE = Toml()

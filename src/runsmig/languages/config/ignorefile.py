"""Ignore files (``.gitignore``, ``.dockerignore``, ...): patterns are paths
(``path``), ``#`` lines are comments (prose)."""

from __future__ import annotations

from runsmig.findings import Analysis, Edit, Finding
from runsmig.languages.base import FileContext, Language
from runsmig.languages.markdown.prose import prose_edits


class IgnoreFile(Language):
    name = "ignorefile"
    patterns = (".gitignore", ".dockerignore", ".prettierignore", ".eslintignore", ".npmignore", ".gcloudignore")
    priority = 10
    listing_queries = True  # reads nothing of the file list

    def analyze(self, ctx: FileContext) -> Analysis:
        edits: list[Edit] = []
        findings: list[Finding] = []
        for ln in range(1, len(ctx.index.starts) + 1):
            s = ctx.index.starts[ln - 1]
            line = ctx.index.line_text(ln)
            if line.lstrip().startswith("#"):
                ed, fd = prose_edits(ctx, s + line.index("#"), s + len(line), "comment")
                edits.extend(ed)
                findings.extend(fd)
            elif line.strip():
                edits.extend(ctx.term_edits(s, s + len(line), "path"))
        return Analysis(edits=edits, findings=findings)


LANGUAGE = IgnoreFile()

"""pip requirement files (``requirements*.txt``, ``constraints*.txt``, ``requirements/*.in``):
a requirement's package name belongs to its package index (another project's name, never renamed:
kept and reported once per file as ``external``), and so do its extras, version and markers;
``#`` comments are prose; options (``-r other.txt``, ``-c``, ``-e ./path``) name paths of the
checkout, which follow the term like any path; a URL is left as it is."""

from __future__ import annotations

import re

from runsmig.findings import Analysis, Edit, Finding
from runsmig.languages.base import FileContext, Language
from runsmig.languages.markdown.prose import prose_edits

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_COMMENT = re.compile(r"(^|\s)#")


class Requirements(Language):
    name = "requirements"
    patterns = ("requirements*.txt", "constraints*.txt", "requirements/*.txt", "requirements/*.in",
                "requirements*.in", "dev-requirements*.txt", "test-requirements*.txt")
    priority = 10
    listing_queries = True  # reads nothing of the file list

    def analyze(self, ctx: FileContext) -> Analysis:
        edits: list[Edit] = []
        findings: list[Finding] = []
        covered: list[tuple[int, int, str]] = []
        reported: set[str] = set()
        for ln in range(1, len(ctx.index.starts) + 1):
            s = ctx.index.starts[ln - 1]
            line = ctx.index.line_text(ln)
            m = _COMMENT.search(line)
            body_end = m.start() + len(m.group(1)) if m else len(line)
            if m:
                ed, fd = prose_edits(ctx, s + body_end + 1, s + len(line), "comment")
                edits += ed
                findings += fd
            body = line[:body_end]
            stripped = body.strip()
            if not stripped:
                continue
            if stripped.startswith("-"):  # -r file, -c file, -e ./local: paths of the checkout
                if "://" not in stripped:
                    edits += ctx.term_edits(s, s + body_end, "path")
                continue
            if "://" in stripped or stripped.startswith((".", "/")):
                continue  # a URL or a local path given as a requirement: left as written
            name = _NAME.match(body)
            if name is None:
                continue
            for t in ctx.engine.find(body):  # name, extras, markers: the index's words, all kept
                a, b = s + t.start, s + t.end
                word = name.group(1)
                if word in reported:
                    covered.append((a, b, "external"))
                    continue
                reported.add(word)
                findings.append(ctx.finding(a, b, "config-value", None, "external",
                                            f"'{word}' is a package of the index: kept"))
        return Analysis(edits=edits, findings=findings, covered=covered)


LANGUAGE = Requirements()

"""``.env`` files (``.env``, ``.env.example``, ``*.env``): keys and values.

``KEY=value`` and ``export KEY=value`` give a ``config-key`` and a
``config-value``; a commented-out setting (``# ADE_JOBS_DIR=./data/jobs``) is a
setting too, so that enabling it later gives the new name; any other comment is
prose (``comment``, recipe phrases apply).
"""

from __future__ import annotations

import re

from runsmig.findings import Analysis, Edit, Finding
from runsmig.languages.base import FileContext, Language
from runsmig.languages.config.tokens import span_edits
from runsmig.languages.markdown.prose import prose_edits

ASSIGN = re.compile(r"^(?P<lead>[ \t]*(?:#[ \t]*)?)(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*(?P<value>.*?)[ \t]*$")


class DotEnv(Language):
    name = "dotenv"
    patterns = (".env", ".env.*", "*.env")
    priority = 10
    listing_queries = True  # reads nothing of the file list

    def analyze(self, ctx: FileContext) -> Analysis:
        edits: list[Edit] = []
        findings: list[Finding] = []
        text = ctx.text
        for ln in range(1, len(ctx.index.starts) + 1):
            s = ctx.index.starts[ln - 1]
            line = ctx.index.line_text(ln)
            if not line.strip():
                continue
            m = ASSIGN.match(line)
            commented = m is not None and "#" in m.group("lead")
            if m is not None and commented and " " in m.group("value").strip() and not m.group("value").startswith(("'", '"')):
                m = None  # '# Note: timeout = 5 minutes' is prose, not a setting
            if m is None:
                hash_at = line.find("#")
                if hash_at >= 0 and not line[:hash_at].strip():
                    ed, fd = prose_edits(ctx, s + hash_at, s + len(line), "comment")
                    edits.extend(ed)
                    findings.extend(fd)
                else:
                    edits.extend(ctx.term_edits(s, s + len(line), "config-value"))
                continue
            edits.extend(span_edits(ctx, s + m.start("key"), s + m.end("key"), "config-key", escapes=False))
            vs, ve = s + m.start("value"), s + m.end("value")
            value = text[vs:ve]
            comment_at = None
            if value[:1] in ("'", '"'):
                q = value[0]
                close = value.find(q, 1)
                if close > 0:
                    edits.extend(span_edits(ctx, vs + 1, vs + close, "config-value", escapes=(q == '"')))
                    rest = value[close + 1:]
                    h = rest.find("#")
                    comment_at = vs + close + 1 + h if h >= 0 else None
                else:
                    edits.extend(span_edits(ctx, vs, ve, "config-value", escapes=False))
            else:
                h = re.search(r"[ \t]#", value)
                end = vs + h.start() if h else ve
                edits.extend(span_edits(ctx, vs, end, "config-value", escapes=False))
                comment_at = vs + h.start() + 1 if h else None
            if comment_at is not None:
                ed, fd = prose_edits(ctx, comment_at, ve, "comment")
                edits.extend(ed)
                findings.extend(fd)
        return Analysis(edits=edits, findings=findings)


LANGUAGE = DotEnv()

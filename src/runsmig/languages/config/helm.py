"""Helm chart templates: the YAML files under a chart's ``templates/`` folder (a ``Chart.yaml`` in the
folder above it). Their Go template actions (``{{ .Values.x }}``, ``{{- if }}`` lines,
``{{ include ... }}``, ``{{/* comments */}}``) are not YAML: the YAML pass reads the file with every
action blanked to spaces (newlines kept, so every offset and line stays), and edits the original text.

An action's own text is the user's (the names of its values, its templates), except Helm's built-in
objects and their fields (``.Release.Name``, ``.Chart.Version``, ``.Capabilities.KubeVersion``,
``.Template.BasePath``, ``.Files.Get``): those are Helm's, kept.
"""

from __future__ import annotations

import posixpath
import re

from runsmig import deps
from runsmig.languages.config.schemas.shapes import Keep

OWNER = "Helm"
CHART = "config.helm:chart"  # the question asked of the file list (runsmig.listing answers it again)
ACTION = re.compile(r"""\{\{(?:"(?:\\.|[^"\\\n])*"|`[^`]*`|/\*.*?\*/|[^}"`]|\}(?!\}))*?\}\}""", re.S)
BUILTIN = re.compile(r"(?<![\w.)\]])\$?\.(?:Release|Chart|Capabilities|Template|Files)(?:\.\w+)*")


def chart_template(ctx) -> bool:
    """Whether ctx's file is under a chart's ``templates/`` folder (at any depth below it)."""
    parts = ctx.rel.split("/")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] != "templates":
            continue
        chart = posixpath.join(*parts[:i], "Chart.yaml") if i else "Chart.yaml"
        found = _is_chart(chart, ctx.all_files, ctx.root)
        deps.asked(CHART, chart, "1" if found else "0")
        if found:
            return True
    return False


def _is_chart(rel: str, files, root) -> bool:
    return rel in files or (root / rel).is_file()


def answer(kind: str, question: str, view) -> str | None:
    """What ``view`` (runsmig.listing.View) answers to a question :func:`chart_template` recorded."""
    if kind == CHART:
        return "1" if _is_chart(question, view.files, view.root) else "0"
    return None


def actions(text: str) -> list[tuple[int, int]]:
    """The spans of every template action (``{{ ... }}``)."""
    return [m.span() for m in ACTION.finditer(text)]


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span's characters spaces, its newlines kept."""
    if not spans:
        return text
    out, pos = [], 0
    for s, e in spans:
        out.append(text[pos:s])
        out.append(re.sub(r"[^\n]", " ", text[s:e]))
        pos = e
    out.append(text[pos:])
    return "".join(out)


def builtins(text: str, spans: list[tuple[int, int]]) -> list[Keep]:
    """Helm's built-in objects and fields inside the actions."""
    return [Keep(s + m.start(), s + m.end(), OWNER) for s, e in spans for m in BUILTIN.finditer(text[s:e])]

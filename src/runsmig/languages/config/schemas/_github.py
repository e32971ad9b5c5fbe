"""What GitHub Actions workflows and actions share: expressions, step shapes, action references.

In ``${{ <expr> }}`` (and in ``if:``, an expression without the braces) a property path's first
part is a context or function (``jobs``, ``needs``, ``steps``, ``github``, ``job``, ``runner``,
``strategy``, ``matrix``, ``inputs``, ``hashFiles`` ...) and belongs to GitHub, like the fixed
property names (``outputs``, ``result``, ``github.job``, ``strategy.job-index``). Ids and names
are the user's: ``needs.<job id>.outputs.<name>``, ``steps.<step id>``, ``matrix.<key>``,
``inputs.<name>``, ``env.<NAME>``. GitHub's default variable ``GITHUB_JOB`` is GitHub's anywhere
in a value (``run: echo $GITHUB_JOB``).

GitHub's words (``VOCABULARY``: job, step, workflow, runner) in the free text of a workflow or
action are GitHub's too: a comment, a ``name:``, ``run-name:`` or ``description:``, the comments and
``echo`` lines of a ``run:`` script ("the needed jobs succeeded"). Expressions there stay code.
"""

from __future__ import annotations

import re

from runsmig.languages.config.schemas import _prose
from runsmig.languages.config.schemas.shapes import (
    EXT,
    FREE,
    TOOL,
    Keys,
    Map,
    Names,
    Scalar,
    Shape,
    Text,
    Value,
)

# GitHub Actions' own words: in free text (comments, names, descriptions, echo lines) they are its
VOCABULARY = ("job", "jobs", "step", "steps", "workflow", "workflows", "runner", "runners")

_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_STRING = re.compile(r"'(?:[^']|'')*'")
_PATH = re.compile(r"(?<![\w.\-])[A-Za-z_][\w\-]*(?:\s*\.\s*(?:[A-Za-z_][\w\-]*|\*)|\s*\[[^\]]*\])*")
_SEG = re.compile(r"[A-Za-z_][\w\-]*|\*|\[[^\]]*\]")
_DEFAULT_VARS = re.compile(r"(?<![A-Za-z0-9_])GITHUB_JOB(?![A-Za-z0-9_])")


def _user_parts(context: str, segs: list[str]) -> set[int]:
    """Positions of the user's parts in a property path; the others (the context first) are GitHub's."""
    n = len(segs)
    if context in ("jobs", "needs", "steps"):
        return {i for i in range(1, n) if i == 1 or i >= 3}
    if context in ("matrix", "env", "vars", "secrets", "inputs"):
        return set(range(1, n))
    if context == "job" and n > 2 and segs[1] == "services":
        return {2}
    if context == "github" and n > 3 and segs[1] == "event" and segs[2] in ("inputs", "client_payload"):
        return set(range(3, n))
    return set()  # github.*, runner.*, strategy.*, job.*, and functions: GitHub's


def expression_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """GitHub's parts of the expression text[start:end] (file offsets)."""
    chunk = _STRING.sub(lambda m: " " * len(m.group(0)), text[start:end])  # literals are the user's
    out = []
    for m in _PATH.finditer(chunk):
        segs = [(s.group(0), m.start() + s.start(), m.start() + s.end()) for s in _SEG.finditer(m.group(0))]
        names = [s[0] for s in segs]
        user = _user_parts(names[0], names)
        out.extend((start + a, start + b) for i, (w, a, b) in enumerate(segs)
                   if i not in user and not w.startswith("["))
    return out


def _vars(text: str, node: Scalar) -> list[tuple[int, int]]:
    if "GITHUB_JOB" not in node.value:
        return []
    return [m.span() for m in _DEFAULT_VARS.finditer(text, node.start, node.end)]


def value(text: str, node: Scalar) -> list[tuple[int, int]]:
    """A workflow value: GitHub's parts of every ``${{ }}`` expression, and GITHUB_JOB."""
    out = _vars(text, node)
    if "${{" in text[node.start:node.end]:
        for m in _EXPR.finditer(text, node.start, node.end):
            out.extend(expression_spans(text, m.start(1), m.end(1)))
    return out


def condition(text: str, node: Scalar) -> list[tuple[int, int]]:
    """``if:``: an expression, with or without ``${{ }}``."""
    if "${{" in text[node.start:node.end]:
        return value(text, node)
    s, e = node.start, node.end
    if e - s >= 2 and text[s] in "'\"" and text[e - 1] == text[s]:  # a quoted YAML scalar
        s, e = s + 1, e - 1
    return _vars(text, node) + expression_spans(text, s, e)


def action_ref(text: str, node: Scalar) -> list[tuple[int, int]]:
    """``uses:``: a local action or workflow (``./...``) is the user's path; any other reference
    (``owner/repo@ref``, ``docker://image``) names someone else's repository or image."""
    return [] if node.value.startswith("./") else [(node.start, node.end)]


def called(parent: Map) -> tuple[bool, str]:
    """(is the ``uses:`` of this step or job the user's own, what it names)."""
    uses = parent.text("uses") or ""
    return (not uses or uses.startswith("./")), uses


def inputs(parent: Map) -> Shape:
    """``with:`` (and a reusable workflow's ``secrets:``): the inputs the called action or workflow
    defines. Those of a local one are the user's; those of a third-party one are its own."""
    local, uses = called(parent)
    if local:
        return Names()
    return Keys(owner=f"the action '{uses}'", value=None)


def secrets(parent: Map) -> Shape:
    local, uses = called(parent)
    if local:
        return Keys(names=FREE, value=EXT)  # 'secrets: inherit'
    return Keys(owner=f"the workflow '{uses}'", value=EXT)


ENV = Names()  # variable names are the user's
PERMISSIONS = Keys(other=Value(EXT), value=EXT)  # contents: read; permissions: read-all
IF = Value(condition)
REGISTRY = "the image's registry"
CONTAINER = Keys({"image": Value(EXT, owner=REGISTRY), "env": ENV, "credentials": TOOL}, value=EXT)
USES = Value(action_ref, owner="a third-party action or workflow")
NAME = Text(_prose.text(exclude=_EXPR))  # name:, run-name:, description: (expressions are code)
SCRIPT = Text(_prose.script(exclude=_EXPR))  # run: its comments and echo lines
DESCRIBED = Keys({"description": NAME, "deprecationMessage": NAME})  # an input, output or secret
STEP = Keys({"if": IF, "uses": USES, "with": inputs, "env": ENV, "name": NAME, "run": SCRIPT})

"""Another tool's names inside a code string: the same decisions a file of that tool gets.

- A string that holds whole YAML documents of a format recognised by content (a Kubernetes
  manifest in a test's triple-quoted string): its documents are shaped like that format's files,
  so ``kind: Job``, ``jobTemplate`` and ``failedJobsHistoryLimit`` stay there as they stay in
  ``deploy/cron.yaml``, and the user's names in it (``name: nightly-job``) are renamed.
- A string that is a field path over a Kubernetes object (``spec.jobTemplate.spec.template``, a
  JMESPath or JSONPath query of a manifest): every segment is a key Kubernetes' schemas declare,
  followed from a kind's root, so the path is Kubernetes' (see
  :func:`runsmig.languages.config.schemas.kubernetes.field_paths`).

- A string that is exactly the REST resource of a kind this file's manifests declare (``"jobs"``
  where a string holds a ``kind: Job`` manifest: what a client requests them by): Kubernetes'.

Only the literal's own characters are read (a string without escapes, so an offset in its value is
an offset in the file); both are looked for only in strings that hold the term.
"""

from __future__ import annotations

import re

from runsmig.languages.config.schemas import Guard, schemas
from runsmig.languages.config.schemas.shapes import Keep, TreeError

_LITERAL = re.compile(r"([rRuU]?)('''|\"\"\"|'|\")(.*)\2", re.S)


def _body(literal: str) -> tuple[int, str] | None:
    """(offset of the value in the literal, the value) when the value is the literal's text."""
    m = _LITERAL.fullmatch(literal)
    if m is None or ("\\" in m.group(3) and not m.group(1) in ("r", "R")):
        return None
    return m.start(3), m.group(3)


def documents(value: str) -> list[Keep]:
    """The spans (in ``value``) a recognised format's documents keep, or [] when it holds none."""
    return _read(value)[0]


def manifest_kinds(literals: list[str]) -> frozenset[str]:
    """The kinds of the Kubernetes manifests these string literals hold."""
    out: set[str] = set()
    for lit in literals:
        got = _body(lit)
        if got is not None:
            out.update(_read(got[1])[1])
    return frozenset(out)


def _read(value: str) -> tuple[list[Keep], list[str]]:
    if "\n" not in value or "kind" not in value or "apiVersion" not in value:
        return [], []
    from runsmig.languages.config.schemas.kubernetes import is_manifest
    from runsmig.languages.config.schemas.trees import from_yaml
    from runsmig.languages.config.yaml_ import _compose

    docs, _, _, failed = _compose(value)
    if failed is not None or not docs:
        return [], []
    try:
        nodes = [from_yaml(d) for d in docs]
        for s in schemas():
            if s.format == "yaml" and s.detect is not None and s.detect(nodes):
                return s.keeps(nodes, value), [n.text("kind") for n in nodes if is_manifest(n)]
    except TreeError:
        return [], []
    return [], []


def string_guard(ctx, start: int, end: int, kinds: frozenset[str] = frozenset()) -> Guard | None:
    """The guard of the string literal at ctx.text[start:end], when it holds another tool's names;
    ``kinds``: the kinds of the file's own manifests (:func:`manifest_kinds`)."""
    got = _body(ctx.text[start:end])
    if got is None:
        return None
    off, value = got
    from runsmig.languages.config.schemas.kubernetes import OWNER, field_paths, resource_of

    spans = [Keep(k.start + off + start, k.end + off + start, k.owner, k.vocabulary) for k in documents(value)]
    if not spans and "." in value:
        spans = [Keep(a + off + start, b + off + start, OWNER) for a, b in field_paths(value)]
    if not spans and kinds and resource_of(value) in kinds:
        spans = [Keep(off + start, off + start + len(value), OWNER)]
    return Guard(ctx, spans) if spans else None

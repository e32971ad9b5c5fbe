"""``literals:`` section: what to do with string literals that look like identifiers.

A rewritten string literal without whitespace (a Redis key prefix ``'rq:job:'``, a hash field
name, an env var or CLI option name, a route segment, a command name) is something existing
data, deployed workers and clients may depend on. ``plan`` lists every one for review; this
section says, per pattern, what the migration does with it::

    literals:
      - pattern: '^rq:'              # a regex searched in the literal's text (quotes left out)
        action: keep                 # rename (default) | keep | note
        reason: Redis keys of existing deployments
      - pattern: '^--'
        paths: ["cli/**"]            # optional: only in these files (gitignore patterns)
        action: note
        reason: CLI options; keep the old spelling as an alias

``keep`` leaves the literal as it is and the gate accepts it (listed as allowlisted with the
reason); ``stored: keep`` says the literal is a stored value (a key written to storage, a payload
key sent over the wire): it is kept like a stored name, allowlisted as ``stored`` and listed by
``plan`` with the other stored names (``stored: migrate`` renames it, as ``rename`` does); ``note`` renames it and shows the reason beside it in the plan's list; ``rename`` renames
it (the default for every literal no entry matches). The first matching entry wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from runsmig.recipe.yamlnode import Node

ACTIONS = ("rename", "keep", "note")
_QUOTED = re.compile(r"""^[rRbBuUfF]{0,2}('''|\"\"\"|'|"|`)(.*)\1$""", re.S)


@dataclass(frozen=True)
class LiteralRule:
    pattern: str
    action: str
    reason: str
    paths: tuple[str, ...] = ()
    stored: str | None = None  # keep | migrate: a stored value (see runsmig.recipe.sections.stored)
    _regex: Any = field(default=None, compare=False, repr=False)
    _spec: Any = field(default=None, compare=False, repr=False)

    def matches(self, rel: str, value: str) -> bool:
        if self._spec is not None and not self._spec.match_file(rel):
            return False
        return bool(self._regex.search(value))


@dataclass(frozen=True)
class LiteralsSection:
    rules: tuple[LiteralRule, ...] = ()

    def rule_for(self, rel: str, literal: str) -> LiteralRule | None:
        value = unquote(literal)
        return next((r for r in self.rules if r.matches(rel, value)), None)


def unquote(literal: str) -> str:
    m = _QUOTED.match(literal)
    return m.group(2) if m else literal


def parse(node: Node, folder: Path) -> LiteralsSection:
    rules = []
    for item in node.sequence():
        m = item.mapping(allowed={"pattern", "action", "reason", "paths", "stored"}, required={"pattern", "reason"})
        pattern = m["pattern"].string()
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise m["pattern"].fail(f"not a valid regular expression: {exc}") from None
        action = m["action"].choice(set(ACTIONS)) if "action" in m else "rename"
        paths = tuple(m["paths"].strings()) if "paths" in m else ()
        spec = pathspec.PathSpec.from_lines("gitignore", paths) if paths else None
        stored = m["stored"].choice({"keep", "migrate"}) if "stored" in m else None
        if stored is not None and "action" in m:
            raise m["stored"].fail("give 'action' or 'stored', not both")
        rules.append(LiteralRule(pattern, action, m["reason"].string(), paths, stored, regex, spec))
    return LiteralsSection(tuple(rules))

"""Shapes read from a JSON Schema: the tool's keywords are the keys its schema declares.

At a mapping, a key the schema lists under ``properties`` (in any branch: ``allOf``, ``anyOf``,
``oneOf``, ``if``/``then``/``else``, through local ``$ref``) is the tool's, and its value takes the
shape of that property's schema. A key matched by ``patternProperties``, or allowed by an
``additionalProperties`` schema, is the user's name (a job id, a variable) and its value takes that
schema's shape; any other key is the user's too (an open schema lets anything through). A string a
schema lists in ``enum`` or as ``const`` at that place is the tool's value; every other value is the
user's.

The schemas come from a maintained catalog (SchemaStore, as check-jsonschema vendors it): no table of
keys is written here.
"""

from __future__ import annotations

import json
import re
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from runsmig.languages.config.schemas.shapes import EXT, FREE, Map, Scalar, Shape

_MAX_DEPTH = 24  # $ref chains and nested branches followed at most this deep


@lru_cache(maxsize=None)
def vendored(name: str) -> dict:
    """A schema check-jsonschema carries (its file ``vendor/<name>.json``), read as data: none of its
    code is imported."""
    data = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(f"{name}.json").read_bytes()
    return json.loads(data)


class JsonShape(Shape):
    """The shape at one place of a document: the schemas that may describe it (every branch)."""

    def __init__(self, root: dict, nodes: tuple[Any, ...], owner: str | None = None):
        self.root = root
        self._nodes = nodes
        self.owner = owner
        self.prose = None

    @classmethod
    def of(cls, schema: dict) -> "JsonShape":
        return cls(schema, (schema,))

    @cached_property
    def branches(self) -> tuple[dict, ...]:
        """Every schema object that applies here, $refs resolved and combinators flattened."""
        out: list[dict] = []
        seen: set[int] = set()

        def add(node: Any, depth: int) -> None:
            if not isinstance(node, dict) or depth > _MAX_DEPTH or id(node) in seen:
                return
            seen.add(id(node))
            ref = node.get("$ref")
            if isinstance(ref, str):
                add(_resolve(self.root, ref), depth + 1)
            out.append(node)
            for key in ("allOf", "anyOf", "oneOf"):
                for sub in node.get(key) or ():
                    add(sub, depth + 1)
            for key in ("then", "else"):
                add(node.get(key), depth + 1)
            items = node.get("items")
            if isinstance(items, dict):  # a sequence is transparent: its items take this place
                add(items, depth + 1)
            elif isinstance(items, list):
                for sub in items:
                    add(sub, depth + 1)

        for n in self._nodes:
            add(n, 0)
        return tuple(out)

    @cached_property
    def value(self):
        consts = {c for b in self.branches for c in _strings(b)}
        if not consts:
            return None

        def rule(text: str, node: Scalar) -> list[tuple[int, int]]:
            return EXT(text, node) if node.value in consts else []
        return rule

    def field(self, key: str, parent: Map) -> tuple[bool, Shape]:
        declared = [b["properties"][key] for b in self.branches
                    if isinstance(b.get("properties"), dict) and key in b["properties"]]
        if declared:
            return True, JsonShape(self.root, tuple(declared), self.owner)
        named = []
        for b in self.branches:
            for pattern, sub in (b.get("patternProperties") or {}).items():
                if _matches(pattern, key):
                    named.append(sub)
        if not named:
            named = [b["additionalProperties"] for b in self.branches if isinstance(b.get("additionalProperties"), dict)]
        if named:
            return False, JsonShape(self.root, tuple(named), self.owner)
        return False, FREE


def _strings(node: dict) -> list[str]:
    out = [v for v in node.get("enum") or () if isinstance(v, str)]
    if isinstance(node.get("const"), str):
        out.append(node["const"])
    return out


def _resolve(root: dict, ref: str) -> Any:
    """A local reference ('#/definitions/x', '#/$defs/x'); anything else resolves to nothing."""
    if not ref.startswith("#"):
        return None
    node: Any = root
    for part in ref[1:].split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern | None:
    try:
        return re.compile(pattern)
    except re.error:  # an ECMA-only construct: the key is not known to match it
        return None


def _matches(pattern: str, key: str) -> bool:
    rx = _compiled(pattern)
    return bool(rx is not None and rx.search(key))

"""A recipe's YAML read by libyaml (PyYAML's C composer) into plain dicts and lists that know where
each key, value and item was written, as ruamel.yaml's round-trip types do (``.lc.key(k)``,
``.lc.value(k)``, ``.lc.item(i)``: 0-based line and column), for file:line:col errors.

Scalars are resolved by the YAML 1.2 core schema, as ruamel.yaml reads a document by default:
``null``/``~``/empty, ``true``/``false`` (three spellings each), decimal, ``0o`` and ``0x`` integers,
floats, ``.inf``/``.nan``; anything else, and every quoted or block scalar, is a string (YAML 1.1's
``yes``/``no``/``on``/``off`` and sexagesimal numbers stay strings). Explicit ``!!str``/``!!int``/
``!!float``/``!!bool``/``!!null`` tags are honoured. Anchors and aliases share one value; ``<<``
merge keys are applied; a key written twice in one mapping is an error, as in ruamel.yaml.

The gate reads the recipe on every run: libyaml composes a recipe in about a millisecond where
ruamel.yaml's pure-Python parser took 35 ms (plus 13 ms to import).
"""

from __future__ import annotations

import re
from typing import Any

_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"[-+]?[0-9]+")
_INT8 = re.compile(r"0o[0-7]+")
_INT16 = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_TAG = "tag:yaml.org,2002:"
_UNTAGGED = "runsmig:untagged"  # what the composer calls a scalar written without a tag


class YamlError(Exception):
    """A document that is not YAML, or not one this reader takes: the message and where (0-based)."""

    def __init__(self, message: str, line: int | None, col: int | None) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


class _Lines:
    """Where the keys, values or items of one container were written."""

    __slots__ = ("keys", "values")

    def __init__(self) -> None:
        self.keys: dict = {}
        self.values: dict = {}

    def key(self, k) -> tuple[int, int]:
        return self.keys[k]

    def value(self, k) -> tuple[int, int]:
        return self.values[k]

    def item(self, i: int) -> tuple[int, int]:
        return self.values[i]


class PosMap(dict):
    """A mapping that knows where its keys and values were written (``lc``)."""

    __slots__ = ("lc",)


class PosSeq(list):
    """A sequence that knows where its items were written (``lc``)."""

    __slots__ = ("lc",)


def load(text: str) -> Any:
    """The document of ``text``; raises YamlError."""
    import yaml

    loader_base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Composer(loader_base):  # type: ignore[misc,valid-type]
        pass

    _Composer.yaml_implicit_resolvers = {}  # scalars are resolved here, by the 1.2 core schema
    _Composer.DEFAULT_SCALAR_TAG = _UNTAGGED
    loader = _Composer(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(str(exc.problem or exc.context), mark.line if mark else None,
                        mark.column if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), None, None) from None
    finally:
        loader.dispose()
    return None if node is None else _Builder().value(node)


class _Builder:
    def __init__(self) -> None:
        self.seen: dict[int, Any] = {}  # an anchored node read once: its aliases share the value

    def value(self, node) -> Any:
        hit = self.seen.get(id(node))
        if hit is not None:
            return hit
        kind = type(node).__name__
        if kind == "ScalarNode":
            out = _scalar(node)
        elif kind == "SequenceNode":
            out = PosSeq()
            out.lc = _Lines()
            self.seen[id(node)] = out
            for i, item in enumerate(node.value):
                out.lc.values[i] = (item.start_mark.line, item.start_mark.column)
                out.append(self.value(item))
        else:
            out = PosMap()
            out.lc = _Lines()
            self.seen[id(node)] = out
            self._fill(out, node)
        self.seen[id(node)] = out
        return out

    def _fill(self, out: PosMap, node) -> None:
        merged: list = []
        for k_node, v_node in node.value:
            if type(k_node).__name__ == "ScalarNode" and k_node.value == "<<" and not k_node.style \
                    and not k_node.tag.startswith("!"):
                merged += v_node.value if type(v_node).__name__ == "SequenceNode" else [v_node]
                continue
            key = self.value(k_node)
            if isinstance(key, (dict, list)):
                raise YamlError("a mapping or a list as a key is not supported", k_node.start_mark.line,
                                k_node.start_mark.column)
            if key in out:
                raise YamlError(f"duplicate key {key!r}", k_node.start_mark.line, k_node.start_mark.column)
            out.lc.keys[key] = (k_node.start_mark.line, k_node.start_mark.column)
            out.lc.values[key] = (v_node.start_mark.line, v_node.start_mark.column)
            out[key] = self.value(v_node)
        for m_node in merged:  # explicit keys win over merged ones, earlier merges over later ones
            source = self.value(m_node)
            if not isinstance(source, PosMap):
                raise YamlError("'<<' merges mappings only", m_node.start_mark.line, m_node.start_mark.column)
            for key, v in source.items():
                if key not in out:
                    out[key] = v
                    out.lc.keys[key] = source.lc.keys[key]
                    out.lc.values[key] = source.lc.values[key]


def _scalar(node) -> Any:
    text, tag = node.value, node.tag
    if tag == _UNTAGGED:
        return _plain(text) if not node.style else text  # plain: None (Python composer) or "" (libyaml)
    explicit = tag[len(_TAG):] if tag.startswith(_TAG) else "str"
    if explicit not in ("int", "float", "bool", "null"):
        return text  # !!str, or a tag of its own: the text
    got = _plain(text)
    if _type_name(got) != explicit:
        raise YamlError(f"'{text}' is not a {explicit}", node.start_mark.line, node.start_mark.column)
    return got


def _plain(text: str) -> Any:
    if _NULL.fullmatch(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT10.fullmatch(text):
        return int(text, 10)
    if _INT8.fullmatch(text):
        return int(text[2:], 8)
    if _INT16.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text) and text not in ("+", "-", "."):
        return float(text)
    if _INF.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.fullmatch(text):
        return float("nan")
    return text


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    return {int: "int", float: "float"}.get(type(v), "str")

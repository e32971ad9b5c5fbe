"""Document trees (:mod:`.shapes` ``Scalar``/``Map``/``Seq``) from what the config passes parse:
ruamel.yaml's composed nodes, and the offset tokens of :mod:`runsmig.languages.config.tokens` for
JSON and TOML. Spans are file offsets; a JSON or TOML string's span is its content (no quotes),
as the passes edit it."""

from __future__ import annotations

import bisect

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from runsmig.languages.config.schemas.shapes import Map, Node, Scalar, Seq, TreeError
from runsmig.languages.config.tokens import Tok


def from_yaml(doc) -> Node:
    memo: dict[int, Node] = {}  # an alias is the anchored node itself: walked once

    def conv(n) -> Node:
        if id(n) in memo:
            return memo[id(n)]
        if isinstance(n, ScalarNode):
            out: Node = Scalar(str(n.value), n.start_mark.index, n.end_mark.index)
            memo[id(n)] = out
            return out
        if isinstance(n, MappingNode):
            m = Map()
            memo[id(n)] = m
            m.items = [(conv(k), conv(v)) for k, v in n.value]
            return m
        if isinstance(n, SequenceNode):
            s = Seq()
            memo[id(n)] = s
            s.items = [conv(v) for v in n.value]
            return s
        raise TreeError(n.start_mark.index, f"unexpected YAML node {type(n).__name__}")

    return conv(doc)


class _Cursor:
    def __init__(self, text: str, toks: list[Tok], what: str):
        self.text = text
        self.toks = [t for t in toks if t.type != "comment"]
        self.i = 0
        self.what = what

    def peek(self) -> Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def is_punct(self, t: Tok | None, chars: str) -> bool:
        return t is not None and t.type == "punct" and self.text[t.start] in chars

    def take(self) -> Tok:
        t = self.peek()
        if t is None:
            raise TreeError(len(self.text), f"{self.what} ends too early")
        self.i += 1
        return t

    def expect(self, chars: str) -> Tok:
        t = self.take()
        if not self.is_punct(t, chars):
            raise TreeError(t.start, f"expected '{chars}' in {self.what}")
        return t

    def array(self, value) -> Seq:
        """The items up to the closing ``]`` (the ``[`` is taken), comma-separated: JSON and TOML alike."""
        s = Seq()
        while not self.is_punct(self.peek(), "]"):
            s.items.append(value())
            if not self.is_punct(self.peek(), "]"):
                self.expect(",")
        self.take()
        return s

    def scalar(self, t: Tok) -> Scalar:
        if t.type == "string":
            a, b = t.inner
            return Scalar(self.text[a:b], a, b)
        return Scalar(self.text[t.start:t.end], t.start, t.end)


def from_json(text: str, toks: list[Tok]) -> list[Node]:
    c = _Cursor(text, toks, "JSON")

    def value() -> Node:
        t = c.take()
        if c.is_punct(t, "{"):
            m = Map()
            while not c.is_punct(c.peek(), "}"):
                k = c.take()
                if k.type not in ("string", "word"):
                    raise TreeError(k.start, "expected a key in a JSON object")
                c.expect(":")
                m.items.append((c.scalar(k), value()))
                if not c.is_punct(c.peek(), "}"):
                    c.expect(",")
            c.take()
            return m
        if c.is_punct(t, "["):
            return c.array(value)
        if t.type in ("string", "word"):
            return c.scalar(t)
        raise TreeError(t.start, f"unexpected '{text[t.start]}' in JSON")

    docs = []
    while c.peek() is not None:
        docs.append(value())
    return docs


def from_toml(text: str, toks: list[Tok]) -> list[Node]:
    """TOML tables, dotted keys, arrays and inline tables. A table named by several headers
    (``[tool.ruff]``, ``[tool.ruff.lint]``) is one Map reached from every occurrence of its key, so
    each occurrence is classified where it is written."""
    c = _Cursor(text, toks, "TOML")
    found: dict[int, dict[str, Node]] = {}

    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(off: int) -> int:
        return bisect.bisect_left(newlines, off)

    def key_parts(stop: str) -> list[Scalar]:
        parts: list[Scalar] = []
        while not c.is_punct(c.peek(), stop):
            t = c.take()
            if t.type == "string":
                parts.append(c.scalar(t))
            elif t.type == "word":
                pos = t.start
                for seg in text[t.start:t.end].split("."):
                    if seg:
                        parts.append(Scalar(seg, pos, pos + len(seg)))
                    pos += len(seg) + 1
            else:
                raise TreeError(t.start, f"unexpected '{text[t.start]}' in a TOML key")
        if not parts:
            raise TreeError(c.peek().start if c.peek() else len(text), "empty TOML key")
        return parts

    def add(m: Map, k: Scalar, v: Node) -> None:
        m.items.append((k, v))
        found.setdefault(id(m), {})[k.value] = v

    def child(m: Map, k: Scalar, make) -> Node:
        v = found.get(id(m), {}).get(k.value)
        if v is None:
            v = make()
        add(m, k, v)
        return v

    def into(v: Node, at: Scalar) -> Map:
        if isinstance(v, Seq) and v.items and isinstance(v.items[-1], Map):
            return v.items[-1]
        if isinstance(v, Map):
            return v
        raise TreeError(at.start, f"'{at.value}' is not a table")

    def assign(m: Map, parts: list[Scalar], v: Node) -> None:
        for p in parts[:-1]:
            m = into(child(m, p, Map), p)
        add(m, parts[-1], v)

    def value() -> Node:
        t = c.take()
        if c.is_punct(t, "["):
            return c.array(value)
        if c.is_punct(t, "{"):
            m = Map()
            while not c.is_punct(c.peek(), "}"):
                parts = key_parts("=")
                c.expect("=")
                assign(m, parts, value())
                if not c.is_punct(c.peek(), "}"):
                    c.expect(",")
            c.take()
            return m
        if t.type == "string":
            return c.scalar(t)
        if t.type == "word":
            end = t.end
            while (n := c.peek()) is not None and n.start == end and (n.type == "word" or c.is_punct(n, ":")):
                end = c.take().end  # a date-time: 07:32:00
            return Scalar(text[t.start:end], t.start, end)
        raise TreeError(t.start, f"unexpected '{text[t.start]}' in a TOML value")

    root = Map()
    table = root
    while (t := c.peek()) is not None:
        if c.is_punct(t, "["):
            c.take()
            array = (n := c.peek()) is not None and c.is_punct(n, "[") and n.start == t.end
            if array:
                c.take()
            parts = key_parts("]")
            c.expect("]")
            if array:
                c.expect("]")
            m = root
            for p in parts[:-1]:
                m = into(child(m, p, Map), p)
            if array:
                seq = child(m, parts[-1], Seq)
                if not isinstance(seq, Seq):
                    raise TreeError(parts[-1].start, f"'{parts[-1].value}' is not an array of tables")
                table = Map()
                seq.items.append(table)
            else:
                table = into(child(m, parts[-1], Map), parts[-1])
            continue
        parts = key_parts("=")
        c.expect("=")
        start_line = line_of(parts[-1].start)
        assign(table, parts, value())
        if (n := c.peek()) is not None and line_of(n.start) == start_line:
            raise TreeError(n.start, "expected a new line after a TOML value")
    return [root]

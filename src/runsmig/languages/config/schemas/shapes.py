"""The data model of third-party config schemas: a small document tree (what the YAML, JSON and
TOML passes parse) and *shapes* that say, for each key and value of it, whose words they are.

A shape describes one mapping position of a tool's format:

- :class:`Keys` with ``fields``: the tool's keywords there (matched on their exact text), each with
  the shape of its value; a field may be a function of the mapping (``with:`` of a step depends on
  its ``uses:``). Keys not listed are the tool's too (a closed schema, value shape ``other``) unless
  ``names`` is given: then they are the user's names (a job id, a service name) with that shape.
- ``value``: which parts of a scalar there belong to the tool (a value rule, see below); a sequence
  is transparent, its items take the shape of the sequence itself.
- ``prose``: which parts of a scalar there are free text (a step's ``name:``, a ``description:``, the
  comments and ``echo`` lines of a script; see ``_prose``). There a bare word of the schema's
  ``vocabulary`` (GitHub's "job") is the tool's word: kept like a keyword.

A value rule is ``rule(text, scalar) -> [(start, end), ...]``: the spans (file offsets) of the
scalar the tool owns. ``EXT`` owns the whole scalar; ``None`` falls back to the schema's default
rule (GitHub expressions, GitLab's predefined variables, or nothing).

Walking a document gives :class:`Keep` spans; the config passes drop every term edit inside one
and report the word once per file as ``external``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


# -- the document tree ------------------------------------------------------------------
@dataclass(eq=False)
class Scalar:
    value: str  # the text as the format reads it (a key's name)
    start: int  # span in the file (quotes included where the parser includes them)
    end: int


@dataclass(eq=False)
class Map:
    items: list[tuple[Node, Node]] = field(default_factory=list)  # TOML: one item per key occurrence

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if isinstance(k, Scalar) and k.value == key:
                return v
        return None

    def text(self, key: str) -> str | None:
        v = self.get(key)
        return v.value if isinstance(v, Scalar) else None


@dataclass(eq=False)
class Seq:
    items: list[Node] = field(default_factory=list)


Node = Scalar | Map | Seq


class TreeError(ValueError):
    """The document's structure could not be read (the pass fails the file, leaving it untouched)."""

    def __init__(self, offset: int, reason: str):
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


# -- value rules ------------------------------------------------------------------------
ValueRule = Callable[[str, Scalar], Iterable[tuple[int, int]]]


def EXT(text: str, node: Scalar) -> list[tuple[int, int]]:
    """The whole scalar is the tool's (an event name, an image reference, a package spec)."""
    return [(node.start, node.end)]


# -- shapes -----------------------------------------------------------------------------
class Shape:
    owner: str | None = None  # who owns what this shape keeps ("the action 'x/y@v1'"); None: the schema's
    value: ValueRule | None = None
    prose: ValueRule | None = None  # the free-text regions of a scalar here (not spans the tool owns)

    def field(self, key: str, parent: Map) -> tuple[bool, Shape]:
        """(whether the key is the tool's, the shape of its value)."""
        raise NotImplementedError


SELF = object()  # in Keys(names=SELF) / Keys(other=SELF): the same shape again, one level down
FieldShape = Shape | Callable[[Map], Shape]


class Keys(Shape):
    def __init__(self, fields: dict[str, FieldShape] | None = None, *, names=None, other=None,
                 value: ValueRule | None = None, owner: str | None = None, user_prefixes: tuple[str, ...] = (),
                 prose: ValueRule | None = None):
        self.fields = dict(fields or {})
        self.prose = prose
        self.names = self if names is SELF else names
        self._other = self if other is SELF else other
        self.value = value
        self.owner = owner
        self.user_prefixes = user_prefixes

    @property
    def other(self) -> Shape:
        return self._other if self._other is not None else TOOL

    def field(self, key: str, parent: Map) -> tuple[bool, Shape]:
        if key in self.fields:
            f = self.fields[key]
            return True, f if isinstance(f, Shape) else f(parent)
        if self.user_prefixes and key.startswith(self.user_prefixes):
            return False, FREE
        if self.names is not None:
            return False, self.names
        return True, self.other


class Pick(Shape):
    """A mapping whose keys are decided one by one: ``fn(key, parent) -> (tool's?, value shape)``."""

    def __init__(self, fn: Callable[[str, Map], tuple[bool, Shape]], value: ValueRule | None = None,
                 owner: str | None = None):
        self.fn = fn
        self.value = value
        self.owner = owner

    def field(self, key: str, parent: Map) -> tuple[bool, Shape]:
        return self.fn(key, parent)


FREE = Keys(names=SELF)  # the user's all the way down: every key and value is renamed
TOOL = Keys(other=SELF)  # every key, at any depth, is the tool's; values follow the default rule


def Names(item: Shape | None = None, **reserved: FieldShape) -> Keys:
    """A mapping of the user's names (job ids, services, variables); ``reserved`` keys are keywords."""
    return Keys(reserved, names=item if item is not None else FREE)


def Value(rule: ValueRule | None, owner: str | None = None) -> Keys:
    """A field whose scalar follows ``rule``; a mapping there is the user's."""
    return Keys(names=FREE, value=rule, owner=owner)


def Text(prose: ValueRule, value: ValueRule | None = None) -> Keys:
    """A field of free text (``prose``: its regions, see ``_prose``); a mapping there is the tool's."""
    return Keys(value=value, prose=prose)


def Ext(owner: str | None = None) -> Keys:
    """Everything below is the tool's: keys and values (a third-party package's entry, a lockfile)."""
    return Keys(other=SELF, value=EXT, owner=owner)


def nested(paths: dict[str, FieldShape], base: Keys | None = None) -> Keys:
    """A shape built from dotted paths: ``nested({"lint.per-file-ignores": Names()}, base)`` is
    ``base`` whose ``lint`` key is ``base`` again, with ``per-file-ignores`` a mapping of the user's
    names. Keys not listed follow ``base`` (default: ``TOOL``)."""
    base = base if base is not None else TOOL

    def like_base() -> Keys:
        return Keys(dict(base.fields), names=base.names, other=base)

    root = like_base()
    for path, shape in paths.items():
        node = root
        *parents, last = path.split(".")
        for p in parents:
            nxt = node.fields.get(p)
            if nxt is None or nxt is base or not isinstance(nxt, Keys):
                nxt = like_base()
                node.fields[p] = nxt
            node = nxt
        node.fields[last] = shape
    return root


# -- walking ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Keep:
    start: int
    end: int
    owner: str
    vocabulary: bool = False  # a word of the tool's vocabulary in free text (not a keyword or reference)


def keeps(docs: list[Node], shape: Shape, text: str, owner: str, default: ValueRule | None,
          words: Callable[[str, list[tuple[int, int]]], list[tuple[int, int]]] | None = None) -> list[Keep]:
    """Every span of the documents that belongs to the tool, by the shape of its root; ``words``
    finds the vocabulary's words in free-text regions (none when the schema has no vocabulary)."""
    out: list[Keep] = []
    seen: set[int] = set()

    def walk(node: Node, sh: Shape, who: str) -> None:
        who = sh.owner or who
        if isinstance(node, Scalar):
            rule = sh.value or default
            if rule is not None:
                out.extend(Keep(s, e, who) for s, e in rule(text, node) if s < e)
            if sh.prose is not None and words is not None:
                out.extend(Keep(s, e, owner, True) for s, e in words(text, list(sh.prose(text, node))))
            return
        if id(node) in seen:  # a YAML alias, or a TOML table named by several headers
            return
        seen.add(id(node))
        if isinstance(node, Seq):
            for item in node.items:
                walk(item, sh, who)
            return
        for k, v in node.items:
            if not isinstance(k, Scalar):  # a complex key: the user's
                walk(k, FREE, who)
                walk(v, FREE, who)
                continue
            if k.value == "<<":  # a YAML merge key: the merged mapping sits where this one does
                walk(v, sh, who)
                continue
            tools, vsh = sh.field(k.value, node)
            if tools:
                out.append(Keep(k.start, k.end, vsh.owner or who))
            walk(v, vsh, who)

    for doc in docs:
        walk(doc, shape, owner)
    return out

"""LibCST's ``PositionProvider``, the same ranges for the same nodes, computed with less overhead.

The provider records a node's range while generating the module's code. LibCST's state builds a
``CodePosition`` for every node entered, splits every token with a regular expression to count
lines, and opens a generator-based context manager for every syntactic range; together about a
quarter of the Python pass. Here a token without a line break only moves the column, the entry
position is a tuple, and the syntactic range is a small class. ``tests/languages/test_fastvisit.py``
compares every node's range with LibCST's on real code.
"""

from __future__ import annotations

from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange
from libcst.metadata.base_provider import BaseMetadataProvider
from libcst.metadata.position_provider import NEWLINE_RE


class _State(CodegenState):
    def __init__(self, default_indent: str, default_newline: str, computed: dict) -> None:
        self.default_indent = default_indent
        self.default_newline = default_newline
        self.provider = None
        self.indent_tokens = []
        self.tokens = []
        self.line = 1
        self.column = 0
        self.stack: list[tuple[int, int]] = []
        self.computed = computed

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._moved(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._moved(value)

    def _moved(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = NEWLINE_RE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node) -> None:
        self.stack.append((self.line, self.column))

    def after_codegen(self, node) -> None:
        start = self.stack.pop()
        if node not in self.computed:  # a syntactic range recorded inside wins
            self.computed[node] = CodeRange(CodePosition(*start), CodePosition(self.line, self.column))

    def record_syntactic_position(self, node, *, start_node=None, end_node=None) -> "_Syntactic":
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _State, node, start_node, end_node) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = CodePosition(self.state.line, self.state.column)

    def __exit__(self, *exc) -> bool:
        state = self.state
        computed = state.computed
        start = computed[self.start_node].start if self.start_node is not None else self.start
        end = computed[self.end_node].end if self.end_node is not None else CodePosition(state.line, state.column)
        computed[self.node] = CodeRange(start, end)
        return False


class FastPositionProvider(BaseMetadataProvider[CodeRange]):
    """What ``libcst.metadata.PositionProvider`` gives (syntactic ranges, line 1-based)."""

    def _gen_impl(self, module) -> None:
        module._codegen(_State(module.default_indent, module.default_newline, self._computed))

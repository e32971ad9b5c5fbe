"""One walk over a LibCST module: every leaf that can carry a term, with its
context (parent links, docstrings, import statements, calls, ``__all__``)."""

from __future__ import annotations

import libcst as cst

from runsmig.languages.python.fastvisit import children


def docstring_nodes(body) -> list[cst.CSTNode]:
    """The string node(s) of a docstring: the first statement of a module/class/function body."""
    if not body:
        return []
    first = body[0]
    if isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1 and isinstance(first.body[0], cst.Expr):
        val = first.body[0].value
        if isinstance(val, cst.SimpleString):
            return [val]
        if isinstance(val, cst.ConcatenatedString):
            out: list[cst.CSTNode] = []
            stack: list[cst.CSTNode] = [val]
            while stack:
                n = stack.pop()
                if isinstance(n, cst.ConcatenatedString):
                    stack += [n.right, n.left]
                else:
                    out.append(n)
            return out
    return []


class Scan(cst.CSTVisitor):
    """Collects names, strings, comments, imports, calls and parent links."""

    def __init__(self) -> None:
        self.parent: dict[int, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []
        self.names: list[cst.Name] = []
        self.strings: list[cst.CSTNode] = []  # SimpleString, FormattedStringText
        self.docstrings: set[int] = set()
        self.comments: list[cst.Comment] = []
        self.imports: list[cst.CSTNode] = []  # Import, ImportFrom
        self.calls: list[cst.Call] = []
        self.assigns: list[cst.Assign] = []
        self.all_strings: set[int] = set()  # string nodes listed in __all__
        self.classes: list[cst.ClassDef] = []
        self.star_import = False
        self.expr_lines: list[cst.SimpleStatementLine] = []  # lines holding one expression statement
        self.dicts: list[cst.Dict] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parent[id(node)] = self._stack[-1]
        self._stack.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        self._stack.pop()

    # -- leaves --------------------------------------------------------------
    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.strings.append(node)

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        self.strings.append(node)

    def visit_Comment(self, node: cst.Comment) -> None:
        self.comments.append(node)

    # -- context ---------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.docstrings.update(id(n) for n in docstring_nodes(node.body))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node)
        if isinstance(node.body, cst.IndentedBlock):
            self.docstrings.update(id(n) for n in docstring_nodes(node.body.body))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if isinstance(node.body, cst.IndentedBlock):
            self.docstrings.update(id(n) for n in docstring_nodes(node.body.body))

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if len(node.body) == 1 and isinstance(node.body[0], cst.Expr):
            self.expr_lines.append(node)

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.append(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.append(node)
        if isinstance(node.names, cst.ImportStar):
            self.star_import = True

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        self.dicts.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.assigns.append(node)
        if any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in node.targets):
            self._mark_all(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == "__all__":
            self._mark_all(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == "__all__" and node.value is not None:
            self._mark_all(node.value)

    def _mark_all(self, value: cst.CSTNode) -> None:
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            for el in value.elements:
                if isinstance(el.value, cst.SimpleString):
                    self.all_strings.add(id(el.value))


def scan(module: cst.Module) -> Scan:
    """What ``module.visit(Scan())`` collects, gathered by one plain walk: the same ``visit_<Node>``
    methods, called in the same (pre-)order, with the same parent links, without a visitor's
    per-node dispatch."""
    s = Scan()
    handlers: dict[type, object] = {}
    parent = s.parent
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        t = type(node)
        handler = handlers.get(t, False)
        if handler is False:
            handler = handlers[t] = getattr(s, f"visit_{t.__name__}", None)
        if handler is not None:
            handler(node)
        kids = children(node)
        for kid in kids:
            parent[id(kid)] = node
        stack.extend(reversed(kids))
    return s


def dotted(node: cst.CSTNode | None) -> str:
    """``a.b.c`` for a Name/Attribute chain ('' for None)."""
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def chain_names(node: cst.CSTNode | None) -> list[cst.Name]:
    """Every Name of a Name/Attribute chain, left to right."""
    if isinstance(node, cst.Name):
        return [node]
    if isinstance(node, cst.Attribute):
        return chain_names(node.value) + [node.attr]
    return []


def walk(node: cst.CSTNode):
    """Every node below ``node`` (itself included), depth first, without a visitor's set-up."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(children(n))

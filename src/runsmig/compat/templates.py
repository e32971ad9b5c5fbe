"""Attribute lookups in a downstream project's templates (Django, Jinja): ``{{ execution.job_id }}``,
``{% if x.job %}``, ``{% for a in x.jobs %}``, ``{{ v|default:x.job_id }}``, ``{% url 'n' x.job_id %}``.

The text is cut into tokens as Django's ``Lexer`` cuts it (text, ``{{ var }}``, ``{% block %}``,
``{# comment #}``; ``{% comment %}``/``{% verbatim %}``/``{% raw %}`` bodies are text); only the
variable and block tokens are read, and in them only dotted paths outside string literals. A path's
first segment is a variable of the template (the project's own name, never changed); each further
segment is a lookup, renamed when it is spelled like a renamed member of the library and nothing of
the project's own has that spelling (``own_spellings``): then it can only be the library's. Lookups
spelled like one of the project's own are left, with a note. Interface: ``rewrite(text, members,
own) -> (new text, [(line, old, renamed?)])``, ``own_spellings(trees, library, names)``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

EXTENSIONS = (".html", ".htm", ".txt", ".jinja", ".jinja2", ".j2", ".tpl", ".djhtml")

# Django's tag_re (django.template.base), spanning lines as Jinja's tags may
_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
# a block tag whose body is text up to its end tag: Django's comment and verbatim, Jinja's raw
_TEXT_BODY = {"comment": "endcomment", "verbatim": "endverbatim", "raw": "endraw"}
# tags whose arguments are no variables: library names (Django's load)
_NO_VARIABLES = {"load"}
# inside a tag: string literals (skipped), numbers (skipped), dotted paths, anything else one character
_PIECE = re.compile(r"""(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<num>\d[\w.]*)"""
                    r"""|(?P<path>[A-Za-z_]\w*(?:\s*\.\s*\w+)*)|.""", re.DOTALL)
_SEGMENT = re.compile(r"\.\s*(\w+)")


def _inner(token: str) -> tuple[int, str]:
    """The content of a tag token and its offset in the token, whitespace control (``{%-``) off."""
    start, end = 2, len(token) - 2
    while start < end and token[start] in "-+":
        start += 1
    while end > start and token[end - 1] in "-+":
        end -= 1
    return start, token[start:end]


def tokens(text: str) -> Iterator[tuple[str, int, str]]:
    """(kind, offset of the content, content) of each ``var`` and ``block`` token a template engine
    reads as code; text, comments and the bodies of comment/verbatim/raw blocks are not yielded."""
    until = None  # the end tag of a text body being skipped
    for m in _TAG.finditer(text):
        token = m.group(0)
        if token.startswith("{#"):
            continue
        at, content = _inner(token)
        words = content.split()
        if until is not None:
            if token.startswith("{%") and words and words[0] == until:
                until = None
            continue
        if token.startswith("{%"):
            if words and words[0] in _TEXT_BODY:
                until = _TEXT_BODY[words[0]]
                continue
            if words and words[0] in _NO_VARIABLES:
                continue
            yield "block", m.start() + at, content
        else:
            yield "var", m.start() + at, content


def lookups(text: str) -> Iterator[tuple[int, str]]:
    """(offset, name) of each lookup segment of a dotted path in the template's tags: ``job_id`` of
    ``execution.job_id``; not the path's first segment (a variable), nor anything in a string."""
    for _kind, at, content in tokens(text):
        for piece in _PIECE.finditer(content):
            if piece.group("path") is None or content[piece.start() - 1:piece.start()] in (".", "$"):
                continue  # not a variable's path: Go's ``.Values.job`` or ``$x.job`` (a Helm chart's .tpl)
            path = piece.group("path")
            first = re.match(r"\w+", path).end()
            for seg in _SEGMENT.finditer(path, first):
                if not seg.group(1).isdigit():
                    yield at + piece.start() + seg.start(1), seg.group(1)


def defined(text: str) -> set[str]:
    """Names a template defines that a dotted path may read: Jinja's macros and ``set`` targets
    (``{% import 'forms.html' as forms %}`` ... ``forms.job_row``, ``{% set ns.job = ... %}``)."""
    out: set[str] = set()
    for kind, _at, content in tokens(text):
        words = content.split(None, 1)
        if kind == "block" and len(words) == 2 and words[0] in ("macro", "set"):
            target = re.match(r"[\w.\s,]+", words[1])
            if target:
                out.update(w for w in re.findall(r"\w+", target.group(0).split("=")[0]))
    return out


def rewrite(text: str, members: dict[str, str], own: set[str]) -> tuple[str, list[tuple[int, str, bool]]]:
    """``text`` with each lookup spelled like an old member (``members``: old -> new short names) and
    not in ``own`` renamed; and (line, old spelling, renamed?) of each such lookup."""
    parts, said, last = [], [], 0
    for at, name in lookups(text):
        if name not in members:
            continue
        line = text.count("\n", 0, at) + 1
        if name in own:
            said.append((line, name, False))
            continue
        parts += [text[last:at], members[name]]
        last = at + len(name)
        said.append((line, name, True))
    return "".join(parts) + text[last:], said


_FIELD_WITH_ID = re.compile(r"(ForeignKey|OneToOneField)$")  # a model's relation field ``job`` has ``job_id`` too
_KEY_METHODS = {"get", "pop", "setdefault", "update", "__getitem__", "__setitem__"}
# callables whose dict argument is a template's context: its keys are the template's variables (a
# path's first segment, never a lookup); Django's, Jinja's, Flask's and Starlette's spellings
_RENDERERS = {"render", "render_to_string", "render_to_response", "TemplateResponse", "SimpleTemplateResponse",
              "Context", "RequestContext", "render_template"}
_CONTEXT_METHOD = "get_context_data"


def _called(node) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _contexts(tree: ast.Module) -> set[int]:
    """The nodes of ``tree`` that build a template context (its keys are variables, not attributes):
    a dict given to a renderer, or bound to a name a function gives to one, returns from
    get_context_data or gets from it (with that name's ``x['k'] = ...``, ``x.update(...)``), and a
    class's ``extra_context``."""
    out: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.ClassDef):
            for item in fn.body:
                if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "extra_context"
                                                        for t in item.targets):
                    out.add(id(item.value))
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        names: set[str] = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and _called(node) in _RENDERERS:
                for a in list(node.args) + [k.value for k in node.keywords]:
                    out.add(id(a))
                    if isinstance(a, ast.Name):
                        names.add(a.id)
            elif isinstance(node, ast.Return) and getattr(fn, "name", "") == _CONTEXT_METHOD and node.value:
                out.add(id(node.value))
                if isinstance(node.value, ast.Name):
                    names.add(node.value.id)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                    and _called(node.value) == _CONTEXT_METHOD:
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in node.targets):
                out.add(id(node.value))
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in names:
                out.add(id(node))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in names:
                out.add(id(node))
                out.update(id(a) for a in node.args)
    return out


def class_attributes(node: ast.ClassDef, names: set[str]) -> set[str]:
    """Those of ``names`` a class's body defines as its attributes: methods and properties, class
    attributes (a model's fields), and the ``x_id`` of a relation field ``x`` (ForeignKey)."""
    out: set[str] = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in names:
            out.add(item.name)
        targets = item.targets if isinstance(item, ast.Assign) else [item.target] \
            if isinstance(item, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Name):
                out.update({t.id} & names)
                value = getattr(item, "value", None)
                if isinstance(value, ast.Call) and _FIELD_WITH_ID.search(_called(value)):
                    out.update({t.id + "_id"} & names)
    return out


def _test_module(rel: str) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    return any(p in ("tests", "test", "testing") for p in parts[:-1]) or name in ("tests.py", "conftest.py") \
        or name.startswith("test_") or name.endswith(("_test.py", "_tests.py"))


def own_spellings(trees: dict, library_class, names: set[str]) -> set[str]:
    """Those of ``names`` a template lookup may read from the project's own objects: attributes of
    its classes (class attributes, model fields and their ``_id``, methods, properties, ``self.x =``),
    dict keys (literal keys, ``d['x']``, ``dict(x=...)``, ``d.update(x=...)``, ``d.get('x')``) but those
    of a template's context (``_contexts``: they name variables), and those of a test module that renders
    no template (its data reaches no template: the project's code does not import its tests). Classes deriving from the library's
    (``library_class(base, tree)``) hold the library's attributes: not counted. ``trees``: parsed
    Python files of the project."""
    out: set[str] = set()

    def key(node) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
            out.add(node.value)

    for rel, tree in trees.items():
        library_owned: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(library_class(b, tree) for b in node.bases):
                library_owned.update(id(n) for n in ast.walk(node))
        contexts = _contexts(tree)
        keys = not _test_module(rel) or any(isinstance(n, ast.Call) and _called(n) in _RENDERERS
                                            for n in ast.walk(tree))
        for node in ast.walk(tree):
            if id(node) in contexts:
                continue
            if not keys and isinstance(node, (ast.Dict, ast.Subscript, ast.Call)):
                continue
            if isinstance(node, ast.ClassDef) and id(node) not in library_owned:
                out |= class_attributes(node, names)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr in names \
                    and id(node) not in library_owned:
                out.add(node.attr)
            elif isinstance(node, ast.Dict):
                for k in node.keys:
                    key(k)
            elif isinstance(node, ast.Subscript):
                key(node.slice)
            elif isinstance(node, ast.Call):
                f = node.func
                if (isinstance(f, ast.Name) and f.id == "dict") or (isinstance(f, ast.Attribute)
                                                                    and f.attr in _KEY_METHODS):
                    out.update({k.arg for k in node.keywords if k.arg} & names)
                    if isinstance(f, ast.Attribute) and node.args:
                        key(node.args[0])
    return out

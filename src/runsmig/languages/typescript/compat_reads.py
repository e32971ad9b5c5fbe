"""Old option keys read as a fallback where the package reads the option (issue #22).

A renamed member of an exported interface (``RunOptions.jobId -> runId``) is an options key a
caller may still pass under its old spelling. Each place of the package that reads the new key
(``opts.runId``, ``opts?.runId``) reads it through ``compatRead(opts, 'runId', 'RunOptions')``:
the new key's value when it is there, else the old key's (an own property of the object) with a
deprecation warning. Writes (``opts.runId = …``), calls (``opts.runId()``) and ``this.runId`` are
left as they are. The helper lives in the compat runtime file; the read site gets one import.
A destructuring read of a name or a read of one (``const { a: { runId: id } } = opts``) gives the
binding a default reading the old key (``id = compatRead(opts?.a, 'runId', 'RunOptions')``, a default
of its own kept after ``??``, in parentheses only where precedence needs them: ``?? -1``,
``?? (a || b)``); one with nothing to read from (a parameter, a loop variable) is a note.

Which reads: runsmig has no type checker, so a read is left alone only when the type of its object is
known here and is none of the option types; every other read of a new key's name is a fallback read.
Known: a name declared in the file with a type annotation naming no option type (nor ``any``,
``unknown``, ``object``, a type parameter), a variable initialised by ``new C()`` or a literal, a
class, function or namespace import. Not known, so read as an option: a parameter without an
annotation (contextually typed: ``(id, payload, spec = {}) => spec.runKey`` returned as a declared
function type; a callback's parameter), a variable initialised by a call or another read
(``const config = loaded?.config``), an imported name, a catch or loop variable, a name declared
nowhere in the file. ``compatRead`` reads the old key only when the new one is undefined, so a read
of an object that never carries the old key keeps its value.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from runsmig.languages.typescript.compat_writer import _spec, insert_import

READ_HELPER = "compatRead"
WRITE_KINDS = ("assignment_expression", "augmented_assignment_expression", "update_expression")


@dataclass(frozen=True)
class Key:
    owner: str
    old: str
    new: str


def _parse(text: str, rel: str):
    from ast_grep_py import SgRoot

    from runsmig.languages.typescript import LANGUAGE

    return SgRoot(text, LANGUAGE.grammar(rel)).root()


def option_types(texts: dict[str, str], keys: list[Key]) -> set[str]:
    """The type names whose values may carry an old key: the interfaces the keys belong to, and every
    interface or type alias of the package that extends or names one of them (to a fixed point)."""
    import re

    owners = {k.owner for k in keys}
    decls: list[tuple[str, str]] = []
    for rel, text in texts.items():
        if not any(o in text for o in owners) and "extends" not in text and "type " not in text:
            continue
        root = _parse(text, rel)
        for d in root.find_all(any=[{"kind": "interface_declaration"}, {"kind": "type_alias_declaration"}]):
            name = d.field("name")
            if name is None:
                continue
            head = d.field("value") if d.kind() == "type_alias_declaration" else \
                next((c for c in d.children() if c.kind() == "extends_type_clause"), None)
            if head is not None:
                decls.append((name.text(), head.text()))
    while True:
        word = re.compile(r"\b(" + "|".join(map(re.escape, sorted(owners))) + r")\b")
        more = {n for n, h in decls if n not in owners and word.search(h)}
        if not more:
            return owners
        owners |= more


def signatures(texts: dict[str, str]) -> dict[str, list[str]]:
    """The function type aliases of the package: name -> the type written for each parameter ("" for none),
    ``type AddRun = (id: string, spec?: TaskSpec) => Run`` -> ``["string", "TaskSpec"]``. A function
    written where one of them is expected has parameters of these types (contextually typed)."""
    out: dict[str, list[str]] = {}
    for rel, text in texts.items():
        if "=>" not in text or "type " not in text:
            continue
        for d in _parse(text, rel).find_all(kind="type_alias_declaration"):
            name, value = d.field("name"), d.field("value")
            if name is not None and value is not None and value.kind() == "function_type":
                out.setdefault(name.text(), _param_types(value))
    return out


def _param_types(fn_type) -> list[str]:
    """The type written for each parameter of a function type; a type parameter of its own is replaced
    by its constraint (``<S extends Spec[]>(specs: S)`` -> ``Spec[]``), none ("") when it has none."""
    import re

    bounds = {}
    tps = fn_type.field("type_parameters")
    for t in tps.children() if tps is not None else ():
        name = t.field("name") if t.kind() == "type_parameter" else None
        if name is not None:
            c = t.field("constraint")
            bounds[name.text()] = c.text().strip()[len("extends"):].strip() if c is not None else ""
    params = fn_type.field("parameters")
    out = []
    for c in params.children() if params is not None else ():
        if c.kind() in PARAMS:
            ann = next((a for a in c.children() if a.kind() == "type_annotation"), None)
            typed = ann.text().lstrip(":").strip() if ann is not None else ""
            for tp, bound in bounds.items():
                if re.search(r"(?<![\w$])" + re.escape(tp) + r"(?![\w$])", typed):
                    typed = re.sub(r"(?<![\w$])" + re.escape(tp) + r"(?![\w$])", f"({bound})", typed) \
                        if bound else ""
            out.append(typed)
    return out


def _typed_names(root, types: set[str]) -> set[str]:
    """Names declared in the file with a type annotation that names one of ``types``
    (parameters, variables, class fields, interface members)."""
    import re

    word = re.compile(r"\b(" + "|".join(map(re.escape, sorted(types))) + r")\b")
    out = set()
    for ann in root.find_all(kind="type_annotation"):
        if not word.search(ann.text()):
            continue
        owner = ann.parent()
        if owner is None:
            continue
        name = owner.field("pattern") or owner.field("name")
        if name is not None and name.kind() in ("identifier", "property_identifier"):
            out.add(name.text())
    return out


OPTION, OTHER, UNKNOWN = "option", "other", "unknown"
ANYISH = r"\b(any|unknown|object|Object)\b"
PARAMS = ("required_parameter", "optional_parameter")
ITERATING = {"map", "flatMap", "forEach", "filter", "some", "every", "find", "findIndex", "findLast",
             "findLastIndex"}
LITERALS = ("string", "template_string", "number", "true", "false", "null", "regex", "array", "arrow_function",
            "function_expression", "function", "class", "new_expression", "object")


TRANSPARENT = {"Partial", "Readonly", "Required", "NonNullable", "Pick", "Omit", "Array", "ReadonlyArray", "Record"}


def _outer(text: str) -> str:
    """A type without the arguments of its generic types (``Run<T>[]`` -> ``Run[]``), except those of
    types that are their argument reshaped (``Partial<T>``, ``Array<T>``, ``Record<K, V>``), and without
    the members of an object type (``{ id: T }`` -> ``{…}``: a type of its own, whatever they are)."""
    import re

    out, keep, braces = [], [], 0
    for m in re.finditer(r"[A-Za-z_$][\w$]*|[<>{}]|[^A-Za-z_${}<>]+", text):
        t = m.group()
        if t == "{":
            if braces == 0:
                out.append("{…}")
            braces += 1
        elif t == "}" and braces:
            braces -= 1
        elif braces:
            continue
        elif t == "<":
            prev = re.findall(r"[A-Za-z_$][\w$]*$", "".join(out).rstrip())
            keep.append(bool(prev) and prev[-1] in TRANSPARENT and (not keep or keep[-1]))
            out.append(" ")
        elif t == ">" and keep:
            keep.pop()
            out.append(" ")
        elif not keep or keep[-1]:
            out.append(t)
    return "".join(out)


class _Kinds:
    """What the file says of the type of each name: ``OPTION`` (annotated with an option type), ``OTHER``
    (a type known here that is none of them), ``UNKNOWN`` (no type runsmig can establish). ``values``:
    names as variables and parameters; ``fields``: as class fields, parameter properties, interface
    members (the last name of ``a.b``). The first parameter of a callback given to an iterating method
    (``runs.some(j => j.runId)``) is of the kind of the type of the object the method is called on.
    A name read is the one declared in the innermost scope around the read (a block, a function's
    parameters) that declares it."""

    def __init__(self, root, types: set[str], sigs: dict[str, list[str]] | None = None):
        import re

        self.types = types
        self.sigs = sigs or {}
        self.word = re.compile(r"\b(" + "|".join(map(re.escape, sorted(types))) + r")\b") if types else None
        self.tparams = {n.text() for t in root.find_all(kind="type_parameter")
                        if (n := t.field("name")) is not None}
        # name -> (kind, scope start, scope end) of each declaration (kind a node: the callback's object)
        self.values: dict[str, list] = {}
        self.fields: dict[str, list] = {}  # name -> kinds
        for d in root.find_all(any=[{"kind": k} for k in PARAMS + ("variable_declarator",)]):
            name = d.field("pattern") or d.field("name")
            if name is None or name.kind() != "identifier":
                continue
            kind, typed = self._declared(d)
            self.values.setdefault(name.text(), []).append((kind, *_scope(d, d.kind() in PARAMS), typed))
            if d.kind() in PARAMS and any(c.kind() == "accessibility_modifier" or c.text() == "readonly"
                                          for c in d.children()):
                self.fields.setdefault(name.text(), []).append((kind, typed))
        for fn in root.find_all(kind="arrow_function"):  # x => …: its one parameter, no parentheses
            name = fn.field("parameter")
            if name is not None and name.kind() == "identifier":
                kind, typed = self._contextual(fn, 0)
                self.values.setdefault(name.text(), []).append((self._callback_of(fn, name) or kind,
                                                                fn.range().start.index, fn.range().end.index, typed))
        for d in root.find_all(any=[{"kind": "public_field_definition"}, {"kind": "property_signature"}]):
            name = d.field("name")
            if name is not None and name.kind() == "property_identifier":
                self.fields.setdefault(name.text(), []).append(self._declared(d))
        for d in root.find_all(any=[{"kind": k} for k in ("function_declaration", "class_declaration",
                                                          "abstract_class_declaration", "enum_declaration",
                                                          "namespace_import")]):
            name = d.field("name") if d.kind() != "namespace_import" else \
                next((c for c in d.children() if c.kind() == "identifier"), None)
            if name is not None:
                self.values.setdefault(name.text(), []).append((OTHER, *_scope(d, False), ""))

    def of_type(self, text: str) -> str:
        """The kind of a type written ``text`` (an annotation, ``as T``)."""
        import re

        text = text.strip().lstrip(":").strip()
        if self.word is not None and self.word.search(text):
            return OPTION
        outer = _outer(text)
        if re.search(ANYISH, outer) or re.sub(r"\s", "", text) == "{}":
            return UNKNOWN  # any, unknown, object, {}, Record<string, any>: any object at all
        if set(re.findall(r"[A-Za-z_$][\w$]*", outer)) & self.tparams:
            return UNKNOWN  # T, T | undefined (not Run<T>[] nor { id: T }: types of their own whatever T is)
        return OTHER

    def _declared(self, d) -> tuple[str, str]:
        """(kind, the type written for it) of a declaration."""
        ann = next((c for c in d.children() if c.kind() == "type_annotation"), None)
        if ann is not None:
            return self.of_type(ann.text()), ann.text().lstrip(":").strip()
        if d.kind() not in ("variable_declarator", "public_field_definition", "property_signature"):
            params = d.parent()
            fn = params.parent() if params is not None and params.kind() == "formal_parameters" else None
            if fn is None:
                return UNKNOWN, ""
            at = [c.range().start.index for c in params.children() if c.kind() in PARAMS].index(d.range().start.index)
            if at == 0 and self._callback_of(fn, d) is not None:
                return self._callback_of(fn, d), ""
            return self._contextual(fn, at)  # a parameter without annotation: contextually typed, or any
        value = d.field("value")
        if value is None or value.kind() not in LITERALS:
            return UNKNOWN, ""  # a call's result, another read, an await: its type is not known here
        if value.kind() == "new_expression":
            ctor = value.field("constructor")
            known = ctor is not None and ctor.kind() == "identifier" and ctor.text() not in self.types
            return (OTHER, "") if known else (UNKNOWN, "")
        if value.kind() == "object" and any(c.kind() == "spread_element" for c in value.children()):
            return UNKNOWN, ""  # holds what another object holds: maybe a caller's options
        return OTHER, ""

    def _contextual(self, fn, at: int) -> tuple[str, str]:
        """(kind, type) of the parameter ``at`` of the function ``fn`` from the function type it is written
        as: the declared return type of the function returning it, the type of the variable it initialises
        (a function type written there, or an alias of the package's :func:`signatures`)."""
        import re

        parent = fn.parent()
        ann = None
        if parent is not None and parent.kind() == "return_statement":
            outer = parent.parent()
            while outer is not None and outer.kind() not in FUNCTIONS:
                outer = outer.parent()
            ann = outer.field("return_type") if outer is not None else None
        elif parent is not None and parent.kind() == "arrow_function" and _same(parent.field("body"), fn):
            ann = parent.field("return_type")
        elif parent is not None and parent.kind() == "variable_declarator" and _same(parent.field("value"), fn):
            ann = next((c for c in parent.children() if c.kind() == "type_annotation"), None)
        if ann is None:
            return UNKNOWN, ""
        node = ann.children()[-1] if ann.kind() == "type_annotation" and ann.children() else ann
        if node.kind() == "function_type":
            types = _param_types(node)
        else:
            m = re.fullmatch(r"([A-Za-z_$][\w$]*)\s*(<.*>)?", node.text().strip(), re.S)
            types = self.sigs.get(m.group(1)) if m else None
        if not types or at >= len(types) or not types[at]:
            return UNKNOWN, ""
        return self.of_type(types[at]), types[at]

    @staticmethod
    def _callback_of(fn, param):
        """The object ``xs`` of ``xs.map(x => …)``: ``fn`` is that callback, ``param`` its first parameter."""
        args = fn.parent()
        call = args.parent() if args is not None and args.kind() == "arguments" else None
        if fn.kind() not in ("arrow_function", "function_expression", "function") or call is None \
                or call.kind() != "call_expression":
            return None
        callee = call.field("function")
        if callee is None or callee.kind() != "member_expression":
            return None
        method, obj = callee.field("property"), callee.field("object")
        return obj if method is not None and method.text() in ITERATING and obj is not None else None

    def receiver(self, obj, depth: int = 0) -> str:
        """The kind of the object of a read ``obj.key``."""
        while obj.kind() in ("non_null_expression", "parenthesized_expression"):
            inner = [c for c in obj.children() if c.is_named()]
            if len(inner) != 1:
                return UNKNOWN
            obj = inner[0]
        if obj.kind() in ("as_expression", "satisfies_expression"):
            named = [c for c in obj.children() if c.is_named()]
            return self.of_type(named[-1].text()) if len(named) == 2 else UNKNOWN
        if obj.kind() == "new_expression":
            ctor = obj.field("constructor")
            return OTHER if ctor is not None and ctor.kind() == "identifier" and ctor.text() not in self.types \
                else UNKNOWN
        declared = self._declarations(obj)
        if declared is None:
            return UNKNOWN
        kinds = {k if isinstance(k, str) else self.receiver(k, depth + 1) if depth < 4 else UNKNOWN
                 for k, _ in declared}
        if OPTION in kinds:
            return OPTION
        return OTHER if kinds == {OTHER} else UNKNOWN

    def _declarations(self, obj) -> list[tuple[object, str]] | None:
        """(kind, type written) of the declarations a name read as ``obj`` may be (None: not a name)."""
        if obj.kind() == "identifier":
            at = obj.range().start.index
            seen = [(k, a, t) for k, a, b, t in self.values.get(obj.text(), []) if a <= at < b]
            inner = max((a for _, a, _ in seen), default=None)
            return [(k, t) for k, a, t in seen if a == inner]
        if obj.kind() == "member_expression":
            p = obj.field("property")
            return self.fields.get(p.text(), []) if p is not None else []
        return None

    def owner(self, obj, owners: list[str], depth: int = 0) -> str:
        """Of ``owners`` (the interfaces a key belongs to), the one the type of ``obj`` names, else the first."""
        import re

        while obj.kind() in ("non_null_expression", "parenthesized_expression") and obj.children():
            obj = next((c for c in obj.children() if c.is_named()), obj)
        for kind, typed in self._declarations(obj) or []:
            if not isinstance(kind, str) and depth < 4:  # a callback's parameter: the type of the iterated
                found = self.owner(kind, owners, depth + 1)
                if found != owners[0] or len(owners) == 1:
                    return found
            for o in owners:
                if typed and re.search(r"(?<![\w$.])" + re.escape(o) + r"(?![\w$])", typed):
                    return o
        return owners[0]


SCOPES = ("statement_block", "program", "class_body", "for_statement", "for_in_statement", "switch_body")
FUNCTIONS = ("arrow_function", "function_declaration", "function_expression", "function", "method_definition",
             "generator_function_declaration", "generator_function")


def _scope(node, param: bool) -> tuple[int, int]:
    """Where a declaration is seen: its function (a parameter), else its block."""
    kinds = FUNCTIONS if param else SCOPES
    p = node.parent()
    while p is not None and p.kind() not in kinds:
        node, p = p, p.parent()
    if p is None:
        return 0, 1 << 62
    return p.range().start.index, p.range().end.index


def _last_name(obj) -> str | None:
    if obj.kind() == "identifier":
        return obj.text()
    if obj.kind() == "member_expression":
        p = obj.field("property")
        return p.text() if p is not None else None
    return None


def fallback_reads(rel: str, text: str, keys: list[Key], runtime: str, style: str,
                   types: set[str] | None = None, removed_in: str = "",
                   sigs: dict[str, list[str]] | None = None) -> tuple[str, int, list[str]]:
    """(new text, reads rewritten, notes) of one source file of the package. ``types``: the option
    types (:func:`option_types`); a read is rewritten unless the type of its object is known here and
    is none of them (:class:`_Kinds`). ``sigs``: the package's function types (:func:`signatures`)."""
    by_new: dict[str, list[Key]] = {}
    for k in keys:
        by_new.setdefault(k.new, []).append(k)
    if not any(n in text for n in by_new):
        return text, 0, []
    root = _parse(text, rel)
    if root.find(kind="ERROR") is not None:
        return text, 0, [f"{rel}: does not parse; old option keys are not read there"]
    edits: list[tuple[int, int, str]] = []
    notes: list[str] = []
    typed = _typed_names(root, types if types else {k.owner for k in keys})
    kinds = _Kinds(root, types if types else {k.owner for k in keys}, sigs)
    for node in root.find_all(kind="member_expression"):
        prop, obj = node.field("property"), node.field("object")
        if prop is None or obj is None or prop.text() not in by_new or obj.kind() in ("this", "super"):
            continue
        if _last_name(obj) not in typed and kinds.receiver(obj) == OTHER:
            continue  # an object whose type is known here and is no option type: no old key to read
        parent = node.parent()
        if parent is not None:
            pk = parent.kind()
            if pk in WRITE_KINDS and (pk == "update_expression" or _is_left(parent, node)):
                continue
            if _called(node):
                continue
            if pk == "unary_expression" and parent.children()[0].text() == "delete":
                continue
        ks = by_new[prop.text()]
        if len({k.old for k in ks}) != 1:
            continue
        k = next(x for x in ks if x.owner == kinds.owner(obj, [x.owner for x in ks]))
        a, b = node.range().start.index, node.range().end.index
        oa, ob = obj.range().start.index, obj.range().end.index
        optional = ", true" if any(c.kind() == "optional_chain" for c in node.children()) else ""
        edits.append((a, b, f"{READ_HELPER}({text[oa:ob]}, '{k.new}', '{k.owner}'{optional})"))
    for pat in root.find_all(kind="object_pattern"):
        source = _pattern_source(pat)
        for s in pat.children():
            name = s.field("key") if s.kind() == "pair_pattern" else s.field("left") \
                if s.kind() == "object_assignment_pattern" else s
            if name is None or name.text() not in by_new:
                continue
            ks = by_new[name.text()]
            edit = _default_read(s, source, ks, kinds, text) if len({k.old for k in ks}) == 1 else None
            if edit == ():
                continue  # an object of a known type that is no option type
            if edit is not None:
                edits.append(edit)
                continue
            notes.append(f"{rel}:{s.range().start.line + 1}: '{name.text()}' is read by destructuring; "
                         f"the old key '{ks[0].old}' is not read there")
    if not edits:
        return text, 0, notes
    edits = _outermost(edits)
    out = text
    for a, b, r in sorted(edits, reverse=True):
        out = out[:a] + r + out[b:]
    out = _with_import(out, rel, runtime, style, removed_in)
    return out, len(edits), notes


def _pattern_source(pat):
    """(the object a destructuring pattern takes its keys from, as a name or a read of one, the keys on
    the way: ``const { a: { b: { runKey } } } = opts`` -> (opts, ["a", "b"])), or None (a parameter, a
    loop variable, a call's result: nothing to read the old key from)."""
    path: list[str] = []
    node = pat
    while True:
        parent = node.parent()
        if parent is None:
            return None
        if parent.kind() == "assignment_pattern" and _same(parent.field("left"), node):
            node, parent = parent, parent.parent()
            if parent is None:
                return None
        if parent.kind() == "pair_pattern" and _same(parent.field("value"), node):
            key = parent.field("key")
            if key is None or key.kind() != "property_identifier":
                return None
            path.insert(0, key.text())
            node = parent.parent()  # the enclosing object_pattern
            if node is None or node.kind() != "object_pattern":
                return None
            continue
        if parent.kind() == "variable_declarator" and _same(parent.field("name"), node):
            value = parent.field("value")
            simple = value is not None and value.kind() in ("identifier", "member_expression", "this") and \
                not any(n.kind() == "call_expression" for n in value.find_all(kind="call_expression"))
            return (value, path) if simple else None
        return None


def _default_read(prop, source, ks, kinds, text):
    """The edit making the binding of a destructured new key default to the old key's value: ``{ runKey: k }``
    -> ``{ runKey: k = compatRead(opts, 'runKey', 'TaskSpec') }``, a default of its own kept after ``??``.
    None: not this form (a nested pattern, no source to read); (): the source's type is known, no option."""
    if source is None:
        return None
    top, path = source
    if not path and kinds.receiver(top) == OTHER:
        return ()
    k = next(x for x in ks if x.owner == kinds.owner(top, [x.owner for x in ks])) if not path else ks[0]
    obj = text[top.range().start.index:top.range().end.index] + "".join("?." + p for p in path)
    read = f"{READ_HELPER}({obj}, '{k.new}', '{k.owner}')"
    kind = prop.kind()
    value = prop.field("value") if kind == "pair_pattern" else None
    end = None
    if kind == "shorthand_property_identifier_pattern" or (value is not None and value.kind() == "identifier"):
        end = prop.range().end.index
        return end, end, f" = {read}"
    default = prop.field("right") if kind == "object_assignment_pattern" else \
        value.field("right") if value is not None and value.kind() == "assignment_pattern" and \
        value.field("left") is not None and value.field("left").kind() == "identifier" else None
    if default is None:
        return None
    a, b = default.range().start.index, default.range().end.index
    own = text[a:b] if _binds_tighter(default) else f"({text[a:b]})"
    return a, b, f"{read} ?? {own}"


_TIGHT = ("identifier", "number", "string", "template_string", "true", "false", "null", "undefined", "this",
          "unary_expression", "member_expression", "subscript_expression", "call_expression", "new_expression",
          "object", "array", "parenthesized_expression", "non_null_expression", "regex", "await_expression")


def _binds_tighter(node) -> bool:
    """``node`` may follow ``??`` without parentheses (prettier writes none): an operand that binds tighter
    than ``??`` and is no ``||`` / ``&&`` / ``??`` (which may not be mixed with it unparenthesized)."""
    if node.kind() in _TIGHT:
        return True
    if node.kind() == "binary_expression":
        op = node.field("operator")
        return op is not None and op.text() not in ("||", "&&", "??")
    return False


def _called(node) -> bool:
    """``node`` is the function of a call: ``o.f()``, ``o.f<T>()``, ``o.f!()``, ``(o.f)()``, and
    ``await o.f<T>()`` (which the grammar reads as ``(await o.f)<T>()``)."""
    while True:
        parent = node.parent()
        if parent is None:
            return False
        if parent.kind() == "call_expression":
            return _same(parent.field("function"), node)
        if parent.kind() not in ("non_null_expression", "parenthesized_expression", "await_expression"):
            return False
        node = parent


def _same(a, b) -> bool:
    return a is not None and a.range().start.index == b.range().start.index and a.range().end.index == b.range().end.index


def _is_left(parent, node) -> bool:
    return _same(parent.field("left"), node)


def _outermost(edits):
    """Nested reads (``a.runId.runId``) are rewritten at the innermost only: keep spans that hold no other."""
    edits = sorted(edits, key=lambda e: (e[0], -e[1]))
    keep = []
    for e in edits:
        if any(o[0] <= e[0] and e[1] <= o[1] for o in keep):
            continue  # inside an edit kept already: its text was copied into that one, leave it
        keep.append(e)
    return keep


def _with_import(text: str, rel: str, runtime: str, style: str, removed_in: str) -> str:
    spec = _spec(rel, runtime, style)
    line = f"import {{ {READ_HELPER} }} from '{spec}';"
    if line in text:
        return text
    return insert_import(text, rel, line, spec, removed_in)


def undo_reads(rel: str, text: str) -> str:
    """The source without its fallback reads: ``compatRead(opts, 'runId', 'RunOptions')`` -> ``opts.runId``
    (``runsmig compat drop``; the import goes with its marked lines)."""
    if READ_HELPER + "(" not in text:
        return text
    root = _parse(text, rel)
    edits = []
    for call in root.find_all(kind="call_expression"):
        fn, args = call.field("function"), call.field("arguments")
        if fn is None or fn.text() != READ_HELPER or args is None:
            continue
        named = [c for c in args.children() if c.is_named()]
        if len(named) < 3 or named[1].kind() != "string":
            continue
        key = named[1].text()[1:-1]
        dot = "?." if len(named) > 3 and named[3].text() == "true" else "."
        a, b = call.range().start.index, call.range().end.index
        parent = call.parent()
        if parent is not None and parent.kind() == "binary_expression" and _same(parent.field("left"), call) \
                and parent.field("operator") is not None and parent.field("operator").text() == "??":
            pattern, right = parent.parent(), parent.field("right")
            if pattern is not None and pattern.kind() in ("assignment_pattern", "object_assignment_pattern") \
                    and right is not None and _same(pattern.field("right"), parent):
                inner = [c for c in right.children() if c.is_named()]  # a default of its own: kept
                if right.kind() != "parenthesized_expression" or len(inner) != 1:
                    inner = [right]
                pa, pb = parent.range().start.index, parent.range().end.index
                edits.append((pa, pb, inner[0].text()))
                continue
        if parent is not None and parent.kind() in ("assignment_pattern", "object_assignment_pattern") \
                and _same(parent.field("right"), call):
            left = parent.field("left")  # a default runsmig gave the binding: removed
            edits.append((left.range().end.index, b, ""))
            continue
        edits.append((a, b, f"{named[0].text()}{dot}{key}"))
    edits = _outermost(edits)
    for a, b, r in sorted(edits, reverse=True):
        text = text[:a] + r + text[b:]
    return text


def package_sources(files, entry: str, skip: set[str]) -> list[str]:
    """The package's own source files: TS files under the entry's top folder (no declarations, tests)."""
    top = entry.split("/")[0] if "/" in entry else ""
    out = []
    for rel in sorted(files):
        if rel in skip or not rel.endswith((".ts", ".tsx", ".mts", ".cts")) or rel.endswith(".d.ts"):
            continue
        if top and not rel.startswith(top + "/"):
            continue
        base = posixpath.basename(rel)
        if ".test." in base or ".spec." in base or "/__tests__/" in rel or "/tests/" in rel:
            continue
        out.append(rel)
    return out


__all__ = ["READ_HELPER", "Key", "fallback_reads", "option_types", "package_sources", "signatures", "undo_reads"]

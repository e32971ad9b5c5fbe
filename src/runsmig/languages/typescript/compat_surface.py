"""The public surface of a TS/JS package (issue #22): what a caller of the package can name.

A package is read from its ``package.json``: the entry points (``source``, ``exports``, ``main``,
``module``, ``types``/``typings``, ``bin``), each mapped back to a source file of the checkout (a
``dist/…js`` or ``.d.ts`` target through the tsconfig ``outDir``/``rootDir``, else the same path
under ``src/``). From each entry every exported name is followed through re-exports
(``export * from``, ``export {a as b} from``, ``import {a}; export {a}``) to its declaration; an
exported class or interface brings its public members (non-private, non-``#``), instance and static.
An interface a module of the package declares in ``declare global { namespace N { … } }`` is public too
(its callers name it ``N.Options`` without an import, and fill its keys): it is read into ``globals``
under its qualified name.

The reader works on any tree given as ``files`` + ``read(rel)``: the checkout before a rename and
the planned tree after it are read the same way, and :func:`renamed` compares the two.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable

from runsmig.languages.typescript.modules import parse_jsonc

SOURCE_EXTS = (".ts", ".tsx", ".mts", ".cts", ".d.ts", ".js", ".jsx", ".mjs", ".cjs")
_JS_TO_TS = {".js": (".ts", ".tsx", ".d.ts"), ".mjs": (".mts", ".d.mts"), ".cjs": (".cts", ".d.cts"),
             ".jsx": (".tsx",)}
CLASS_KINDS = ("class_declaration", "abstract_class_declaration", "class")
DECL_KINDS = {
    "class_declaration": "class", "abstract_class_declaration": "class", "interface_declaration": "interface",
    "type_alias_declaration": "type", "function_declaration": "function",
    "generator_function_declaration": "function", "function_signature": "function",
    "enum_declaration": "enum", "internal_module": "namespace", "module": "namespace",
}


@dataclass
class Decl:
    name: str  # as declared in its file
    kind: str  # class | interface | type | function | enum | const | namespace
    file: str
    type_params: tuple[str, ...] = ()
    members: dict[str, str] = field(default_factory=dict)  # public instance member -> method|property|accessor
    statics: dict[str, str] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()  # interface members declared with ``?``
    bases: tuple[str, ...] = ()  # names an interface extends (local spelling)
    tp_text: str = ""  # the type parameters as written, ``<D = any, N extends string = string>``
    tp_refs: tuple[str, ...] = ()  # type names the type parameters refer to
    # where each of tp_refs can be imported from: name -> (file, exported name); absent: nowhere
    tp_imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    # of tp_refs, those every file sees without an import: TypeScript's own (``Record``) and names a
    # ``declare global`` block of the package declares (a ``namespace GraphileWorker``)
    tp_globals: set[str] = field(default_factory=set)
    # an interface of a ``declare global`` block: the namespaces around it (``("GraphileConfig",)``)
    global_path: tuple[str, ...] | None = None

    @property
    def is_value(self) -> bool:
        return self.kind in ("class", "function", "enum", "const", "namespace")

    @property
    def is_type(self) -> bool:
        return self.kind in ("class", "interface", "type", "enum")


@dataclass
class Surface:
    package: str | None
    entries: list[str]
    exports: dict[str, Decl]  # exported name -> its declaration
    problems: list[str] = field(default_factory=list)
    specifier_style: str = ""  # "" or ".js": how the entry spells relative imports
    bins: list[str] = field(default_factory=list)  # source files of the package.json ``bin`` commands
    flags: set[str] = field(default_factory=set)  # long options their CLI parsers define (``--job-id``)
    globals: dict[str, Decl] = field(default_factory=dict)  # ``N.Options`` -> an interface of a declare global


Reader = Callable[[str], "str | None"]


def _parse(text: str, rel: str):
    from ast_grep_py import SgRoot

    from runsmig.languages.typescript import LANGUAGE

    return SgRoot(text, LANGUAGE.grammar(rel)).root()


def resolve_relative(files, importer: str, spec: str) -> str | None:
    """The file a relative specifier denotes in ``files`` (TypeScript's resolution, both styles)."""
    if not spec.startswith("."):
        return None
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    cands = [base]
    for js, tss in _JS_TO_TS.items():
        if base.endswith(js):
            cands += [base[: -len(js)] + t for t in tss]
    cands += [base + e for e in SOURCE_EXTS] + [f"{base}/index{e}" for e in SOURCE_EXTS]
    return next((c for c in cands if c in files and c.endswith(SOURCE_EXTS)), None)


def _entry_targets(pkg: dict) -> list[str]:
    out: list[str] = []

    def walk(v):
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for key in ("source", "exports", "types", "typings", "module", "main"):
        walk(pkg.get(key))
    return out


def _tsconfig_dirs(files, read: Reader, folder: str) -> list[tuple[str, str]]:
    """(outDir, rootDir) pairs of the tsconfig*.json files of the package folder."""
    pairs = []
    for rel in sorted(files):
        if posixpath.dirname(rel) != folder or not posixpath.basename(rel).startswith("tsconfig"):
            continue
        if not rel.endswith(".json"):
            continue
        try:
            cfg = parse_jsonc(read(rel) or "")
        except Exception:
            continue
        opts = cfg.get("compilerOptions", {}) if isinstance(cfg, dict) else {}
        out, root = opts.get("outDir"), opts.get("rootDir")
        if isinstance(out, str):
            pairs.append((posixpath.normpath(out), posixpath.normpath(root) if isinstance(root, str) else "src"))
    return pairs


def source_of(files, read: Reader, folder: str, target: str) -> str | None:
    """The source file of the checkout a package.json target denotes (``dist/cjs/index.js`` -> ``src/index.ts``)."""
    t = posixpath.normpath(target.lstrip("./") if target.startswith("./") else target)
    if "*" in t:
        return None
    stem = t
    for ext in (".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"):
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
            break
    stems = [stem]
    for out, root in _tsconfig_dirs(files, read, folder):
        for o in (out, *[f"{out}/{s}" for s in ("cjs", "esm", "mjs", "types", "lib")]):
            if stem == o or stem.startswith(o + "/"):
                stems.append(posixpath.normpath(posixpath.join(root, stem[len(o) + 1:])))
    parts = stem.split("/")
    for k in (1, 2):  # dist/x -> src/x, dist/cjs/x -> src/x
        if len(parts) > k:
            stems.append("src/" + "/".join(parts[k:]))
    for s in stems:
        for ext in (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"):
            rel = posixpath.join(folder, s + ext) if folder else s + ext
            if rel in files:
                return rel
    return None


def read_surface(files, read: Reader, package_json: str = "package.json") -> Surface | None:
    """The surface of the package whose manifest is ``package_json`` (None: no such file or not JSON)."""
    text = read(package_json)
    if text is None:
        return None
    try:
        pkg = json.loads(text)
    except ValueError:
        return None
    if not isinstance(pkg, dict):
        return None
    folder = posixpath.dirname(package_json)
    entries: list[str] = []
    for target in _entry_targets(pkg):
        src = source_of(files, read, folder, target)
        if src is not None and src not in entries:
            entries.append(src)
    surface = Surface(pkg.get("name") if isinstance(pkg.get("name"), str) else None, entries, {})
    reader = _ModuleReader(files, read)
    for entry in entries:
        for name, decl in reader.exports(entry).items():
            surface.exports.setdefault(name, decl)
        if not surface.specifier_style:
            surface.specifier_style = reader.style.get(entry, "")
    bins = pkg.get("bin")
    for target in ([bins] if isinstance(bins, str) else list(bins.values()) if isinstance(bins, dict) else []):
        src = source_of(files, read, folder, target) if isinstance(target, str) else None
        if src is not None and src not in surface.bins:
            surface.bins.append(src)
    surface.flags = cli_flags(files, read, surface.bins)
    surface.globals = reader.global_interfaces(sorted(reader.memo))
    surface.problems = reader.problems
    return surface


OPTION_CALLS = {"option", "requiredOption", "options", "addOption", "Option", "flag", "flags", "parseArgs"}
_LONG = re.compile(r"--([A-Za-z0-9][\w-]*)")


def cli_flags(files, read: Reader, bins: list[str]) -> set[str]:
    """The long options defined by the CLI parser calls (commander ``.option('-j, --job-id <id>')``,
    ``new Option('--job-id')``; yargs ``.option('job-id', …)``, ``.options({ 'job-id': … })``) in the
    bin files and the package files they import (relative imports, followed)."""
    out: set[str] = set()
    seen: set[str] = set()
    todo = list(bins)
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        text = read(rel)
        if text is None:
            continue
        root = _parse(text, rel)
        for stmt in root.find_all(any=[{"kind": "import_statement"}, {"kind": "call_expression"}]):
            spec = _string(stmt.field("source")) if stmt.kind() == "import_statement" else None
            if spec is not None:
                target = resolve_relative(files, rel, spec)
                if target is not None:
                    todo.append(target)
        for call in root.find_all(any=[{"kind": "call_expression"}, {"kind": "new_expression"}]):
            fn = call.field("function") if call.kind() == "call_expression" else call.field("constructor")
            if fn is None:
                continue
            name = (fn.field("property") or fn).text() if fn.kind() == "member_expression" else fn.text()
            if name not in OPTION_CALLS:
                continue
            args = call.field("arguments")
            named = [c for c in args.children() if c.is_named()] if args is not None else []
            if not named:
                continue
            first = named[0]
            if first.kind() == "string":
                value = _string(first) or ""
                longs = _LONG.findall(value)
                if longs:
                    out |= {"--" + f for f in longs}
                elif re.fullmatch(r"[A-Za-z][\w-]+", value) and name in ("option", "options"):
                    out.add("--" + value)  # yargs: .option('job-id', {...})
            elif first.kind() == "object" and name in ("options", "parseArgs"):
                if name == "parseArgs":  # node:util parseArgs({ options: { 'job-id': {...} } })
                    first = next((p.field("value") for p in first.children() if p.kind() == "pair"
                                  and p.field("key") is not None and p.field("key").text() == "options"), None)
                    if first is None or first.kind() != "object":
                        continue
                for pair in first.children():
                    key = pair.field("key") if pair.kind() == "pair" else None
                    if key is None:
                        continue
                    k = _string(key) if key.kind() == "string" else key.text()
                    if k and re.fullmatch(r"[A-Za-z][\w-]+", k):
                        out.add("--" + k)
    return out


class _ModuleReader:
    def __init__(self, files, read: Reader):
        self.files = files if isinstance(files, (set, frozenset)) else set(files)
        self.read = read
        self.memo: dict[str, dict[str, Decl]] = {}
        self.trees: dict[str, object] = {}
        self.style: dict[str, str] = {}
        self.problems: list[str] = []
        self._globals: set[str] | None = None

    def globals(self) -> set[str]:
        """Names the package's ``declare global { ... }`` blocks declare (namespaces, interfaces,
        types, classes): visible in every file of the program, imported by none."""
        if self._globals is None:
            self._globals = set()
            for rel in sorted(self.files):
                if not rel.endswith((".ts", ".tsx", ".mts", ".cts")) or "node_modules/" in rel:
                    continue
                text = self.read(rel)
                if not text or "declare global" not in text:
                    continue
                root = self.tree(rel)
                for amb in root.find_all(kind="ambient_declaration") if root is not None else []:
                    if not any(c.kind() == "global" for c in amb.children()):
                        continue
                    for block in (c for c in amb.children() if c.kind() == "statement_block"):
                        for stmt in block.children():
                            node = stmt.children()[0] if stmt.kind() == "expression_statement" and stmt.children() \
                                else stmt
                            name = node.field("name")
                            if name is not None:
                                self._globals.add(name.text())
        return self._globals

    def global_interfaces(self, rels) -> dict[str, Decl]:
        """The interfaces the ``declare global`` blocks of these modules declare, by qualified name."""
        out: dict[str, Decl] = {}
        for rel in rels:
            text = self.read(rel)
            root = self.tree(rel) if text and "declare global" in text else None
            for amb in root.find_all(kind="ambient_declaration") if root is not None else []:
                if any(c.kind() == "global" for c in amb.children()):
                    for block in (c for c in amb.children() if c.kind() == "statement_block"):
                        _global_interfaces(block, (), rel, out)
        return out

    def tree(self, rel: str):
        if rel not in self.trees:
            text = self.read(rel)
            self.trees[rel] = _parse(text, rel) if text is not None else None
        return self.trees[rel]

    def exports(self, rel: str) -> dict[str, Decl]:
        if rel in self.memo:
            return self.memo[rel]
        self.memo[rel] = {}  # a cycle of re-exports ends here
        root = self.tree(rel)
        out: dict[str, Decl] = {}
        if root is None:
            return out
        local = _local_declarations(root, rel)
        imports = _imports(root)
        star: list[str] = []
        for stmt in root.children():
            if stmt.kind() != "export_statement":
                continue
            src = stmt.field("source")
            spec = _string(src) if src is not None else None
            if spec is not None and spec.startswith(".") and rel not in self.style:
                self.style[rel] = ".js" if spec.endswith(".js") else ""
            target = resolve_relative(self.files, rel, spec) if spec else None
            if spec is not None and target is None:
                if spec.startswith("."):
                    self.problems.append(f"{rel}: re-export of '{spec}' does not resolve")
                continue
            decl = stmt.field("declaration")
            if decl is not None:
                for d in _declared(decl, rel):
                    out[d.name] = local.get(d.name, d)
                continue
            if any(c.kind() == "default" for c in stmt.children()):
                continue
            ns = next((c for c in stmt.children() if c.kind() == "namespace_export"), None)
            clause = next((c for c in stmt.children() if c.kind() == "export_clause"), None)
            if ns is not None:
                name = ns.children()[-1].text()
                out[name] = Decl(name, "namespace", target or rel)
            elif clause is not None:
                for spec_node in clause.children():
                    if spec_node.kind() != "export_specifier":
                        continue
                    name_n, alias_n = spec_node.field("name"), spec_node.field("alias")
                    if name_n is None:
                        continue
                    name = name_n.text()
                    exported = alias_n.text() if alias_n is not None else name
                    found = self._find(target, name) if target else self._local(rel, name, local, imports)
                    if found is not None:
                        out[exported] = found
            elif target is not None:  # export * from
                star.append(target)
        for target in star:
            for name, d in self.exports(target).items():
                if name != "default":
                    out.setdefault(name, d)
        self.memo[rel] = out
        mine = {d.name: n for n, d in out.items() if d.file == rel}
        for d in local.values():
            for ref in d.tp_refs:
                if ref in mine:
                    d.tp_imports[ref] = (rel, mine[ref])
                elif ref in imports and imports[ref][0].startswith("."):
                    target = resolve_relative(self.files, rel, imports[ref][0])
                    if target is not None:
                        d.tp_imports[ref] = (target, imports[ref][1])
                elif ref not in local and ref not in imports and (ref in LIB_TYPES or ref in self.globals()):
                    d.tp_globals.add(ref)
        return out

    def _find(self, target: str, name: str) -> Decl | None:
        return self.exports(target).get(name)

    def _local(self, rel: str, name: str, local: dict[str, Decl], imports: dict[str, tuple[str, str]]) -> Decl | None:
        if name in local:
            return local[name]
        if name in imports:
            spec, orig = imports[name]
            target = resolve_relative(self.files, rel, spec)
            return self._find(target, orig) if target else None
        return None


def _string(node) -> str | None:
    if node is None or node.kind() != "string":
        return None
    frag = node.find(kind="string_fragment")
    return frag.text() if frag is not None else ""


def _imports(root) -> dict[str, tuple[str, str]]:
    """local name -> (specifier, imported name) of the file's named imports."""
    out = {}
    for stmt in root.children():
        if stmt.kind() != "import_statement":
            continue
        spec = _string(stmt.field("source"))
        if spec is None:
            continue
        for s in stmt.find_all(kind="import_specifier"):
            n, a = s.field("name"), s.field("alias")
            if n is not None:
                out[(a or n).text()] = (spec, n.text())
    return out


def _global_interfaces(block, path: tuple[str, ...], rel: str, out: dict[str, Decl]) -> None:
    for stmt in block.children():
        node = stmt.children()[0] if stmt.kind() == "expression_statement" and stmt.children() else stmt
        if node.kind() in ("internal_module", "module"):
            name, body = node.field("name"), node.field("body")
            if name is not None and body is not None and name.kind() == "identifier":
                _global_interfaces(body, path + (name.text(),), rel, out)
        elif node.kind() == "interface_declaration":
            for d in _declared(node, rel):
                d.global_path = path
                q = ".".join(path + (d.name,))
                if q in out:  # declarations merge: the first one, with the members of all
                    out[q].members.update((k, v) for k, v in d.members.items() if k not in out[q].members)
                    out[q].optional = out[q].optional | d.optional
                else:
                    out[q] = d


def _local_declarations(root, rel: str) -> dict[str, Decl]:
    out: dict[str, Decl] = {}
    for stmt in root.children():
        node = stmt.field("declaration") if stmt.kind() == "export_statement" else stmt
        if node is None:
            continue
        for d in _declared(node, rel):
            out.setdefault(d.name, d)
    return out


def _declared(node, rel: str) -> list[Decl]:
    kind = node.kind()
    if kind == "ambient_declaration":
        inner = next((c for c in node.children() if c.is_named()), None)
        return _declared(inner, rel) if inner is not None else []
    if kind in ("lexical_declaration", "variable_declaration"):
        out = []
        for v in node.children():
            if v.kind() == "variable_declarator":
                n = v.field("name")
                if n is not None and n.kind() == "identifier":
                    out.append(Decl(n.text(), "const", rel))
        return out
    what = DECL_KINDS.get(kind)
    name = node.field("name")
    if what is None or name is None:
        return []
    d = Decl(name.text(), what, rel, _type_params(node))
    tp = node.field("type_parameters")
    if tp is not None:
        d.tp_text = tp.text()
        d.tp_refs = tuple(sorted({_ref(t) for t in tp.find_all(kind="type_identifier")} - set(d.type_params)))
    if what == "class":
        _class_members(node, d)
    elif what == "interface":
        body = node.field("body")
        if body is not None:
            _interface_members(body, d)
        ext = next((c for c in node.children() if c.kind() == "extends_type_clause"), None)
        if ext is not None:
            d.bases = tuple((t.field("name") or t).text() for t in ext.children()
                            if t.kind() in ("type_identifier", "generic_type"))
    elif what == "type":
        value = node.field("value")
        if value is not None and value.kind() == "object_type":
            _interface_members(value, d)
    return [d]


# TypeScript's own global types a type parameter's constraint or default may name (lib.es*.d.ts)
LIB_TYPES = frozenset({
    "Array", "ReadonlyArray", "Record", "Partial", "Required", "Readonly", "Pick", "Omit", "Exclude", "Extract",
    "NonNullable", "ReturnType", "Parameters", "InstanceType", "ConstructorParameters", "Awaited", "Promise",
    "PromiseLike", "Map", "ReadonlyMap", "Set", "ReadonlySet", "WeakMap", "WeakSet", "Date", "Error", "RegExp",
    "Function", "Object", "String", "Number", "Boolean", "Symbol", "BigInt", "Iterable", "AsyncIterable",
    "Iterator", "AsyncIterator", "Uppercase", "Lowercase", "Capitalize", "Uncapitalize", "ThisType", "JSON",
})


def _ref(t) -> str:
    """The name a type reference needs in scope: ``GraphileWorker`` for ``GraphileWorker.Tasks``."""
    node = t
    while node.parent() is not None and node.parent().kind() == "nested_type_identifier":
        node = node.parent()
    if node is t:
        return t.text()
    first = node
    while first.children() and first.children()[0].kind() in ("nested_identifier", "identifier",
                                                                "nested_type_identifier"):
        first = first.children()[0]
        if first.kind() == "identifier":
            return first.text()
    return node.text().split(".")[0]


def _type_params(node) -> tuple[str, ...]:
    tp = node.field("type_parameters")
    if tp is None:
        return ()
    return tuple(p.field("name").text() for p in tp.children() if p.kind() == "type_parameter" and p.field("name"))


def _member_name(m) -> str | None:
    n = m.field("name")
    if n is None or n.kind() not in ("property_identifier", "identifier"):
        return None  # computed, string keys and #private names are not API names
    return n.text()


def _class_members(node, d: Decl) -> None:
    body = node.field("body")
    if body is None:
        return
    for m in body.children():
        k = m.kind()
        if k not in ("method_definition", "public_field_definition", "method_signature",
                     "abstract_method_signature", "property_signature"):
            continue
        mods = {c.text() for c in m.children() if c.kind() in ("accessibility_modifier", "static", "get", "set")}
        if "private" in mods or "protected" in mods:
            continue
        name = _member_name(m)
        if name == "constructor":  # parameter properties: constructor(public runId: string)
            params = m.field("parameters")
            for p in params.children() if params is not None else ():
                acc = {c.text() for c in p.children() if c.kind() in ("accessibility_modifier", "readonly")}
                pat = p.field("pattern")
                if acc and not ({"private", "protected"} & acc) and pat is not None and pat.kind() == "identifier":
                    d.members[pat.text()] = "property"
            continue
        if name is None:
            continue
        what = "accessor" if {"get", "set"} & mods else ("property" if "field" in k or "property" in k else "method")
        (d.statics if "static" in mods else d.members)[name] = what


def _interface_members(body, d: Decl) -> None:
    optional = set()
    for m in body.children():
        if m.kind() not in ("property_signature", "method_signature"):
            continue
        name = _member_name(m)
        if name is None:
            continue
        d.members[name] = "method" if m.kind() == "method_signature" else "property"
        if any(c.kind() == "?" for c in m.children()):
            optional.add(name)
    d.optional = frozenset(optional)


@dataclass(frozen=True)
class ExportAlias:
    old: str
    new: str
    decl: Decl  # the new name's declaration (in the renamed tree)


@dataclass(frozen=True)
class MemberAlias:
    owner: str  # the exported name of the owner in the renamed tree
    old: str
    new: str
    what: str  # method | property | accessor
    static: bool
    decl: Decl
    optional: bool = True


def renamed(before: Surface, after: Surface, rewrite: Callable[[str], str]) -> tuple[list[ExportAlias], list[MemberAlias]]:
    """The public names the rename changed: gone under the old spelling, present under the new one
    (the term map's rewrite of the old), and not a name the package had already."""
    exports: list[ExportAlias] = []
    owners: dict[str, str] = {}
    for old, d in sorted(before.exports.items()):
        if old in after.exports:
            owners[old] = old
            continue
        new = rewrite(old)
        if new != old and new in after.exports and new not in before.exports:
            exports.append(ExportAlias(old, new, after.exports[new]))
            owners[old] = new
    members: list[MemberAlias] = []
    seen: set[tuple[str, str]] = set()
    pairs = [(before.exports[o], after.exports[n], n) for o, n in sorted(owners.items())]
    # a global interface keeps its name (one renamed is not aliased: the type checker names it)
    pairs += [(before.globals[q], b, q) for q, b in sorted(after.globals.items()) if q in before.globals]
    for a, b, new_owner in pairs:
        if a.kind != b.kind or (b.file, b.name, b.global_path) in seen:
            continue
        seen.add((b.file, b.name, b.global_path))
        for static, ma, mb in ((False, a.members, b.members), (True, a.statics, b.statics)):
            for m, what in sorted(ma.items()):
                if m in mb:
                    continue
                nm = rewrite(m)
                if nm != m and nm in mb and nm not in ma:
                    members.append(MemberAlias(new_owner, m, nm, mb[nm], static, b, nm in b.optional or b.kind == "class"))
    return exports, members


def renamed_flags(before: Surface, after: Surface, rewrite: Callable[[str], str]) -> dict[str, str]:
    """old long option -> new, for the CLI flags the rename changed."""
    out = {}
    for f in sorted(before.flags - after.flags):
        new = "--" + rewrite(f[2:])
        if new != f and new in after.flags and new not in before.flags:
            out[f] = new
    return out


__all__ = ["Decl", "ExportAlias", "MemberAlias", "Surface", "cli_flags", "read_surface", "renamed", "renamed_flags",
           "resolve_relative", "source_of"]

"""Old option keys read as a fallback where the package reads the option (issue #22).

A renamed member of an exported interface (``RunOptions.jobId -> runId``) is an options key a
caller may still pass under its old spelling. Each place of the package that reads the new key
(``opts.runId``, ``opts?.runId``) reads it through ``compatRead(opts, 'runId', 'jobId', 'RunOptions')``:
the new key's value when it is there, else the old key's (an own property of the object) with a
deprecation warning. Writes (``opts.runId = …``), calls (``opts.runId()``) and ``this.runId`` are
left as they are. The helper lives in the compat runtime file; the read site gets one import.
A destructuring read (``const { runId } = opts``) is listed as a note: the old key is not read there.
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


def _last_name(obj) -> str | None:
    if obj.kind() == "identifier":
        return obj.text()
    if obj.kind() == "member_expression":
        p = obj.field("property")
        return p.text() if p is not None else None
    return None


def fallback_reads(rel: str, text: str, keys: list[Key], runtime: str, style: str,
                   types: set[str] | None = None, removed_in: str = "") -> tuple[str, int, list[str]]:
    """(new text, reads rewritten, notes) of one source file of the package. ``types``: the option
    types (:func:`option_types`); a read is rewritten when its object is a name annotated with one."""
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
    for node in root.find_all(kind="member_expression"):
        prop, obj = node.field("property"), node.field("object")
        if prop is None or obj is None or prop.text() not in by_new or obj.kind() in ("this", "super"):
            continue
        if _last_name(obj) not in typed:
            continue
        parent = node.parent()
        if parent is not None:
            pk = parent.kind()
            if pk in WRITE_KINDS and (pk == "update_expression" or _is_left(parent, node)):
                continue
            if pk == "call_expression" and _same(parent.field("function"), node):
                continue
            if pk == "unary_expression" and parent.children()[0].text() == "delete":
                continue
        ks = by_new[prop.text()]
        if len({k.old for k in ks}) != 1:
            continue
        k = ks[0]
        a, b = node.range().start.index, node.range().end.index
        oa, ob = obj.range().start.index, obj.range().end.index
        optional = ", true" if any(c.kind() == "optional_chain" for c in node.children()) else ""
        edits.append((a, b, f"{READ_HELPER}({text[oa:ob]}, '{k.new}', '{k.owner}'{optional})"))
    for pat in root.find_all(kind="object_pattern"):
        for s in pat.children():
            name = s.field("key") if s.kind() == "pair_pattern" else s
            if name is not None and name.text() in by_new:
                notes.append(f"{rel}:{s.range().start.line + 1}: '{name.text()}' is read by destructuring; "
                             f"the old key '{by_new[name.text()][0].old}' is not read there")
    if not edits:
        return text, 0, notes
    edits = _outermost(edits)
    out = text
    for a, b, r in sorted(edits, reverse=True):
        out = out[:a] + r + out[b:]
    out = _with_import(out, rel, runtime, style, removed_in)
    return out, len(edits), notes


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


__all__ = ["READ_HELPER", "Key", "fallback_reads", "option_types", "package_sources", "undo_reads"]

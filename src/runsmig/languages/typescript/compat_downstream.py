"""The downstream recipe in TypeScript and JavaScript (issue #22): uses of a renamed library's
names move to the new names; the project's own names stay.

What belongs to the library is what :mod:`runsmig.languages.typescript.externals` finds for it
(the package named by the recipe's ``downstream.library``): names imported or required from it
and their uses, members reached through them (``queue.getJobs()`` on a ``new Queue(…)``, a
parameter typed ``Job``), keys of object literals passed to it or typed with its types
(``{ jobId: … }``). Of those, an imported or required name is renamed by the recipe's ``export``
and ``type`` entries, a member or key by its ``member`` and ``key`` entries (by their last part: a
member name mapped to two different new names is left, with a note). A shorthand key keeps the
project's variable (``{ jobId }`` -> ``{ runId: jobId }``); a name the file declares already under
the new spelling is imported under an alias instead (``Run as Job``), with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from runsmig.languages.typescript.modules import package_name

TS_EXTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


@dataclass
class Maps:
    library: str
    names: dict[str, str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)


def maps_of(section) -> Maps:
    """The TS names of a downstream section (``lib:Name``, ``lib:Owner.member``)."""
    m = Maps(section.library)
    prefix = section.library + ":"
    for kind, pairs in section.renames.items():
        for old, new in pairs.items():
            if not old.startswith(prefix) or not new.startswith(prefix):
                continue  # another language's qualified name
            o, n = old[len(prefix):], new[len(prefix):]
            if kind in ("export", "type"):
                m.names[o] = n
            elif kind in ("member", "key"):
                o, n = o.rsplit(".", 1)[-1], n.rsplit(".", 1)[-1]
                if m.members.get(o, n) != n:
                    m.ambiguous.add(o)
                m.members[o] = n
    for o in m.ambiguous:
        m.members.pop(o, None)
    return m


def _is_member(text: str, a: int, kind: str) -> bool:
    if kind == "property_identifier":
        return True
    i = a - 1
    while i >= 0 and text[i] in " \t\r\n":
        i -= 1
    return i >= 0 and text[i] == "."


def downstream_text(rel: str, text: str, grammar: str, maps: Maps) -> tuple[str, int, list[str]]:
    """(new text, names renamed, notes) of one file."""
    from runsmig.languages.typescript import _parse, kinds_of, syntax_problem
    from runsmig.languages.typescript.externals import find_externals
    from runsmig.languages.typescript.offsets import NodeSpans

    if maps.library not in text:
        return text, 0, []
    root = _parse(text, grammar)
    if syntax_problem(root) is not None:
        return text, 0, [f"{rel}: does not parse; its uses of {maps.library} are left as they are"]
    spans = NodeSpans(text)
    lib = maps.library
    ext = find_externals(root, spans.span, lambda spec: package_name(spec) if not spec.startswith(".") else None,
                         known=lambda ks: kinds_of(grammar, ks))
    kinds: dict[tuple[int, int], str] = {}
    for node in root.find_all(any=[{"kind": k} for k in kinds_of(grammar, (
            "identifier", "property_identifier", "type_identifier", "shorthand_property_identifier",
            "shorthand_property_identifier_pattern"))]):
        kinds[spans.span(node)] = node.kind()
    declared = {n.text() for n in root.find_all(any=[{"kind": "identifier"}, {"kind": "type_identifier"}])}
    edits: list[tuple[int, int, str]] = []
    notes: list[str] = []
    clash: set[str] = set()
    for (a, b), (name, pkg) in sorted(ext.keep.items()):
        if pkg != lib:
            continue
        kind = kinds.get((a, b), "")
        member = _is_member(text, a, kind)
        # a member is looked up among the members, then the exports (``tq.Job`` through a namespace import)
        new = maps.members.get(name, maps.names.get(name)) if member else maps.names.get(name)
        if new is None or new == name:
            continue
        if not member and new in declared:
            clash.add(name)
            continue
        mode = ext.expand.get((a, b))
        if mode == "key" or kind in ("shorthand_property_identifier", "shorthand_property_identifier_pattern") \
                and mode is None and member:
            edits.append((a, b, f"{new}: {name}"))
        elif mode == "value":
            edits.append((a, b, f"{name}: {new}"))
        elif mode == "export":
            edits.append((a, b, f"{new} as {name}"))
        else:
            edits.append((a, b, new))
    if any(pkg == lib for _, pkg in ext.keep.values()):
        for (a, b), mode in sorted(ext.expand.items()):  # { jobId } passed to the library: a key of its own
            if mode == "key" and (a, b) not in ext.keep and maps.members.get(text[a:b], text[a:b]) != text[a:b]:
                edits.append((a, b, f"{maps.members[text[a:b]]}: {text[a:b]}"))
    if clash:  # the file has its own name spelled like the new one: import the new one under the old name
        for (a, b), (name, pkg) in sorted(ext.keep.items()):
            if pkg == lib and name in clash and _in_import_specifier(root, a, b):
                edits.append((a, b, f"{maps.names[name]} as {name}"))
        notes += [f"{rel}: '{n}' of {lib} is imported as '{maps.names[n]} as {n}': the file has a "
                  f"'{maps.names[n]}' of its own" for n in sorted(clash)]
    if not edits:
        return text, 0, notes
    out = text
    for a, b, r in sorted(set(edits), reverse=True):
        out = out[:a] + r + out[b:]
    if syntax_problem(_parse(out, grammar)) is not None:
        return text, 0, notes + [f"{rel}: the rewrite would not parse; its uses of {lib} are left as they are"]
    return out, len(edits), notes


def _in_import_specifier(root, a: int, b: int) -> bool:
    for s in root.find_all(kind="import_specifier"):
        n = s.field("name")
        if n is not None and s.field("alias") is None and n.range().start.index == a and n.range().end.index == b:
            return True
    return False


def downstream_changes(root: Path, recipe, files, changes: list) -> tuple[list, list[str]]:
    """The plan's changes with the downstream section's TS/JS rewrites merged in (``files``: the
    checkout's files, checkout-relative)."""
    section = recipe.sections.get("downstream") if recipe is not None else None
    if section is None:
        return changes, []
    from runsmig.languages.typescript import LANGUAGE
    from runsmig.plan import Change
    from runsmig.runner import file_mode

    maps = maps_of(section)
    if not maps.names and not maps.members:
        return changes, []
    by_target = {c.target: c for c in changes}
    out = list(changes)
    notes: list[str] = []
    total = touched = 0
    for rel in files:
        if not rel.endswith(TS_EXTS) or "node_modules/" in rel or (root / rel).is_symlink():
            continue
        c = by_target.get(rel)
        try:
            data = c.new if c is not None and c.new is not None else (root / rel).read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        new, n, ns = downstream_text(rel, text, LANGUAGE.grammar(rel), maps)
        notes += ns
        if not n:
            continue
        total += n
        touched += 1
        body = new.encode("utf-8")
        if c is not None:
            out[out.index(c)] = Change(c.action, c.path, c.new_path, c.old, body, c.mode)
        else:
            out.append(Change("modify", rel, None, data, body, file_mode(root / rel)))
    if total:
        notes.insert(0, f"downstream: {total} uses of {maps.library}'s renamed names in {touched} files move to "
                        f"the new names")
    if maps.ambiguous:
        notes.append(f"downstream: members mapped to two new names are left: {', '.join(sorted(maps.ambiguous))}")
    return out, notes


__all__ = ["Maps", "downstream_changes", "downstream_text", "maps_of"]

"""The downstream side of renamed dict keys (runsmig.compat.pykeys): in a project using the library,
the keys it reads from a dict the library hands out (``x.job_options.get('job_timeout')``,
``x.job_options['job_timeout']``, ``'job_timeout' in x.job_options``, ``.pop``/``.setdefault``, also
through a variable assigned such a dict or the result of such a method) become the new keys:

- a literal old key becomes the new one;
- a variable looping over literal keys (``for key in ('job_timeout', 'ttl'): opts.get(key)``) is
  translated at the read (``opts.get({'job_timeout': 'run_timeout'}.get(key, key))``): the project's
  own use of that spelling (a label it shows: ``f'{key}={value}'``) stays as it is;
- any other key is named in a note (it works, with a warning, until the aliases go).

The dicts are known by the attribute or method spelling the downstream recipe names (``dictkey``
entries), old or new, unless the project defines that name itself. Interface:
``key_reads(text, keys, own) -> (text, count, [(line, what)])`` with ``keys`` {spelling: {old: new}}
(``attr`` or ``method()``).
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

_GETTERS = ("get", "pop", "setdefault")
ENTRY = re.compile(r"""^.*?(\w+(?:\(\))?)\[(['"])(\w+)\2\]$""")


def parse_entries(entries: dict[str, str]) -> dict[str, dict[str, str]]:
    """``{"lib.mod.Cls.job_options['job_timeout']": "lib.mod.Cls.run_options['run_timeout']"}`` ->
    {spelling (old and new): {old key: new key}}."""
    out: dict[str, dict[str, str]] = {}
    for old, new in entries.items():
        m_old, m_new = ENTRY.match(old), ENTRY.match(new)
        if m_old and m_new:
            for spelling in {m_old.group(1), m_new.group(1)}:
                out.setdefault(spelling, {})[m_old.group(3)] = m_new.group(3)
    return out


def _plain_string(node) -> str | None:
    """The value of a one-line, unprefixed (or r-prefixed) string literal, else None."""
    if not isinstance(node, cst.SimpleString):
        return None
    text = node.value
    q = text[-1]
    prefix = text[:text.index(q)]
    if prefix.lower() not in ("", "r") or text[len(prefix):].startswith(q * 3):
        return None
    return text[len(prefix) + 1:-1]


class _KeyReads(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (ScopeProvider, ParentNodeProvider, PositionProvider)

    def __init__(self, keys: dict[str, dict[str, str]], own: set[str]) -> None:
        super().__init__()
        self.keys, self.own = keys, own
        self.count = 0
        self.unsure: list[tuple[int, str]] = []

    def _bindings(self, name: cst.Name) -> list | None:
        try:
            scope = self.get_metadata(ScopeProvider, name)
            return list(scope[name.value]) if scope is not None else None
        except Exception:  # noqa: BLE001 - a name the scope analysis cannot place
            return None

    def _mapping(self, value, depth: int = 0) -> tuple[str, dict[str, str]] | None:
        """(spelling, {old key: new key}) of the library's dict that ``value`` is, else None."""
        if isinstance(value, cst.Attribute):
            attr = value.attr.value
            return (attr, self.keys[attr]) if attr in self.keys and attr not in self.own else None
        if isinstance(value, cst.Call):
            f = value.func
            name = f.attr.value if isinstance(f, cst.Attribute) else f.value if isinstance(f, cst.Name) else None
            key = f"{name}()"
            return (key, self.keys[key]) if name and key in self.keys and name not in self.own else None
        if isinstance(value, cst.Name) and depth == 0:
            found = None
            for a in self._bindings(value) or [None]:
                target = getattr(a, "node", None)
                parent = self.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.Name) else None
                if isinstance(parent, cst.AssignTarget):
                    parent = self.get_metadata(ParentNodeProvider, parent, None)
                got = self._mapping(parent.value, 1) if isinstance(parent, (cst.Assign, cst.AnnAssign)) \
                    and parent.value is not None else None
                if got is None or (found is not None and got != found):
                    return None
                found = got
            return found
        return None

    def _loop_strings(self, name: cst.Name) -> dict[str, str] | None:
        """The strings a name takes from the one ``for`` over a literal tuple, list or set that binds
        it: {value: its quote}; None otherwise."""
        bindings = self._bindings(name)
        if not bindings or len(bindings) != 1:
            return None
        target = getattr(bindings[0], "node", None)
        loop = self.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.Name) else None
        if not isinstance(loop, (cst.For, cst.CompFor)) or loop.target is not target \
                or not isinstance(loop.iter, (cst.Tuple, cst.List, cst.Set)):
            return None
        out = {}
        for el in loop.iter.elements:
            value = _plain_string(el.value)
            if value is None:
                return None
            out[value] = el.value.value[-1]
        return out

    def _key(self, key, mapping: tuple[str, dict[str, str]], read):
        spelling, renames = mapping
        value = _plain_string(key)
        if value is not None:
            if value in renames:
                self.count += 1
                q = key.value[-1]
                return key.with_changes(value=f"{key.value[:key.value.index(q)]}{q}{renames[value]}{q}")
            return key
        if isinstance(key, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer)):
            return key
        if isinstance(key, cst.Name):
            strings = self._loop_strings(key)
            if strings is not None:
                olds = sorted(set(strings) & set(renames))
                if not olds:
                    return key
                q = strings[olds[0]]
                table = ", ".join(f"{q}{o}{q}: {q}{renames[o]}{q}" for o in olds)
                self.count += 1
                return cst.parse_expression(f"{{{table}}}.get({key.value}, {key.value})")
        line = self.get_metadata(PositionProvider, read).start.line
        self.unsure.append((line, (f"a key read from .{spelling} that is not a literal (its keys "
                                  f"{', '.join(repr(k) for k in sorted(renames))} are renamed)")))
        return key

    def leave_Call(self, original, updated):
        f = original.func
        if isinstance(f, cst.Attribute) and f.attr.value in _GETTERS and original.args \
                and original.args[0].keyword is None and not original.args[0].star:
            mapping = self._mapping(f.value)
            if mapping:
                key = original.args[0].value
                new_key = self._key(key, mapping, original)
                if new_key is not key:
                    return updated.with_changes(args=[updated.args[0].with_changes(value=new_key), *updated.args[1:]])
        return updated

    def leave_Subscript(self, original, updated):
        if len(original.slice) == 1 and isinstance(original.slice[0].slice, cst.Index):
            mapping = self._mapping(original.value)
            if mapping:
                key = original.slice[0].slice.value
                new_key = self._key(key, mapping, original)
                if new_key is not key:
                    el = updated.slice[0]
                    return updated.with_changes(slice=[el.with_changes(slice=el.slice.with_changes(value=new_key))])
        return updated

    def leave_Comparison(self, original, updated):
        if len(original.comparisons) == 1 and isinstance(original.comparisons[0].operator, (cst.In, cst.NotIn)):
            mapping = self._mapping(original.comparisons[0].comparator)
            if mapping:
                new_key = self._key(original.left, mapping, original)
                if new_key is not original.left:
                    return updated.with_changes(left=new_key)
        return updated


def key_reads(text: str, keys: dict[str, dict[str, str]], own: set[str]) -> tuple[str, int, list[tuple[int, str]]]:
    if not keys or not any(re.search(rf"\b{re.escape(k.rstrip('()'))}\b", text) for k in keys):
        return text, 0, []
    try:
        wrapper = MetadataWrapper(cst.parse_module(text))
    except cst.ParserSyntaxError:
        return text, 0, []
    kr = _KeyReads(keys, own)
    return wrapper.visit(kr).code, kr.count, kr.unsure

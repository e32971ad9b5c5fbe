"""Python aliases (issue #22, item 2): for every public name a plan renames in a package of the
checkout, the old spelling keeps working and warns.

- a renamed module: its old file becomes a shim (the old name is the new module object); a renamed
  package: its old ``__init__.py`` is a shim and its old submodules are found by a meta path finder;
- a renamed module-level name: the module's ``__getattr__`` (PEP 562) answers the old name;
- a renamed method, property, class attribute or slot: a descriptor on its class forwards to the new
  name; an attribute only instances hold: a ``__getattr__`` fallback (and ``__setattr__``/``__delattr__``)
  on its class; ``dir()`` of an instance lists neither (pyruntime);
- a renamed keyword parameter: the function is wrapped to accept the old keyword;
- a dict the package hands out whose keys are renamed (a public attribute the class sets to a dict
  display, a dict display a public function returns): each value is wrapped in a dict subclass that
  answers the old keys too (runsmig.compat.pykeys);
- a renamed click option: the command accepts the old flag (hidden); argparse and typer options are
  not aliased (an unknown option fails loudly), the plan says so;
- a renamed environment variable: the old one is read as a fallback when the package is imported;
- a renamed Django setting (read from ``django.conf.settings``): the old one is read as a fallback
  when the new one is not set (a deployment sets it outside the checkout, like a variable).

Everything lives in one generated module per top-level package (``<package>/_deprecated_aliases.py``,
runsmig.compat.pyruntime); the modules concerned end with a three-line hook block. Public names are
found by runsmig.compat.pysurface on the files' old text; the new name of each is the one the plan
gave it (checked against the new text), so nothing is guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

from runsmig.compat import marker, pykeys, pyruntime, pytypes
from runsmig.compat.model import Alias
from runsmig.compat.planning import Context, Output
from runsmig.compat.pysurface import Surface, surface
from runsmig.linelength import line_length_at

_NOT_PACKAGES = re.compile(r"^(tests?|testing|docs?|examples?|benchmarks?|scripts?|migrations)$|^test_")


def module_name(rel: str, exists) -> tuple[str, str] | None:
    """(top-level package folder, dotted module name) of a checkout-relative .py path inside a
    package (every folder on the way has an ``__init__.py``, tested with ``exists(rel)``), else None."""
    parts = rel.split("/")
    if not parts[-1].endswith(".py"):
        return None
    start = 1 if parts[0] == "src" and len(parts) > 2 else 0
    folders = parts[start:-1]
    if not folders or _NOT_PACKAGES.match(folders[0]):
        return None
    for i in range(len(folders)):
        if not exists("/".join(parts[:start + i + 1] + ["__init__.py"])):
            return None
    stem = parts[-1][:-3]
    dotted = folders + ([] if stem == "__init__" else [stem])
    if any(p.startswith("_") and not (p.startswith("__") and p.endswith("__")) for p in dotted):
        return None  # a private module
    return "/".join(parts[:start + 1]), ".".join(dotted)


def make(ctx: Context) -> Output:
    from runsmig.terms import TermEngine

    engine = TermEngine.from_recipe(ctx.recipe)

    def ren(name: str) -> str:
        return ctx.recipe.symbols.get(name) or engine.rewrite(name)

    root = ctx.root
    release = ctx.compat.removed_in or "the next major release"
    planned = {c.target: c for c in ctx.changes if c.action != "delete"}
    moved_from = {c.path: c for c in ctx.changes if c.action in ("rename", "delete")}
    old_exists = lambda rel: (root / rel).is_file()
    new_exists = lambda rel: rel in planned or ((root / rel).is_file() and rel not in moved_from)

    tables: dict[str, dict] = defaultdict(lambda: {"names": defaultdict(dict), "members": defaultdict(dict),
                                                    "parameters": defaultdict(dict), "options": {}, "env": {},
                                                    "modules": {}, "packages": [], "hooks": set(), "shims": {},
                                                    "pkgdir": None, "pkgname": None, "aliases": [],
                                                    "env_writes": {}, "keys": defaultdict(dict),
                                                    "keyed": {}, "settings": {}})
    out = Output()
    clicky: dict[str, list[str]] = defaultdict(list)  # package -> modules with click commands (new names)
    for c in ctx.changes:
        if c.action not in ("modify", "rename") or not c.path.endswith(".py") or c.old is None or c.new is None:
            continue
        old_id = module_name(c.path, old_exists)
        new_id = module_name(c.target, new_exists)
        if old_id is None or new_id is None:
            continue
        try:
            old_text, new_text = c.old.decode("utf-8"), c.new.decode("utf-8")
        except UnicodeDecodeError:
            continue
        before, after = surface(old_text), surface(new_text)
        if before is None or after is None:
            continue
        pkgdir, new_mod = new_id
        old_mod = old_id[1]
        t = tables[pkgdir]
        t["pkgdir"], t["pkgname"] = pkgdir, new_mod.split(".")[0]
        compat_rel = f"{pkgdir}/{pyruntime.COMPAT_MODULE}.py"
        found = _pairs(before, after, ren)
        add = t["aliases"].append
        keyed = _renamed_keys(before, after, ren)
        if keyed:
            attributes: dict[str, dict[str, str]] = defaultdict(dict)
            returns: dict[str, str] = {}
            for old_owner, new_owner, cls_new, what, pairs in keyed:
                t["keys"][new_mod][new_owner] = pairs
                if what.endswith("()"):
                    returns[f"{cls_new}.{what[:-2]}" if cls_new else what[:-2]] = new_owner
                else:
                    attributes[cls_new][what] = new_owner
                for k_old, k_new in pairs.items():
                    add(Alias(f"{old_mod}.{old_owner}[{k_old!r}]", f"{new_mod}.{new_owner}[{k_new!r}]", "dictkey",
                              "python", release, where=compat_rel))
            t["keyed"][c.target] = (attributes, returns)
            t["hooks"].add(new_mod)
        if old_mod != new_mod:
            t["modules"][old_mod] = new_mod
            is_pkg = c.path.endswith("/__init__.py")
            if is_pkg:
                t["packages"].append(old_mod)
            parent_moved = _parent_moved(c.path, moved_from)
            if not parent_moved or is_pkg:
                t["shims"][c.path] = old_mod
            add(Alias(old_mod, new_mod, "module", "python", release, where=c.path if not parent_moved or is_pkg
                      else compat_rel))
            parent = new_mod.rsplit(".", 1)[0] if "." in new_mod else None
            if parent:
                t["hooks"].add(parent)
        for kind, old, new, where in found:
            if kind == "name":
                t["names"][new_mod][old] = new
                add(Alias(f"{old_mod}.{old}", f"{new_mod}.{new}", "name", "python", release, where=compat_rel))
            elif kind == "member":
                (cls_old, cls_new), (m_old, m_new) = where, (old, new)
                new_cls = after.classes.get(cls_new)
                if new_cls is not None and m_new in new_cls.params:  # a method: what a call of it may pass
                    out.signatures[f"{new_mod}.{cls_new}.{m_new}"] = ", ".join(
                        new_cls.params[m_new] + (["**"] if m_new in new_cls.open else []))
                t["members"][new_mod].setdefault(cls_new, {})[m_old] = m_new
                add(Alias(f"{old_mod}.{cls_old}.{m_old}", f"{new_mod}.{cls_new}.{m_new}", "member", "python",
                          release, where=compat_rel))
            elif kind == "parameter":
                f_old, f_new = where
                t["parameters"][new_mod].setdefault(f_new, {})[old] = new
                add(Alias(f"{old_mod}.{f_old}({old})", f"{new_mod}.{f_new}({new})", "parameter", "python",
                          release, where=compat_rel))
            elif kind == "option":
                if _uses_click(new_text):
                    t["options"][old] = new
                    add(Alias(f"{old_mod}:{old}", f"{new_mod}:{new}", "option", "python", release, where=compat_rel))
                else:
                    add(Alias(f"{old_mod}:{old}", f"{new_mod}:{new}", "option", "python", release, aliased=False,
                              why="not a click option: the old option fails loudly (unknown option)"))
            elif kind == "env":
                t["env"][new] = old
                add(Alias(f"${old}", f"${new}", "env", "python", release, where=compat_rel))
                if new in after.env_written:  # written for other processes: written under the old name too
                    t["env_writes"].setdefault(c.target, set()).add((new, old))
            elif kind == "setting":
                t["settings"][new] = old
                add(Alias(f"django.conf.settings.{old}", f"django.conf.settings.{new}", "setting", "python", release,
                          where=compat_rel))
            if kind in ("name", "member", "parameter", "env", "setting"):
                t["hooks"].add(new_mod)
        if _defines_commands(new_text):
            clicky[pkgdir].append(new_mod)
    for pkgdir, t in tables.items():
        if not any(a.aliased for a in t["aliases"]):  # nothing to alias (an argparse option): listed only
            out.aliases.extend(t["aliases"])
            continue
        if t["options"]:
            t["hooks"].update(clicky[pkgdir])
        compat_rel = f"{pkgdir}/{pyruntime.COMPAT_MODULE}.py"
        if (root / compat_rel).exists() or compat_rel in planned:
            out.notes.append(f"compat: {compat_rel} exists already: no aliases made for {t['pkgname']} "
                             "(drop the old ones first: runsmig compat drop)")
            continue
        compat_mod = f"{t['pkgname']}.{pyruntime.COMPAT_MODULE}"
        quote = "'" if _single_quoted(root, pkgdir, planned) else '"'
        out.created[compat_rel] = pyruntime.module_text(
            t["pkgname"], getattr(ctx.recipe, "name", "rename"), release,
            _plain(t["names"]), _plain(t["members"]), _plain(t["parameters"]), t["options"], t["env"],
            t["modules"], t["packages"], quote, _plain(t["keys"]), t["settings"]).encode("utf-8")
        for old_rel, old_mod in t["shims"].items():
            if old_rel in planned or (root / old_rel).exists() and old_rel not in moved_from:
                out.notes.append(f"compat: {old_rel} is taken: module {old_mod} gets no shim")
                continue
            new_mod = t["modules"][old_mod]
            out.created[old_rel] = pyruntime.shim(compat_mod, old_mod, new_mod, release, quote,
                                                  pytypes.shim_lines(new_mod, list(t["names"].get(new_mod, {})), quote)).encode()
        hooked = {mod: _module_path(mod, pkgdir, planned, root, moved_from) for mod in t["hooks"]}
        width = line_length_at(root, compat_rel)  # the configuration nearest the package
        for rel, pairs in t["env_writes"].items():
            text = planned[rel].new.decode("utf-8")
            out.contents[rel] = _env_writes(text, pairs, release).encode("utf-8")
        for rel, (attributes, returns) in t["keyed"].items():
            text = (out.contents.get(rel) or planned[rel].new).decode("utf-8")
            skipped: list[tuple[int, str]] = []
            out.contents[rel] = pykeys.wrap(text, attributes, returns, quote, width, skipped).encode("utf-8")
            out.notes += [f"compat: {rel}:{line}: {owner} is assigned a dict not built there: left as it is "
                          "(wrapping would copy it), so that value answers only its new keys" for line, owner in skipped]
        for mod in sorted(t["hooks"]):
            rel = hooked[mod]
            if rel is None:
                continue
            data = out.contents.get(rel) or (planned[rel].new if rel in planned else (root / rel).read_bytes())
            text = data.decode("utf-8")
            if "runsmig: compat begin" in text:
                continue
            nl = "\r\n" if "\r\n" in text else "\n"
            package = mod if rel.endswith("/__init__.py") else mod.rpartition(".")[0]
            types = pytypes.module_lines(text, t["names"].get(mod, {}), release, quote, package,
                                         lambda m, names=t["names"]: names.get(m), width)
            text = pytypes.with_class_blocks(text, t["members"].get(mod, {}), release, nl, quote, width)
            sep = "" if not text.strip() else nl if text.endswith(nl + nl) else nl * 2 if text.endswith(nl) else nl * 3
            out.contents[rel] = (text + sep + pyruntime.hook(compat_mod, release, quote, nl, types,
                                                             keys=bool(t["keys"].get(mod)))).encode("utf-8")
        out.aliases.extend(t["aliases"])
    return out


def _env_writes(text: str, pairs: set[tuple[str, str]], release: str) -> str:
    """After each one-line ``<environ>["NEW"] = ...``, the old name is written too (a marked line)."""
    import ast

    tree = ast.parse(text)
    olds = dict(pairs)
    spots: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and node.lineno == node.end_lineno:
            t = node.targets[0]
            if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value in olds:
                base = ast.get_source_segment(text, t.value)
                line = text.splitlines()[node.lineno - 1]
                q = line[t.slice.col_offset]
                indent = line[:len(line) - len(line.lstrip())]
                old, new = olds[t.slice.value], t.slice.value
                spots.append((node.lineno, f"{indent}{base}[{q}{old}{q}] = {base}[{q}{new}{q}]  {marker.short(release)}"))
    lines = text.splitlines(keepends=True)
    nl = "\r\n" if "\r\n" in text else "\n"
    for lineno, added in sorted(spots, reverse=True):
        lines.insert(lineno, added + nl)
    return "".join(lines)


def _pairs(before: Surface, after: Surface, ren) -> list[tuple[str, str, str, object]]:
    """(kind, old, new, where) for every public name of ``before`` that ``after`` has under its new name."""
    out: list[tuple[str, str, str, object]] = []
    for name in before.names:
        if name not in after.bindings and ren(name) != name and ren(name) in after.bindings:
            out.append(("name", name, ren(name), None))
    for cls, cs in before.classes.items():
        new_cls = cls if cls in after.classes else ren(cls)
        ncs = after.classes.get(new_cls)
        if ncs is None:
            continue
        for m in cs.members:
            nm = ren(m)
            if m not in ncs.members and nm != m and nm in ncs.members:
                out.append(("member", m, nm, (cls, new_cls)))
        for meth, params in cs.params.items():
            new_meth = meth if meth in ncs.params else ren(meth)
            for p in _param_pairs(params, ncs.params.get(new_meth), ren):
                out.append(("parameter", *p, (f"{cls}.{meth}", f"{new_cls}.{new_meth}")))
    for fn, params in before.functions.items():
        new_fn = fn if fn in after.functions else ren(fn)
        for p in _param_pairs(params, after.functions.get(new_fn), ren):
            out.append(("parameter", *p, (fn, new_fn)))
    for opt in sorted(before.options - after.options):
        if ren(opt) in after.options and ren(opt) != opt:
            out.append(("option", opt, ren(opt), None))
    for var in sorted(before.env - after.env):
        if ren(var) in after.env and ren(var) != var:
            out.append(("env", var, ren(var), None))
    placed = _by_place(before.settings_read, after.settings_read)
    for name in sorted(before.settings - after.settings):
        new = ren(name) if ren(name) in after.settings and ren(name) != name else placed.get(name)
        if new is not None and new in after.settings - before.settings:
            out.append(("setting", name, new, None))
    return out


def _by_place(old: list[str], new: list[str]) -> dict[str, str]:
    """Old name -> new of reads that pair by place (the rewrite changes names, not the code around
    them): a setting spelled with a joined term (``CRONJOB``, a derived spelling the plan renamed)
    that the bare term map does not rewrite. Only when the reads pair one to one, each old name
    always with the same new one."""
    if len(old) != len(new):
        return {}
    out: dict[str, str] = {}
    for a, b in zip(old, new):
        if out.setdefault(a, b) != b:
            return {}
    return {a: b for a, b in out.items() if a != b}


def _renamed_keys(before: Surface, after: Surface, ren) -> list[tuple[str, str, str, str, dict[str, str]]]:
    """The public dicts the package hands out whose keys the plan renames (runsmig.compat.pykeys):
    (old owner, new owner, class (new name, "" for a function), attribute or ``method()`` (new name),
    {old key: new key}). An owner is ``Class.attribute``, ``Class.method()`` or ``function()``: a
    public attribute the class sets to a dict display (``self.job_options = {'job_timeout': ...}``),
    a dict display a public method, property or function returns."""
    out = []

    def moved(keys: set[str], new_keys: set[str]) -> dict[str, str]:
        return {k: ren(k) for k in sorted(keys) if k not in new_keys and ren(k) != k and ren(k) in new_keys}

    for cls, cs in before.classes.items():
        new_cls = cls if cls in after.classes else ren(cls)
        ncs = after.classes.get(new_cls)
        if ncs is None:
            continue
        for attr, keys in sorted(cs.dict_keys.items()):
            new_attr = attr if attr in ncs.dict_keys else ren(attr)
            pairs = moved(keys, ncs.dict_keys.get(new_attr, set()))
            if pairs:
                out.append((f"{cls}.{attr}", f"{new_cls}.{new_attr}", new_cls, new_attr, pairs))
        for meth, keys in sorted(cs.returned_keys.items()):
            new_meth = meth if meth in ncs.returned_keys else ren(meth)
            pairs = moved(keys, ncs.returned_keys.get(new_meth, set()))
            if pairs:
                out.append((f"{cls}.{meth}()", f"{new_cls}.{new_meth}()", new_cls, f"{new_meth}()", pairs))
    for fn, keys in sorted(before.returned_keys.items()):
        new_fn = fn if fn in after.returned_keys else ren(fn)
        pairs = moved(keys, after.returned_keys.get(new_fn, set()))
        if pairs:
            out.append((f"{fn}()", f"{new_fn}()", "", f"{new_fn}()", pairs))
    return out


def _param_pairs(old: list[str], new: list[str] | None, ren) -> list[tuple[str, str]]:
    if new is None:
        return []
    return [(p, ren(p)) for p in old if p not in new and ren(p) != p and ren(p) in new]


def _parent_moved(rel: str, moved_from: dict) -> bool:
    """Whether the package folder holding this (non-__init__) module is renamed as a whole."""
    folder = str(PurePosixPath(rel).parent)
    init = f"{folder}/__init__.py"
    c = moved_from.get(init)
    return c is not None and c.action == "rename" and not rel.endswith("/__init__.py")


def _module_path(mod: str, pkgdir: str, planned: dict, root, moved_from: dict) -> str | None:
    base = pkgdir.rsplit("/", 1)[0] + "/" if "/" in pkgdir else ""
    rel = base + mod.replace(".", "/")
    for cand in (rel + ".py", rel + "/__init__.py"):
        if cand in planned or ((root / cand).is_file() and cand not in moved_from):
            return cand
    return None


def _uses_click(text: str) -> bool:
    return re.search(r"^\s*(import click|from click\b)", text, re.MULTILINE) is not None


def _defines_commands(text: str) -> bool:
    return _uses_click(text) and re.search(r"@\w+(\.\w+)*\.(command|group)\(", text) is not None


def _single_quoted(root, pkgdir: str, planned: dict) -> bool:
    text = ""
    for rel, c in planned.items():
        if rel.startswith(pkgdir + "/") and rel.endswith(".py") and c.new:
            text += c.new[:20000].decode("utf-8", "replace")
            if len(text) > 60000:
                break
    return text.count("'") > text.count('"')


def _plain(d) -> dict:
    return {k: _plain(v) if isinstance(v, dict) else v for k, v in d.items()}

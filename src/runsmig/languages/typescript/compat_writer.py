"""The compat module of a renamed TS package (issue #22): one generated file holding every
deprecated alias, re-exported by the package's entry.

* an exported value (class, function, enum, constant) keeps its old name as a ``@deprecated``
  ``const`` that is the new value behind a Proxy: calling, constructing, extending or reading a
  static member through the old name works and warns once (``process.emitWarning`` with type
  ``DeprecationWarning``, ``console.warn`` where there is no ``process``);
* an exported type (interface, type alias, and the type side of a class or enum) keeps its old
  name as a ``@deprecated`` type alias with the same type parameters;
* a renamed public member of an exported class keeps its old name as an accessor on the class
  (prototype or constructor) that warns and forwards to the new member; its type is added by
  module augmentation, marked ``@deprecated``;
* a renamed member of an exported interface (an options key) is added back by module
  augmentation as an optional ``@deprecated`` member of the new member's type; the package reads
  it as a fallback where it reads the option (:mod:`runsmig.languages.typescript.compat_reads`).

Nothing else of the package changes but one line in the entry (``export * from './compat'``).
"""

from __future__ import annotations

import posixpath
import textwrap
from dataclasses import dataclass

from runsmig.compat import marker
from runsmig.languages.typescript.compat_surface import Decl, ExportAlias, MemberAlias


def hook_block(line: str, removed_in: str, nl: str = "\n") -> str:
    """A hook line between the compat markers (``runsmig compat drop`` removes the three lines)."""
    return f"{marker.begin(removed_in)}{nl}{line}{nl}{marker.end()}{nl}"

WIDTH = 80  # prettier's print width: generated lines longer than this are laid out as it would

RUNTIME = """\
const warned = new Set<string>();

export function deprecated(old: string, now: string): void {
  if (warned.has(old)) {
    return;
  }
  warned.add(old);
  const message = `${old} is deprecated: use ${now} instead (removed in ${REMOVED_IN})`;
  const host: any = typeof globalThis === 'undefined' ? undefined : globalThis;
  if (host && host.process && typeof host.process.emitWarning === 'function') {
    host.process.emitWarning(message, 'DeprecationWarning');
  } else if (host && host.console) {
    host.console.warn(`DeprecationWarning: ${message}`);
  }
}

export function alias<T>(value: T, old: string, now: string): T {
  if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) {
    return value;
  }
  return new Proxy(value as any, {
    apply(target, self, args) {
      deprecated(old, now);
      return Reflect.apply(target, self, args);
    },
    construct(target, args, newTarget) {
      deprecated(old, now);
      return Reflect.construct(target, args, newTarget);
    },
    get(target, key, receiver) {
      if (typeof key === 'string' && key !== 'prototype') {
        deprecated(old, now);
      }
      return Reflect.get(target, key, receiver);
    },
  }) as T;
}

export function aliasMember(owner: any, old: string, now: string, label: string, method?: boolean): void {
  if (!owner || Object.prototype.hasOwnProperty.call(owner, old)) {
    return;
  }
  const base = method && typeof owner[now] === 'function' ? owner[now] : undefined;
  Object.defineProperty(owner, old, {
    configurable: true,
    enumerable: false,
    get(this: any) {
      deprecated(`${label}.${old}`, `${label}.${now}`);
      // reached through super.old() from a subclass that overrides the old name: the original
      return base !== undefined && overrideOf(this, owner, old) !== undefined ? base : this[now];
    },
    set(this: any, value: unknown) {
      deprecated(`${label}.${old}`, `${label}.${now}`);
      this[now] = value;
    },
  });
  if (base !== undefined) {
    // a subclass that still overrides the old name is called where the package calls the new one
    Object.defineProperty(owner, now, {
      configurable: true,
      enumerable: false,
      writable: true,
      value: function (this: any, ...args: any[]) {
        const override = overrideOf(this, owner, old);
        if (override !== undefined) {
          deprecated(`${label}.${old} (overridden)`, `${label}.${now}`);
          return override.apply(this, args);
        }
        return base.apply(this, args);
      },
    });
  }
}

function overrideOf(self: any, owner: any, old: string): ((...args: any[]) => any) | undefined {
  if (self === null || self === undefined || self === owner) {
    return undefined;
  }
  const own = Object.getOwnPropertyDescriptor(self, old);
  if (own && typeof own.value === 'function') {
    return own.value;
  }
  for (let p = Object.getPrototypeOf(self); p && p !== owner; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, old);
    if (d && typeof d.value === 'function') {
      return d.value;
    }
  }
  return undefined;
}

/** The option ``now`` of ``options`` (a value of type ``owner``), else its old key (an own
 * property) with a warning. */
export function compatRead(options: any, now: string, owner: string, optional?: boolean): any {
  if (options === null || options === undefined) {
    return undefined;
  }
  const value = options[now];
  const old = OLD_KEYS[`${owner}.${now}`];
  if (old === undefined) {
    return value;
  }
  if (value === undefined && Object.prototype.hasOwnProperty.call(options, old) && options[old] !== undefined) {
    deprecated(`${owner}.${old}`, `${owner}.${now}`);
    return options[old];
  }
  return value;
}

/** Old long options of the package's commands, renamed in ``argv`` (before any parser reads it)
 * with a warning: ``--old``, ``--old=value`` and ``--no-old``. */
export function compatArgv(argv?: string[]): void {
  const host: any = typeof globalThis === 'undefined' ? undefined : globalThis;
  const args: string[] | undefined = argv || (host && host.process && host.process.argv);
  if (!args) {
    return;
  }
  for (let i = 2; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      break;
    }
    if (!arg.startsWith('--')) {
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    let now = OLD_FLAGS[name];
    if (now === undefined && name.startsWith('--no-') && OLD_FLAGS['--' + name.slice(5)] !== undefined) {
      now = '--no-' + OLD_FLAGS['--' + name.slice(5)].slice(2);
    }
    if (now !== undefined) {
      deprecated(name, now);
      args[i] = now + (eq < 0 ? '' : arg.slice(eq));
    }
  }
}
"""


@dataclass(frozen=True)
class CompatModule:
    path: str  # checkout-relative path of the generated file
    content: str
    runtime_path: str  # the helpers it uses (and the package's fallback reads): imports nothing
    runtime: str
    entry: str  # the entry that re-exports it
    hook: str  # the line the entry gets (without its markers: see hook_block)
    notes: tuple[str, ...] = ()


def compat_path(entry: str, taken) -> str:
    folder = posixpath.dirname(entry)
    ext = ".ts" if entry.endswith((".ts", ".tsx", ".mts", ".cts")) else posixpath.splitext(entry)[1]
    for stem in ("compat", "runsmig-compat"):
        rel = posixpath.join(folder, stem + ext)
        if rel not in taken and runtime_path(rel) not in taken:
            return rel
    return posixpath.join(folder, "runsmig-compat-aliases" + ext)


def runtime_path(compat: str) -> str:
    stem, ext = posixpath.splitext(compat)
    return f"{stem}-runtime{ext}"


def _spec(from_file: str, to_file: str, style: str) -> str:
    rel = posixpath.relpath(to_file, posixpath.dirname(from_file))
    for ext in (".d.ts", ".tsx", ".ts", ".mts", ".cts", ".jsx", ".js", ".mjs", ".cjs"):
        if rel.endswith(ext):
            rel = rel[: -len(ext)]
            break
    if rel.endswith("/index") and not style:
        rel = rel[: -len("/index")]
    if not rel.startswith("."):
        rel = "./" + rel
    return rel + style


class _Imports:
    def __init__(self, here: str, style: str):
        self.here, self.style = here, style
        self.values: dict[str, dict[str, str]] = {}  # spec -> {local: imported}
        self.types: dict[str, dict[str, str]] = {}
        self.locals: dict[str, tuple[str, str]] = {}  # local -> (file, imported)

    def add(self, file: str, imported: str, local: str, value: bool) -> str | None:
        """The local name bound to ``imported`` of ``file`` (None: the local name is taken by another)."""
        if local in self.locals and self.locals[local] != (file, imported):
            # one name of one package: the same declaration reached through another module
            return local if self.locals[local][1] == imported else None
        self.locals[local] = (file, imported)
        spec = _spec(self.here, file, self.style)
        (self.values if value else self.types).setdefault(spec, {})[local] = imported
        if value:
            self.types.get(spec, {}).pop(local, None)
        return local

    def render(self) -> list[str]:
        out = []
        for spec in sorted(set(self.values) | set(self.types)):
            vals = self.values.get(spec, {})
            types = {k: v for k, v in self.types.get(spec, {}).items() if k not in vals}
            if vals:
                out += _import_lines("import", [_spec_item(k, v) for k, v in sorted(vals.items())], spec)
            if types:
                out += _import_lines("import type", [_spec_item(k, v) for k, v in sorted(types.items())], spec)
        return out


def _import_lines(head: str, items: list[str], spec: str, width: int | None = None) -> list[str]:
    """One import, on one line when it fits the print width, else one name a line (as prettier)."""
    line = f"{head} {{ {', '.join(items)} }} from '{spec}';"
    if len(line) <= (width or WIDTH):
        return [line]
    return [f"{head} {{", *(f"  {item}," for item in items), f"}} from '{spec}';"]


def _spec_item(local: str, imported: str) -> str:
    return local if local == imported else f"{imported} as {local}"


def _type_params(d: Decl, imports: _Imports) -> tuple[str, str]:
    """(declaration, arguments) of an alias's type parameters: as written when every type they name
    can be imported or is global (TypeScript's own, a ``declare global`` name), else each parameter
    unconstrained with default ``any``."""
    if not d.type_params:
        return "", ""
    args = "<" + ", ".join(d.type_params) + ">"
    if all(r in d.tp_imports or r in d.tp_globals for r in d.tp_refs):
        ok = all(imports.add(f, n, r, False) is not None for r, (f, n) in sorted(d.tp_imports.items()))
        if ok:
            return d.tp_text, args
    return "<" + ", ".join(f"{p} = any" for p in d.type_params) + ">", args


def write_compat(entry: str, path: str, removed_in: str, style: str, exports: list[ExportAlias],
                 members: list[MemberAlias], what: str = "", flags: dict[str, str] | None = None) -> CompatModule | None:
    """The compat module for these renames (None when there is nothing to alias)."""
    flags = flags or {}
    if not exports and not members and not flags:
        return None
    imports = _Imports(path, style)
    body: list[str] = []
    notes: list[str] = []
    when = f"removed in {removed_in}"
    for a in exports:
        d = a.decl
        doc = f"/** @deprecated Use {{@link {a.new}}} instead ({when}). */"
        if d.is_value:
            if imports.add(d.file, _exported_as(d, a.new), a.new, True) is None:
                notes.append(f"{a.old}: no alias (the name '{a.new}' is taken in the compat module)")
                continue
            line = f"export const {a.old} = alias({a.new}, '{a.old}', '{a.new}');"
            # past the print width prettier breaks the call, with or without a trailing comma as the
            # package configures: left to no formatter
            body += [doc] + (["// prettier-ignore"] if len(line) > WIDTH else []) + [line]
        if d.is_type:
            if imports.add(d.file, _exported_as(d, a.new), a.new, d.is_value) is None:
                continue
            decl, args = _type_params(d, imports)
            line = f"export type {a.old}{decl} = {a.new}{args};"
            if len(line) > WIDTH and "\n" not in line:  # as prettier breaks a long type alias
                line = f"export type {a.old}{decl} =\n  {a.new}{args};"
            body += [doc, line]
        body.append("")
    by_owner: dict[tuple[str, str], list[MemberAlias]] = {}
    for m in members:
        by_owner.setdefault((m.decl.file, m.owner), []).append(m)
    for (file, owner), ms in sorted(by_owner.items()):
        d = ms[0].decl
        if d.kind not in ("class", "interface"):
            for m in ms:
                notes.append(f"{owner}.{m.old}: no alias (members of a type alias cannot be added back); "
                             f"type checkers reject the old key")
            continue
        spec = _spec(path, file, style)
        args = "<" + ", ".join(d.type_params) + ">" if d.type_params else ""
        if d.global_path is not None:  # an interface of a declare global block: merged there
            lines, pad = ["declare global {"], "  "
            for ns in d.global_path:
                lines.append(f"{pad}namespace {ns} {{")
                pad += "  "
            lines.append(f"{pad}interface {d.name}{args} {{")
            for m in ms:
                lines.append(f"{pad}  /** @deprecated Use {m.new} instead ({when}). */")
                lines.append(f"{pad}  {m.old}?: {owner}{args}['{m.new}'];")
            lines.append(f"{pad}}}")
            for _ in d.global_path:
                pad = pad[:-2]
                lines.append(f"{pad}}}")
            body += lines + ["}", ""]
            continue
        inst = [m for m in ms if not m.static]
        stat = [m for m in ms if m.static]
        if d.kind == "class":
            local = imports.add(file, d.name, owner, True) or owner
        lines = [f"declare module '{spec}' {{"]
        if inst:
            lines.append(f"  interface {d.name}{args} {{")
            for m in inst:
                opt = "?" if d.kind == "interface" else ""
                lines.append(f"    /** @deprecated Use {m.new} instead ({when}). */")
                if m.what == "method" and d.kind == "class":  # a method, so that a subclass may still override it
                    t = f"{d.name}{args}['{m.new}']"
                    lines.append(f"    {m.old}(...args: CompatArgs<{t}>): CompatResult<{t}>;")
                else:
                    lines.append(f"    {m.old}{opt}: {d.name}{args}['{m.new}'];")
            lines.append("  }")
        if stat:
            lines.append(f"  namespace {d.name} {{")
            for m in stat:
                lines += [f"    /** @deprecated Use {d.name}.{m.new} instead ({when}). */",
                          f"    let {m.old}: (typeof {d.name})['{m.new}'];"]
            lines.append("  }")
        lines.append("}")
        body += lines
        if d.kind == "class":
            for m in inst:
                flag = ", true" if m.what == "method" else ""
                body.append(f"aliasMember({local}.prototype, '{m.old}', '{m.new}', '{owner}'{flag});")
            for m in stat:
                body.append(f"aliasMember({local}, '{m.old}', '{m.new}', '{owner}');")
        body.append("")
    about = (f"Deprecated aliases of the public names renamed{(' (' + what + ')') if what else ''}, generated by "
             f"runsmig. Remove this file and the line of {posixpath.basename(entry)} that re-exports it when "
             f"{removed_in} is released (runsmig compat drop).")
    # the linter is off from its comment on: before the description, whose lines fit the print width
    head = [marker.line(removed_in, "//"), "/* eslint-disable */",
            *("// " + ln for ln in textwrap.wrap(about, WIDTH - 3)), ""]
    rt = runtime_path(path)
    used = [h for h in ("alias", "aliasMember") if any(f"{h}(" in b for b in body)]
    helpers = [f"import {{ {', '.join(used)} }} from '{_spec(path, rt, style)}';"] if used else []
    if not body:
        body = ["export {};  // the renamed options of the package's commands: see compat-runtime"]
    elif not imports.render() and not helpers and not any(b.startswith("export ") for b in body):
        body = ["export {};  // a module: its declare global blocks merge into the package's", ""] + body
    if any("CompatArgs<" in b for b in body):  # not Parameters/ReturnType: a type parameter may be called so
        body = ["type CompatArgs<F> = F extends (...args: infer A) => any ? A : never;",
                "type CompatResult<F> = F extends (...args: any[]) => infer R ? R : never;", ""] + body
    text = "\n".join(head + helpers + imports.render() + [""] + body).rstrip() + "\n"
    runtime = "\n".join([head[0], "/* eslint-disable */",
                         f"// Helpers of {posixpath.basename(path)} and of the fallback reads of old option keys;",
                         "// removed with it.", "",
                         f"const REMOVED_IN = '{removed_in}';", _old_keys(members), _old_flags(flags), "",
                         _formatter_off(RUNTIME)]).rstrip() + "\n"
    hook = f"export * from '{_spec(entry, path, style)}';"
    return CompatModule(path, text, rt, runtime, entry, hook, tuple(notes))


_STATEMENT = ("export ", "function ", "const ", "let ", "type ", "class ", "interface ")


def _formatter_off(code: str) -> str:
    """The runtime's top-level statements each under ``// prettier-ignore``: the package's formatter
    check passes whatever its print width and comma settings (generated code, read by no one)."""
    out = []
    for line in code.split("\n"):
        if line.startswith(_STATEMENT):
            out.append("// prettier-ignore")
        out.append(line)
    return "\n".join(out)


def _exported_as(d: Decl, new: str) -> str:
    return d.name


def _old_keys(members: list[MemberAlias]) -> str:
    pairs = sorted({(f"{m.owner}.{m.new}", m.old) for m in members if m.decl.kind == "interface" and not m.static})
    body = "".join(f"\n  '{k}': '{v}'," for k, v in pairs)
    return f"const OLD_KEYS: Record<string, string> = {{{body}{chr(10) if body else ''}}};"


def _old_flags(flags: dict[str, str]) -> str:
    body = "".join(f"\n  '{k}': '{v}'," for k, v in sorted(flags.items()))
    return f"const OLD_FLAGS: Record<string, string> = {{{body}{chr(10) if body else ''}}};"


def _relative_rank(spec: str) -> tuple:
    """How import sorters (simple-import-sort, import/order's alphabetize) order relative specifiers:
    parents first, deeper parents before nearer ones, then siblings; by name, case-insensitively."""
    ups = 0
    rest = spec
    while rest.startswith("../"):
        ups, rest = ups + 1, rest[3:]
    return (0 if ups else 1, -ups, rest.removeprefix("./").lower())


def insert_import(text: str, rel: str, line: str, spec: str, removed_in: str, after: str = "") -> str:
    """``text`` with ``line`` (an import of ``spec``, relative), marked for ``compat drop`` at its end, in
    sorted place among the file's relative imports (before the first whose specifier sorts after
    it), so the project's import sorter still passes; ``after``: a marked statement put after the
    file's imports (``compatArgv();``)."""
    from runsmig.compat import marker
    from runsmig.languages.typescript.compat_surface import _parse, _string

    nl = "\r\n" if "\r\n" in text else "\n"
    mark = " " + marker.short(removed_in, "//")
    root = _parse(text, rel)
    imports = [st for st in (root.children() if root is not None else []) if st.kind() == "import_statement"]
    at = None
    mine = _relative_rank(spec)
    for st in imports:
        src = st.field("source")
        other = _string(src) if src is not None else None
        if other and other.startswith(".") and _relative_rank(other) > mine:
            at = text.rfind("\n", 0, st.range().start.index) + 1
            break
    if imports:
        end = text.find("\n", imports[-1].range().end.index)
        end = len(text) if end < 0 else end + 1
    else:
        end = text.find("\n") + 1 if text.startswith("#!") else 0
    if after:
        text = text[:end] + after + mark + nl + text[end:]
    where = at if at is not None else end
    return text[:where] + line + mark + nl + text[where:]


def with_argv_hook(text: str, rel: str, runtime: str, style: str, removed_in: str) -> str:
    """A command's source with the renaming of old options in ``process.argv`` after its imports
    (before its body parses the command line)."""
    spec = _spec(rel, runtime, style)
    line = f"import {{ compatArgv }} from '{spec}';"
    if line in text:
        return text
    return insert_import(text, rel, line, spec, removed_in, after="compatArgv();")


def with_hook(entry_text: str, hook: str, removed_in: str) -> str:
    """The entry with the re-export of the compat module as its last lines (once)."""
    if hook in entry_text:
        return entry_text
    nl = "\r\n" if "\r\n" in entry_text else "\n"
    sep = "" if not entry_text or entry_text.endswith(("\n", "\r")) else nl
    return entry_text + sep + hook_block(hook, removed_in, nl)


__all__ = ["CompatModule", "compat_path", "hook_block", "insert_import", "runtime_path", "with_argv_hook", "with_hook",
           "write_compat"]

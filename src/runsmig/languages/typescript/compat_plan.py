"""TS/JS compat for one planned rename (issue #22): the package's public surface before and after,
the names the rename changed, and the files that keep the old names working.

:func:`plan_ts_compat` is given the checkout as it is and as the plan leaves it (``files`` +
``read`` for each) and answers with a :class:`TsCompat`: the public renames (listed by ``plan``,
written into the downstream recipe) and the new file contents (the compat module, the entry's
re-export, the fallback reads of old option keys).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from runsmig.languages.typescript.compat_reads import Key, fallback_reads, option_types, package_sources, signatures
from runsmig.languages.typescript.compat_surface import ExportAlias, MemberAlias, read_surface, renamed, renamed_flags
from runsmig.languages.typescript.compat_writer import compat_path, with_argv_hook, with_hook, write_compat


@dataclass
class TsCompat:
    package: str | None
    exports: list[ExportAlias] = field(default_factory=list)
    members: list[MemberAlias] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path (after) -> new content
    created: set[str] = field(default_factory=set)  # which of them are new files
    notes: list[str] = field(default_factory=list)
    reads: int = 0  # fallback reads of old option keys written into the package's sources
    flags: dict[str, str] = field(default_factory=dict)  # old long option -> new, of the package's commands

    def renames(self) -> list[tuple[str, str, str]]:
        """(kind, old, new) of every public rename: export ``Job -> Run``, member ``Queue.getJobs -> getRuns``."""
        out = [("export", a.old, a.new) for a in self.exports]
        out += [("member", f"{m.owner}.{m.old}", f"{m.owner}.{m.new}") for m in self.members]
        out += [("flag", old, new) for old, new in sorted(self.flags.items())]
        return out


def is_library(package_json_text: str | None) -> bool:
    """A package.json that is not marked private describes a library."""
    if package_json_text is None:
        return False
    try:
        pkg = json.loads(package_json_text)
    except ValueError:
        return False
    return isinstance(pkg, dict) and not pkg.get("private", False)


def plan_ts_compat(files_before, read_before: Callable[[str], str | None], files_after,
                   read_after: Callable[[str], str | None], rewrite: Callable[[str], str], removed_in: str,
                   what: str = "", package_json: str = "package.json", aliases: bool = True,
                   layout: Callable[[str, str], object] | None = None) -> TsCompat | None:
    """The compat of the package whose manifest is ``package_json`` (None: no package there).
    ``layout(rel, text)``: how lines written into the source ``rel`` are laid out
    (runsmig.linelength.script_layout; None: as written)."""
    before = read_surface(files_before, read_before, package_json)
    if before is None:
        return None
    after = read_surface(files_after, read_after, package_json)
    if after is None:
        return None
    out = TsCompat(before.package)
    out.exports, out.members = renamed(before, after, rewrite)
    out.flags = renamed_flags(before, after, rewrite)
    if not aliases or not (after.entries or after.bins) or not (out.exports or out.members or out.flags):
        return out
    entry = (after.entries or after.bins)[0]
    path = compat_path(entry, set(files_after))
    mod = write_compat(entry, path, removed_in, after.specifier_style, out.exports, out.members, what, out.flags)
    if mod is None:
        return out
    out.notes.extend(mod.notes)
    out.files[path] = mod.content
    out.files[mod.runtime_path] = mod.runtime
    out.created |= {path, mod.runtime_path}
    if after.entries:
        out.files[entry] = with_hook(read_after(entry) or "", mod.hook, removed_in)
    if out.flags:
        for rel in after.bins:
            text = out.files.get(rel) if rel in out.files else read_after(rel)
            if text is not None:
                out.files[rel] = with_argv_hook(text, rel, mod.runtime_path, after.specifier_style, removed_in)
    keys = [Key(m.owner, m.old, m.new) for m in out.members if m.decl.kind == "interface" and not m.static]
    if keys:
        texts = {}
        for rel in package_sources(files_after, entry, {path, mod.runtime_path}):
            text = out.files.get(rel) if rel in out.files else read_after(rel)
            if text is not None:
                texts[rel] = text
        types, sigs = option_types(texts, keys), signatures(texts)
        for rel, text in texts.items():
            new, n, notes = fallback_reads(rel, text, keys, mod.runtime_path, after.specifier_style, types,
                                           removed_in, sigs)
            out.notes.extend(notes)
            if n:
                out.files[rel] = new
                out.reads += n
    _styled(out, files_after, read_after)
    if layout is not None:
        _laid_out(out, read_after, layout)
    return out


def _laid_out(out: TsCompat, read_after, layout) -> None:
    """The package's sources runsmig wrote into, each line it wrote that is longer than the project's
    line length broken as its formatter would (runsmig.languages.typescript.compat_layout)."""
    from runsmig.languages.typescript.compat_layout import generated, lay_out
    from runsmig.languages.typescript.compat_style import added_lines

    for rel, text in list(out.files.items()):
        if rel in out.created:
            if not rel.rsplit(".", 1)[0].endswith("-runtime"):  # the compat module (the runtime: no formatter)
                out.files[rel] = generated(text, rel, layout(rel, ""))
            continue
        was = read_after(rel) or ""
        lines = added_lines(was, text)
        if lines:
            out.files[rel] = lay_out(text, rel, lines, layout(rel, was))


def _styled(out: TsCompat, files_after, read_after) -> None:
    """What runsmig wrote, in the package's quote (runsmig.languages.typescript.compat_style)."""
    from runsmig.languages.typescript.compat_style import added_lines, quote_of, requote

    sources = [t for r in sorted(files_after)[:400]
               if r.endswith((".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs")) and "node_modules/" not in r
               and r not in out.created and (t := read_after(r))]
    quote = quote_of(sources)
    if quote == "'":
        return
    for rel, text in list(out.files.items()):
        if rel in out.created:
            out.files[rel] = requote(text, rel, quote)
        else:
            out.files[rel] = requote(text, rel, quote, added_lines(read_after(rel) or "", text))


__all__ = ["TsCompat", "is_library", "plan_ts_compat"]


def trees_of_plan(root, result, changes):
    """(files_before, read_before, files_after, read_after) of a planned run: the checkout as it is
    and as the plan's changes leave it (files the run did not open are read from disk)."""
    from pathlib import Path

    root = Path(root)
    before = {o.rel for o in result.looked if not o.rel.endswith("/")} | set(result.unread)
    after = set(before)
    content: dict[str, str | None] = {}
    origin: dict[str, str] = {}
    for c in changes:
        if c.action == "delete":
            after.discard(c.path)
        elif c.action == "rename":
            after.discard(c.path)
            after.add(c.target)
            origin[c.target] = c.path
        if c.action in ("modify", "rename", "create") and c.new is not None:
            after.add(c.target)
            content[c.target] = c.new.decode("utf-8", "replace")

    def read_before(rel: str) -> str | None:
        if rel not in before:
            return None
        try:
            return (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def read_after(rel: str) -> str | None:
        if rel not in after:
            return None
        if rel in content:
            return content[rel]
        return read_before(origin.get(rel, rel))

    return frozenset(before), read_before, frozenset(after), read_after

"""TS/JS aliases (runsmig.languages.typescript.compat_plan): the package.json at the checkout's root
is the package; its renamed exports, class members and interface members (option keys) get a
compat module, re-exported by the entry, and fallback reads of the old keys."""

from __future__ import annotations

from runsmig.compat.model import Alias
from runsmig.compat.planning import Output


def make(ctx) -> Output:
    root = ctx.root
    if not (root / "package.json").is_file() or ctx.result is None:
        return Output()
    lib = ctx.compat.library
    if lib is not None and lib.language != "typescript":
        return Output()
    from runsmig.languages.typescript.compat_plan import plan_ts_compat, trees_of_plan
    from runsmig.terms import TermEngine

    fb, rb, fa, ra = trees_of_plan(root, ctx.result, ctx.changes)
    if not any(r.endswith((".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs")) for r in fa):
        return Output()
    engine = TermEngine.from_recipe(ctx.recipe)
    release = ctx.compat.removed_in or "the next major release"
    what = ", ".join(f"{t.singular} -> {t.to_singular}" for t in getattr(ctx.recipe, "terms", [])[:3]) \
        if hasattr(ctx.recipe, "terms") else ""
    from runsmig.linelength import script_layout

    tc = plan_ts_compat(fb, rb, fa, ra, engine.rewrite, release, what,
                        layout=lambda rel, text: script_layout(root, rel, text))
    if tc is None:
        return Output()
    pkg = tc.package or root.name
    compat_file = next((p for p in sorted(tc.created) if not p.endswith(("-runtime.ts", "-runtime.js"))), "")
    aliases: list[Alias] = []
    for a in tc.exports:
        kind = "export" if a.decl.is_value else "type"
        aliases.append(Alias(f"{pkg}:{a.old}", f"{pkg}:{a.new}", kind, "typescript", release, True, compat_file))
    for m in tc.members:
        kind = "key" if m.decl.kind == "interface" else "member"
        ok = m.decl.kind in ("class", "interface")
        aliases.append(Alias(f"{pkg}:{m.owner}.{m.old}", f"{pkg}:{m.owner}.{m.new}", kind, "typescript", release,
                             ok, compat_file if ok else "", "" if ok else "members of a type alias cannot be added back"))
    for old, new in sorted(tc.flags.items()):
        aliases.append(Alias(f"{pkg}:{old}", f"{pkg}:{new}", "flag", "typescript", release, True, compat_file))
    out = Output(aliases=aliases, notes=[f"compat: {n}" for n in tc.notes])
    if tc.reads:
        out.notes.append(f"compat: {tc.reads} reads of renamed option keys also read the old key (with a warning)")
    for path, text in tc.files.items():
        (out.created if path in tc.created else out.contents)[path] = text.encode("utf-8")
    return out

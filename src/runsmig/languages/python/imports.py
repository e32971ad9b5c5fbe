"""Import statements: where each one points, what becomes of it.

* third-party module: every name in it is kept (``external``);
* checkout module that moves: the module name becomes the new one;
* checkout module that is deleted: its names go to the *counterpart* module
  (``python.modules`` in the recipe, else the module name rewritten by the term
  engine) when that module exists, stays, and defines the rewritten name;
  otherwise the name is removed from the import and its uses become follow-ups;
* two imports that end up binding the same name to the same object are merged,
  but only when one of them is redirected from a module the recipe deletes
  (an explicit entry); otherwise the rename is a ``conflict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from runsmig.languages.base import FileContext
from runsmig.languages.python.modules import ModuleIndex, Resolved, dotted_for, module_names
from runsmig.languages.python.scan import chain_names, dotted


@dataclass
class AliasRec:
    alias: cst.ImportAlias
    source: str  # the imported name (ImportFrom) or dotted module (Import)
    bound: str  # the name it binds now
    status: str = "normal"  # normal, external, follow-up, merged
    new_source: str | None = None  # the imported name after the change
    reason: str = ""
    redirected: bool = False  # its module is deleted by the recipe; the name now comes from the counterpart

    @property
    def binding_names(self) -> list[cst.Name]:
        if self.alias.asname is not None and isinstance(self.alias.asname.name, cst.Name):
            return [self.alias.asname.name]
        names = chain_names(self.alias.name)
        return names[:1]


@dataclass
class ImportRec:
    stmt: cst.Import | cst.ImportFrom
    res: Resolved | None
    aliases: list[AliasRec] = field(default_factory=list)
    new_module: tuple[int, str] | None = None  # (level, dotted) when the module name changes
    external: bool = False
    why: str = ""
    source_rel: str | None = None  # the checkout file the names come from now (the counterpart for a deleted module)

    @property
    def old_module(self) -> tuple[int, str]:
        if isinstance(self.stmt, cst.ImportFrom):
            return len(self.stmt.relative), dotted(self.stmt.module)
        return 0, ""

    def target(self, a: AliasRec) -> tuple:
        """What a name binds after the change (for merging duplicates)."""
        if isinstance(self.stmt, cst.ImportFrom):
            return ("from", *(self.new_module or self.old_module), a.new_source or a.source)
        return ("import", a.new_source or a.source)


def _new_dotted(idx: ModuleIndex, ctx: FileContext, res: Resolved, rel: str) -> tuple[int, str] | None:
    """The (level, dotted) name of checkout file ``rel`` after moves, as seen from this file."""
    target = ctx.moves.get(rel, rel)
    if res.level:
        base = ctx.new_rel.rsplit("/", 1)[0] if "/" in ctx.new_rel else ""
        for _ in range(res.level - 1):
            base = base.rsplit("/", 1)[0] if "/" in base else ""
        d = dotted_for(target, base)
        if d is not None:
            return res.level, "" if d == "__init__" else d
        return None
    d = dotted_for(target, res.root)
    return (0, d) if d is not None else None


def _counterpart(idx: ModuleIndex, ctx: FileContext, res: Resolved) -> Resolved | None:
    """The module that takes over the names of a deleted module."""
    mapping = ctx.recipe.sections.get("python")
    explicit = getattr(mapping, "modules", {}) if mapping is not None else {}
    absolute = None
    if res.level == 0:
        absolute = res.dotted
    elif res.rel is not None:
        absolute = dotted_for(res.rel, idx.root_of(res.rel))
    if absolute and absolute in explicit:
        cp = idx.resolve(explicit[absolute], ctx.rel, 0)
    else:
        new = ctx.engine.rewrite(res.dotted)
        if new == res.dotted:
            return None
        cp = idx.resolve(new, ctx.rel, res.level)
    if cp.external or cp.rel is None or cp.rel in ctx.deletes:
        return None
    return cp


def _defines(idx: ModuleIndex, ctx: FileContext, res: Resolved, name: str) -> bool:
    if res.rel is None:
        return False
    names = module_names(ctx.root, res.rel)
    if name in names or any(ctx.engine.rewrite(n) == name for n in names):  # the module's names after their rename
        return True
    sub = idx.submodule(res, name)
    return sub is not None and sub not in ctx.deletes


def analyze_imports(idx: ModuleIndex, ctx: FileContext, stmts: list[cst.CSTNode]) -> list[ImportRec]:
    recs: list[ImportRec] = []
    for stmt in stmts:
        if isinstance(stmt, cst.ImportFrom):
            rec = _import_from(idx, ctx, stmt)
        else:
            rec = _import(idx, ctx, stmt)
        if rec is not None:
            recs.append(rec)
    return recs


def _import_from(idx: ModuleIndex, ctx: FileContext, stmt: cst.ImportFrom) -> ImportRec | None:
    mod = dotted(stmt.module)
    if mod == "__future__":
        return None
    level = len(stmt.relative)
    res = idx.resolve(mod, ctx.rel, level)
    rec = ImportRec(stmt, res, external=res.external)
    if isinstance(stmt.names, cst.ImportStar):
        if not res.external and res.rel is not None and res.rel in ctx.moves:
            rec.new_module = _new_dotted(idx, ctx, res, res.rel)
        return rec
    for alias in stmt.names:
        name = dotted(alias.name)
        bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
        rec.aliases.append(AliasRec(alias, name, bound, "external" if res.external else "normal"))
    if res.external or res.rel is None:
        return rec
    rec.source_rel = res.rel
    engine = ctx.engine
    if res.rel in ctx.deletes:
        cp = _counterpart(idx, ctx, res)
        rec.why = f"module '{'.' * level}{mod}' is removed"
        rec.source_rel = cp.rel if cp is not None else None
        if cp is not None:
            rec.new_module = _new_dotted(idx, ctx, cp, cp.rel) if cp.rel else None
        for a in rec.aliases:
            new = engine.rewrite(a.source)
            if cp is not None and rec.new_module is not None and _defines(idx, ctx, cp, new):
                a.new_source = new
                a.redirected = True
            else:
                a.status = "follow-up"
                where = f" and '{cp.dotted}' has no '{new}'" if cp is not None else " and has no counterpart"
                a.reason = f"'{a.source}' came from {rec.why}{where}; rewrite its uses by hand or map it in the recipe"
        return rec
    if res.rel in ctx.moves:
        rec.new_module = _new_dotted(idx, ctx, res, res.rel)
    for a in rec.aliases:
        sub = idx.submodule(res, a.source)
        if sub is not None and sub in ctx.deletes:
            new = engine.rewrite(a.source)
            alt = idx.submodule(res, new)
            if new != a.source and alt is not None and alt not in ctx.deletes:
                a.new_source = new
                a.redirected = True
            else:
                a.status = "follow-up"
                a.reason = f"module '{a.source}' is removed; rewrite its uses by hand"
    return rec


def _import(idx: ModuleIndex, ctx: FileContext, stmt: cst.Import) -> ImportRec:
    rec = ImportRec(stmt, None)
    for alias in stmt.names:
        name = dotted(alias.name)
        bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name.split(".")[0]
        a = AliasRec(alias, name, bound)
        res = idx.resolve(name, ctx.rel, 0)
        if res.external:
            a.status = "external"
        elif res.rel is not None and res.rel in ctx.deletes:
            a.status = "follow-up"
            a.reason = f"module '{name}' is removed; rewrite its uses by hand"
        elif res.rel is not None and res.rel in ctx.moves:
            new = _new_dotted(idx, ctx, res, res.rel)
            if new is not None:
                a.new_source = new[1]
        rec.aliases.append(a)
    rec.external = all(a.status == "external" for a in rec.aliases)
    return rec

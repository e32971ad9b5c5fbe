"""runsmig recipe show [ENTRY]: a recipe's entries and transforms, like ``ruff rule``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from runsmig.cli.app import app
from runsmig.cli.common import RecipeOpt
from runsmig.console import out_text
from runsmig.errors import EXIT_OK, UsageError

recipe_app = typer.Typer(help="Inspect a recipe: its terms, entries and transforms.", no_args_is_help=True)
app.add_typer(recipe_app, name="recipe")


def _doc(t) -> str:
    """A transform module's docstring (its What / Why / Example)."""
    mod = sys.modules.get(t.run.__module__)
    return (mod.__doc__ if mod is not None else None) or ""


def _doc_sections(doc: str) -> dict[str, str]:
    """A transform docstring's 'What it does / Why / Example' paragraphs."""
    out: dict[str, str] = {}
    key = None
    for line in doc.strip().splitlines()[1:]:
        for label in ("What it does", "Why", "Example"):
            if line.startswith(label + ":"):
                key = label
                line = line[len(label) + 1:]
        if key:
            out[key] = (out.get(key, "") + " " + line.strip()).strip()
    return out


def describe(recipe_path: Path | None, entry: str | None) -> str:
    from runsmig.recipe import load_recipe
    from runsmig.transforms import load_transforms

    rec = load_recipe(recipe_path)
    transforms = {t.name: t for t in load_transforms(rec.folder)}
    if entry:
        if entry in transforms:
            doc = _doc(transforms[entry]) or "(no docstring)"
            return f"{entry} (transform of recipe {rec.name})\n\n{doc.strip()}\n"
        for key, text in _entries(rec):
            if key == entry:
                return text + "\n"
        names = sorted(transforms) + [k for k, _ in _entries(rec)]
        raise UsageError(f"no entry or transform '{entry}' in recipe {rec.name}",
                         hint=f"one of: {', '.join(names[:30])}")
    lines = [f"recipe {rec.name} ({rec.source})"]
    if rec.description:
        lines.append(f"  {' '.join(rec.description.split())}")
    for key, text in _entries(rec):
        lines.append(text)
    if transforms:
        lines.append(f"transforms ({len(transforms)}):")
        for name, t in transforms.items():
            what = _doc_sections(_doc(t)).get("What it does", "")
            lines.append(f"  {name}: {what[:160]}")
    return "\n".join(lines) + "\n"


def _entries(rec) -> list[tuple[str, str]]:
    out = [("terms", "terms:\n" + "\n".join(f"  {t.singular}/{t.plural} -> {t.to_singular}/{t.to_plural}"
                                            for t in rec.terms))]
    if rec.symbols:
        out.append(("symbols", f"symbols ({len(rec.symbols)}):\n" + "\n".join(f"  {a} -> {b}" for a, b in rec.symbols.items())))
    if rec.phrases:
        out.append(("phrases", f"phrases ({len(rec.phrases)}):\n" + "\n".join(f"  {a!r} -> {b!r}" for a, b in rec.phrases)))
    if rec.keep:
        out.append(("keep", f"keep ({len(rec.keep)}): {', '.join(rec.keep)}"))
    if rec.renames or rec.deletes:
        body = [f"  rename {r.source} -> {r.target}" + (f"  ({r.reason})" if r.reason else "") for r in rec.renames]
        body += [f"  delete {d.path}  ({d.reason})" for d in rec.deletes]
        out.append(("paths", f"paths ({len(rec.renames)} rename(s), {len(rec.deletes)} delete(s)):\n" + "\n".join(body)))
    if rec.allowlist:
        out.append(("allowlist", f"allowlist ({len(rec.allowlist)}):\n" + "\n".join(
            f"  {', '.join(a.paths)}" + (f" /{a.pattern}/" if a.pattern else "") + (f" [{', '.join(a.kinds)}]" if a.kinds else "")
            + f": {a.reason}" for a in rec.allowlist)))
    for key, section in rec.sections.items():
        out.append((key, f"{key}: {type(section).__name__}"))
    return out


@recipe_app.command("show")
def show(entry: str | None = typer.Argument(None, help="A transform or entry (terms, symbols, phrases, keep, paths, "
                                                       "allowlist, or a section) to show in full."),
         recipe: Path | None = RecipeOpt) -> int:
    """List a recipe's entries and transforms (What it does / Why / Example), or one in full."""
    out_text(describe(recipe, entry))
    return EXIT_OK

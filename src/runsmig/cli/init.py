"""runsmig init: a starter recipe folder for any checkout, with what a scan of it suggests."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

import typer

from runsmig.cli.app import app
from runsmig.cli.common import PathArg, checkout_root
from runsmig.console import err
from runsmig.errors import EXIT_OK, RefusedError, UsageError

_TERM = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(?:/([A-Za-z][A-Za-z0-9]*))?:([A-Za-z][A-Za-z0-9]*)(?:/([A-Za-z][A-Za-z0-9]*))?$")


def parse_term(spec: str) -> tuple[str, str, str, str]:
    """``job:run`` or ``job/jobs:run/runs`` -> (from, plural, to, to_plural)."""
    m = _TERM.match(spec)
    if not m:
        raise UsageError(f"--term '{spec}': write it as OLD:NEW or OLD/OLDS:NEW/NEWS (e.g. job:run)",
                         hint="see 'runsmig init --help'")
    old, olds, new, news = m.groups()
    return old.lower(), (olds or old + "s").lower(), new.lower(), (news or new + "s").lower()


def render_recipe(name: str, terms: list[tuple[str, str, str, str]], scan: dict | None) -> str:
    lines = [
        "# runsmig recipe (written by 'runsmig init'; see the README's 'Recipe format').",
        "version: 1",
        f"name: {name}",
        "terms:",
        *[f"  - {{from: {a}, plural: {b}, to: {c}, to_plural: {d}}}" for a, b, c, d in terms],
        "symbols: {}      # exact identifiers that override the term map: OldName: NewName",
        "phrases: {}      # prose phrases rewritten before the term map: \"jobs run\": \"runs execute\"",
        "keep: []         # identifiers of other software that carry the term and must never change",
    ]
    if scan:
        lines += ["", "# What a scan of the checkout suggests (uncomment and edit what you want):"]
        if scan.get("symbols"):
            lines.append("# Identifiers whose rewrite doubles a word (override them under symbols:):")
            lines.append("# symbols:")
            for (old, new), n, where in scan["symbols"]:
                lines.append(f"#   {old}: {new}   # {n} place(s), e.g. {where}")
        if scan["phrases"]:
            lines.append("# Prose the plain term map would make read badly (kept until you add a phrase):")
            lines.append("# phrases:")
            for text, n, where in scan["phrases"]:
                lines.append(f"#   {text!r}: ...   # {n} place(s), e.g. {where}")
            lines.append("#   (a phrase written as it reads after the rewrite, e.g. 'runs run', matches too)")
        if scan["externals"]:
            lines.append("# Names of third-party packages and other tools' schemas (kept automatically, listed")
            lines.append("# so you can check none of them is yours):")
            for word, n, why in scan["externals"]:
                lines.append(f"#   {word}: {n} file(s), {why}")
        if scan["literals"]:
            lines.append("# Identifier-like strings the plan renames: stored data and clients may depend on them.")
            lines.append("# literals:")
            for (old, new), n, where in scan["literals"]:
                pat = re.escape(_literal_text(old)).replace("'", "''")  # inside a single-quoted YAML scalar
                lines.append(f"#   - {{pattern: '^{pat}$', action: keep, reason: ...}}   # -> {new}, {n} place(s), e.g. {where}")
    return "\n".join(lines) + "\n"


def _literal_text(source: str) -> str:
    """A string literal's text as a ``literals:`` pattern sees it: prefix (b, r, f, u) and quotes left out."""
    body = source.lstrip("bBrRuUfF")
    for q in ('"""', "'''", '"', "'", "`"):
        if len(body) >= 2 * len(q) and body.startswith(q) and body.endswith(q):
            return body[len(q):-len(q)]
    return source


def _terms_of(plan) -> list[tuple[str, str, str, str]]:
    return [(t.singular, t.plural, t.to_singular, t.to_plural) for t in plan.recipe.terms] if plan.recipe else []


def _tally(keyed, most: int = 20) -> list[tuple]:
    """(key, count, first place) of the most frequent keys of ``(key, finding)`` pairs."""
    counts: Counter = Counter()
    first: dict = {}
    for key, f in keyed:
        counts[key] += 1
        first.setdefault(key, f"{f.path}:{f.line}")
    return [(key, n, first[key]) for key, n in counts.most_common(most)]


def scan_checkout(root: Path, recipe_text: str, workers: int | None) -> dict:
    """Plan the checkout with the starter recipe (nothing written) and summarize what needs a person."""
    from runsmig.plan import build_plan
    from runsmig.recipe import load_recipe

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "recipe.yaml"
        path.write_text(recipe_text, encoding="utf-8")
        plan = build_plan(root, load_recipe(path), workers=workers, regenerate=False)
    clashes = ((" ".join(f.text.split()).lower(), f) for f in plan.follow_ups() if "would read '" in f.message)
    ext: dict[str, set[str]] = {}
    why: dict[str, str] = {}
    for f in plan.externals():
        word = f.word or f.text
        ext.setdefault(word, set()).add(f.path)
        why.setdefault(word, f.message.split(": kept")[0].split("' ", 1)[-1] if f.message else "external")
    targets = "|".join(sorted({re.escape(t) for a, b, c, d in _terms_of(plan) for t in (c, d)}, key=len, reverse=True))
    doubled = re.compile(rf"(?i)(?:{targets})[_\-]?(?:{targets})(?![a-z])") if targets else None
    findings = [f for o in plan.result.looked for f in o.applied] if plan.result is not None else []
    doubles = (((f.word, f.word_replacement), f) for f in findings
               if f.kind == "identifier" and f.word and doubled is not None and doubled.search(f.word_replacement or ""))
    return {
        "phrases": _tally(clashes),
        "externals": [(w, len(p), why[w]) for w, p in sorted(ext.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:40]],
        "literals": _tally(((f.literal, f.literal_replacement), f) for f in plan.identifiers()),
        "symbols": _tally(doubles),
        "changes": len(plan.changes),
    }


@app.command()
def init(
    path: Path = PathArg,
    term: list[str] = typer.Option(..., "--term", help="OLD:NEW or OLD/OLDS:NEW/NEWS (repeatable), e.g. job:run."),
    out: Path | None = typer.Option(None, "--out", help="Recipe folder to write (default: PATH/.runsmig)."),
    name: str | None = typer.Option(None, "--name", help="Recipe name (default: OLD-to-NEW)."),
    scan: bool = typer.Option(True, "--scan/--no-scan", help="Plan the checkout once and write what it suggests."),
    workers: int | None = typer.Option(None, "--workers", help="Processes for the scan (default: CPU count)."),
) -> int:
    """Write a starter recipe for your own project: the terms, empty symbols/phrases/keep, and suggestions."""
    root = checkout_root(path)
    terms = [parse_term(t) for t in term]
    folder = (out if out is not None else root / ".runsmig")
    folder = folder if folder.is_absolute() else Path.cwd() / folder
    target = folder / "recipe.yaml"
    if target.exists():
        raise RefusedError("a recipe exists already; not overwritten", str(target),
                           hint="edit it, or pass --out to write another folder")
    recipe_name = name or f"{terms[0][0]}-to-{terms[0][2]}"
    text = render_recipe(recipe_name, terms, None)
    found = scan_checkout(root, text, workers) if scan else None
    text = render_recipe(recipe_name, terms, found)
    from runsmig.textio import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(target, text.encode("utf-8"))
    shown = target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target
    err.print(f"runsmig: wrote {shown}", markup=False)
    if found is not None:
        err.print(f"  scan: {found['changes']} file change(s); {len(found['phrases'])} phrase(s) to decide, "
                  f"{len(found['externals'])} external name(s), {len(found['literals'])} identifier-like string(s)",
                  markup=False)
    rel = folder.relative_to(root) if folder.is_relative_to(root) else folder
    err.print(f"  next: runsmig plan {path} --recipe {folder}   (or set recipe = \"{rel}\" under "
              "[tool.runsmig] in pyproject.toml)", markup=False)
    return EXIT_OK

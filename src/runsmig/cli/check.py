"""runsmig check: the CI gate. Exit 0 clean, 1 remnants, 2 usage/recipe error, 3 unreadable files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from runsmig.cli.app import app
from runsmig.cli.common import PathArg, RecipeOpt, checkout_root
from runsmig.console import err, out_text
from runsmig.errors import EXIT_FINDINGS, EXIT_OK, EXIT_PARTIAL, UsageError
from runsmig.recipe import load_recipe
from runsmig.report import FORMATS, CheckReport, render
from runsmig.runner import run


def build_report(root: Path, recipe_path: Path | None, workers: int | None = None) -> CheckReport:
    rec = load_recipe(recipe_path)
    result = run(root, rec, workers=workers)
    findings = [f for o in result.outcomes for f in (o.applied + o.reported) if f.rule != "external"]
    externals = [f for o in result.outcomes for f in o.reported if f.rule == "external"]
    findings += result.paths.findings
    allowed = [f for o in result.outcomes for f in o.allowed] + result.paths.allowed
    failures = [(o.rel, o.reason, o.line) for o in result.by_status("failed")]
    # deleted-by-recipe files are remnants until apply removes them
    for o in result.by_status("deleted"):
        findings.append(_deleted_finding(o.rel, o.reason))
    non_term = [(o.rel, ln, col, w) for o in result.outcomes for ln, col, w in o.non_term]
    findings.sort(key=lambda f: (f.path, f.line, f.col))
    return CheckReport(findings, allowed, failures, len(result.outcomes),
                       raw=sum(o.raw for o in result.outcomes),
                       raw_in_binary=sum(o.raw for o in result.by_status("skipped")),
                       coverage=dict(sum((o.coverage for o in result.outcomes), Counter())),
                       raw_in_deleted=sum(o.raw for o in result.by_status("deleted")),
                       non_term=non_term, skipped=result.skipped, externals=externals)


def _deleted_finding(rel: str, reason: str):
    from runsmig.findings import Finding

    return Finding(rel, 0, 0, rel, "path", None, "delete", f"file to delete by recipe: {reason}")


@app.command()
def check(
    path: Path = PathArg,
    no_job_terms: bool = typer.Option(False, "--no-job-terms", help="Gate on the recipe's terms (job/jobs): fail while any remains."),
    recipe: Path | None = RecipeOpt,
    fmt: str = typer.Option("text", "--format", help="text, json, sarif or github."),
    workers: int | None = typer.Option(None, "--workers", help="Processes for parsing (default: CPU count)."),
) -> int:
    """Report every remaining term (identifiers, strings, comments, prose, paths, config keys)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format '{fmt}' (choose from {', '.join(FORMATS)})")
    root = checkout_root(path)
    rep = build_report(root, recipe, workers)
    out_text(render(rep, fmt))
    s = rep.summary()
    err.print(f"runsmig check: {s['findings']} finding(s), {s['allowlisted']} allowlisted, "
              f"{s['failed_files']} unreadable, {s['files_scanned']} files", markup=False)
    if rep.findings:
        return EXIT_FINDINGS
    if rep.failures:
        return EXIT_PARTIAL
    return EXIT_OK

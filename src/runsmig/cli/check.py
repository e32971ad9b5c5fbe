"""runsmig check: the CI gate. Exit 0 clean, 1 remnants, 2 usage/recipe error, 3 undecided: a file or
folder could not be read, decoded or parsed (3 wins over 1: the gate never says "remnants" or "clean"
when it could not decide everything)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from runsmig.cli.app import app
from runsmig.cli.common import NoCacheOpt, QuietOpt, RecipeOpt, effective, resolve_target
from runsmig.errors import EXIT_FINDINGS, EXIT_OK, EXIT_PARTIAL, UsageError

if TYPE_CHECKING:
    from runsmig.recipe.model import Recipe
    from runsmig.report import CheckReport


def build_report(root: Path, recipe: Recipe | Path | None, workers: int | None = None,
                 only: frozenset[str] | None = None, progress=None, cache: bool = False,
                 prepared=None, limits=None) -> CheckReport:
    """The check of a checkout; with ``only``, of just those root-relative files (the rest of the
    checkout is context): their findings are exactly what the whole check reports for them.
    ``recipe``: a loaded recipe, or its path (None: the default); ``progress(done, total)`` as
    files finish. ``prepared``: the run's first half, done already (runsmig.runner.prepare).
    ``limits``: runsmig.limits.Limits (default: the prepared run's, else the defaults).
    The recipe is used as data only: no transform is imported, no command run (Recipe.data_only)."""
    from runsmig.recipe import load_recipe
    from runsmig.recipe.model import Recipe
    from runsmig.findings import UNREAD_DECLARATIONS
    from runsmig.report import CheckReport
    from runsmig.runner import run

    rec = (recipe if isinstance(recipe, Recipe) else load_recipe(recipe)).data_only()
    result = run(root, rec, workers=workers, only=None if only is None else set(only), progress=progress,
                 keep_bytes=False, cache=cache, prepared=prepared, limits=limits)
    looked = result.looked  # an unread file has nothing to report
    findings = [f for o in looked for f in (o.applied + o.reported) if f.rule != "external"]
    externals = [f for o in looked for f in o.reported if f.rule == "external"]
    mine = (lambda path: True) if only is None else belongs_to(only)
    findings += [f for f in result.paths.findings if mine(f.path)]
    if result.history:  # a dump lagging behind a migration runsmig wrote (runsmig.migration.followups)
        from runsmig.migration.followups import stale_dumps

        findings += [f for f in stale_dumps(root, result.history, [o.rel for o in looked] + result.unread)
                     if mine(f.path)]
    allowed = [f for o in looked for f in o.allowed] + [f for f in result.paths.allowed if mine(f.path)]
    failures = [(o.rel, o.reason, o.line) for o in result.by_status("failed")]
    # a class whose third-party base cannot be read: whether its kept names override it is undecided
    failures += [(rel, f"undecided: {note}", line) for rel, line, _, note in result.unsure if mine(rel)]
    # a key kept as a package's option only because the package's declarations cannot be read
    failures += [(f.path, f"undecided: {f.message}", f.line) for f in externals
                 if f.message.endswith(UNREAD_DECLARATIONS)]
    # deleted-by-recipe files are remnants until apply removes them
    for o in result.by_status("deleted"):
        findings.append(_deleted_finding(o.rel, o.reason))
    non_term = [(o.rel, ln, col, w) for o in looked for ln, col, w in o.non_term]
    findings.sort(key=lambda f: (f.path, f.line, f.col))
    return CheckReport(findings, allowed, failures, result.files,
                       raw=sum(o.raw for o in looked),
                       raw_in_binary=sum(o.raw for o in result.by_status("skipped")),
                       coverage=dict(sum((Counter(o.coverage) for o in looked if o.coverage), Counter())),
                       raw_in_deleted=sum(o.raw for o in result.by_status("deleted")),
                       non_term=non_term, externals=externals,
                       skipped=[(p, r) for p, r in result.skipped if mine(p)]
                       + [(o.rel, o.reason) for o in result.by_status("skipped") if o.reason != "binary file"],
                       unparsed=[(o.rel, o.unparsed) for o in looked if o.unparsed])


def belongs_to(only: frozenset[str]):
    """Whether a path finding (a file, or a folder with a trailing '/') is about the named files:
    their own names and the names of the folders holding them."""
    folders = {rel[:i + 1] for rel in only for i, c in enumerate(rel) if c == "/"}
    return lambda path: path in only or path in folders


def _deleted_finding(rel: str, reason: str):
    from runsmig.findings import Finding

    return Finding(rel, 0, 0, rel, "path", None, "delete", f"file to delete by recipe: {reason}")


@app.command()
def check(
    paths: list[Path] | None = typer.Argument(
        None, metavar="[PATH|FILE]...", show_default=False, readable=False,  # an unreadable file is reported (exit 3)
        help="The checkout folder (default: current folder); or files and folders inside one: only those "
             "are checked, with the whole checkout (its git work tree) as context."),
    no_job_terms: bool = typer.Option(False, "--no-job-terms", help="Gate on the recipe's terms (job/jobs): fail while any remains."),
    recipe: Path | None = RecipeOpt,
    fmt: str | None = typer.Option(None, "--format", help="text, json, sarif or github (default: [tool.runsmig] "
                                   "format, else text)."),
    workers: int | None = typer.Option(None, "--workers", help="Processes for parsing (default: CPU count)."),
    since: str | None = typer.Option(None, "--since", metavar="REF",
                                     help="Check only the files changed since REF (since its merge base with "
                                          "HEAD, plus uncommitted and untracked files)."),
    quiet: bool = QuietOpt,
    no_cache: bool = NoCacheOpt,
) -> int:
    """Report every remaining term (identifiers, strings, comments, prose, paths, config keys)."""
    from runsmig.console import out_text, plain, progress
    from runsmig.discover import prefetch
    from runsmig.report import FORMATS

    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown --format '{fmt}' (choose from {', '.join(FORMATS)})")
    target = resolve_target(paths or [], since)
    prefetch(target.root)  # git lists the files while the recipe loads
    eff = effective(target.root, recipe, workers, grep_early=not no_cache)  # command-line options win over [tool.runsmig]
    fmt = fmt or eff.settings.format or "text"
    with progress("checking", quiet) as update:
        answer = _answer(target.root, eff, fmt, target.only, update, cache=not no_cache)
    out_text(answer.stdout)
    plain(answer.summary)
    return answer.exit_code


def _answer(root: Path, eff, fmt: str, only: frozenset[str] | None, progress, cache: bool):
    """The report, its summary line and exit code: remembered for a tree already checked
    (runsmig.runner.reportmemo), else made. The recipe as the gate has it: data only (no recipe
    code runs, from any recipe), the checkout's catch-all entries refused."""
    import json

    from runsmig.report import render
    from runsmig.runner import prepare, reportmemo

    recipe, workers = eff.gate_recipe(root), eff.workers

    prepared = prepare(root, recipe, cache, eff.limits)
    key = None
    if cache:
        options = json.dumps([fmt, None if only is None else sorted(only), _environment(root)])
        key = reportmemo.tree_key(root, recipe, prepared, options)
        hit = reportmemo.recall(root, key) if key else None
        if hit is not None:
            prepared.abandon()
            return hit
    rep = build_report(root, recipe, workers, only=only, progress=progress, cache=cache, prepared=prepared)
    answer = reportmemo.Answer(render(rep, fmt), summary_of(rep), exit_code(rep))
    # what could not be read depends on more than the bytes the key is made of (modes, owners): made again
    if key and not any(reason.startswith("cannot read") for _, reason, _ in rep.failures):
        reportmemo.remember(root, key, answer)
    return answer


def _environment(root: Path) -> list:
    """What the answer depends on outside the checkout: the site-packages folders third-party bases
    are read from (runsmig.languages.python.inherited), and when each last changed (an install)."""
    from runsmig.languages.python.installed import site_dirs

    out = []
    for p in site_dirs(root):
        try:
            out.append([str(p), p.stat().st_mtime_ns])
        except OSError:
            out.append([str(p), None])
    return out


def exit_code(rep: CheckReport) -> int:
    """Undecided (3) wins over remnants (1): a file the gate could not read, decode or parse may
    hold anything, so neither "remnants" nor "clean" is the answer."""
    return EXIT_PARTIAL if rep.failures else EXIT_FINDINGS if rep.findings else EXIT_OK


def summary_of(rep: CheckReport) -> str:
    """The lines on stderr: one per undecided file or folder (path and why), then the summary."""
    s = rep.summary()
    counts = f"{s['findings']} finding(s), {s['allowlisted']} allowlisted"
    if not rep.failures:
        return f"runsmig check: {counts}, 0 unreadable, {s['files_scanned']} files"
    lines = [f"runsmig: could not decide {path}{f':{line}' if line else ''}: {reason}"
             for path, reason, line in rep.failures]
    what = "file(s)" if not any(p.endswith("/") for p, _, _ in rep.failures) else "file(s) or folder(s)"
    lines.append(f"runsmig check: could not decide {len(rep.failures)} {what} (listed above); "
                 f"{counts}, {s['files_scanned']} files")
    return "\n".join(lines)

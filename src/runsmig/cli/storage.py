"""``runsmig storage move``: move data/jobs/<id> folders to data/runs/<run_id>, crash-safely."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from runsmig import console
from runsmig.cli.app import app
from runsmig.cli.common import QuietOpt
from runsmig.errors import RunsmigError, UsageError

storage_app = typer.Typer(help="Move stored run folders (data/jobs/<id> -> data/runs/<run_id>).", no_args_is_help=True)
app.add_typer(storage_app, name="storage")


@storage_app.command("move")
def move(
    src: Path = typer.Option(..., "--from", help="Old storage root, e.g. data/jobs (ADE_JOBS_DIR).", show_default=False),
    dst: Path = typer.Option(..., "--to", help="New storage root, e.g. data/runs (created if missing).", show_default=False),
    db: str = typer.Option(None, "--db", help="SQLAlchemy URL of the ADE database (sqlite:///..., postgresql+psycopg://...). "
                           "Without it every folder keeps its name."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the operations a real run performs; change nothing."),
    journal: Path = typer.Option(None, "--journal", help="Write-ahead journal (default: <parent of --to>/.runsmig-storage-<name of --to>.journal)."),
    orphans: str = typer.Option("keep", "--orphans", help="Folders without a run in the database: keep (leave in --from), "
                                "move (to --to, same name) or quarantine (to <parent of --to>/runs-orphans/<name>)."),
    env_file: Path = typer.Option(None, "--env-file", help="Also rewrite this .env: ADE_JOBS_DIR -> ADE_RUNS_DIR, data/jobs -> data/runs."),
    recipe: Path = typer.Option(None, "--recipe", help="Recipe with a 'storage:' section (default: the bundled jobs-to-runs recipe)."),
    fmt: str = typer.Option("text", "--format", help="text, or json (one JSON document on stdout)."),
    quiet: bool = QuietOpt,
) -> None:
    """Move every folder of --from to --to under its run id, rewrite stored paths, resumably.

    A folder named by a run id keeps its name; one named by a job id is renamed to that job's run id (read from the database while the jobs table exists).

    Interrupted at any point, the same command finishes the job. Exit codes: 0 done, 2 usage, 4 conflict/refused, 5 failed.
    """
    from runsmig.storage.mover import run
    from runsmig.storage.plan import ORPHAN_MODES, Options, render

    if orphans not in ORPHAN_MODES:
        raise UsageError(f"--orphans must be one of {', '.join(ORPHAN_MODES)}, not '{orphans}'")
    if fmt not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not '{fmt}'")
    cfg = None
    if db or env_file:
        cfg = _storage_config(recipe)
    opts = Options(src=src, dst=dst, db=db, orphans=orphans, env_file=env_file, cfg=cfg)
    printed: list[dict[str, Any]] = []

    def emit(ops: list[dict[str, Any]]) -> None:
        printed.extend(ops)
        if dry_run and fmt == "text":
            console.out_text("".join(render(op) + "\n" for op in ops))

    try:
        with console.progress("moving", quiet) as update:
            summary = run(opts, journal_path=journal, dry_run=dry_run, progress=update, emit_plan=emit)
    except RunsmigError as exc:
        _print_findings(getattr(exc, "findings", []))
        raise
    if fmt == "text":
        _print_findings(summary.findings)
    for note in summary.notes:
        console.warn(note)
    if fmt == "json":
        doc = summary.as_dict()
        if dry_run:
            doc["operations"] = printed
        console.out_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    _print_summary(summary)


FINDINGS_SHOWN = 50  # per kind, in text output; --format json lists all


def _print_findings(findings: list[dict[str, str]]) -> None:
    shown: dict[str, int] = {}
    for f in findings:
        n = shown[f["kind"]] = shown.get(f["kind"], 0) + 1
        if n <= FINDINGS_SHOWN:
            console.info(f"{f['kind']}: {f['name']}: {f['reason']}")
    for kind, n in shown.items():
        if n > FINDINGS_SHOWN:
            console.info(f"{kind}: ... and {n - FINDINGS_SHOWN} more (--format json lists all)")


def _storage_config(recipe: Path | None):
    from runsmig.recipe.load import load_recipe

    r = load_recipe(recipe)
    cfg = r.sections.get("storage")
    if cfg is None:
        raise UsageError("the recipe has no 'storage:' section", path=str(r.source),
                         hint="see rules/jobs-to-runs/storage.snippet.yaml")
    return cfg


def _print_summary(s) -> None:
    verb = "would move" if s.dry_run else "moved"
    parts = [
        f"{verb} {s.moved} folder(s) keeping their name",
        f"renamed {s.renamed}",
        f"quarantined {s.quarantined}",
        f"skipped {s.skipped}",
        f"orphans {s.orphans}",
        f"bytes copied {s.bytes_copied}",
        f"stored paths {s.db_rows}",
    ]
    if s.env_lines:
        parts.append(f".env lines {s.env_lines}")
    if s.resumed:
        parts.append(f"resumed ({s.already_done} already done)")
    console.info("summary: " + ", ".join(parts))

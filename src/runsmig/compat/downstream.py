"""The downstream recipe: the rename as seen by projects that use the library.

``apply`` writes it (``render``) next to the library's root, at ``target_path(recipe)``:
``runsmig-downstream.yaml``. It holds only a ``downstream:`` section::

    # runsmig: compat downstream recipe until 3.0, remove with 'runsmig compat drop'
    version: 1
    name: rq-downstream
    downstream:
      library: rq
      removed_in: "3.0"
      renames:
        module: {rq.job: rq.run}
        name: {rq.job.Job: rq.run.Run, rq.Job: rq.Run}
        member: {rq.queue.Queue.enqueue_job: rq.queue.Queue.enqueue_run}
        parameter: {rq.queue.Queue.enqueue(job_id): rq.queue.Queue.enqueue(run_id)}
        option: {"rq.cli.cli:--delete-jobs": "rq.cli.cli:--delete-runs"}
        env: {$RQ_JOB_CLASS: $RQ_RUN_CLASS}

Keys of ``renames`` are the kinds of runsmig.compat.model.KINDS; names are qualified as Alias.old/new
say. ``runsmig plan|apply --recipe runsmig-downstream.yaml DOWNSTREAM`` rewrites only uses of these
names, resolved through imports (runsmig.compat.rewrite); never the downstream project's own names.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from runsmig.compat import marker
from runsmig.compat.model import KINDS, Alias

FILE = "runsmig-downstream.yaml"


def target_path(recipe) -> str:
    return FILE


def render(aliases: list[Alias], library: str, removed_in: str, recipe_name: str,
           signatures: dict[str, str] | None = None) -> str:
    by_kind: dict[str, dict[str, str]] = defaultdict(dict)
    for a in aliases:
        by_kind[a.kind][a.old] = a.new
    lines = [marker.line(removed_in or "unknown", "#", "downstream recipe"),
             f"# Uses of {library}'s public names renamed by '{recipe_name}', old -> new. In a project that uses",
             f"# {library}: runsmig apply --recipe <this file> <checkout> (only uses of {library}'s names change).",
             "version: 1",
             f"name: {json.dumps(library + '-downstream')}",
             "downstream:",
             f"  library: {json.dumps(library)}",
             f"  removed_in: {json.dumps(removed_in)}",
             "  renames:"]
    for kind in KINDS:
        if kind in by_kind:
            lines.append(f"    {kind}:")
            for old, new in sorted(by_kind[kind].items()):
                lines.append(f"      {json.dumps(old)}: {json.dumps(new)}")
    if signatures:  # the keywords each renamed method takes: a call it could not take is not its
        lines.append("  signatures:")
        for name, params in sorted(signatures.items()):
            lines.append(f"    {json.dumps(name)}: {json.dumps(params)}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class DownstreamSection:
    library: str
    removed_in: str
    renames: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> old -> new
    signatures: dict[str, str] = field(default_factory=dict)  # new method -> "a, b, **" (its keywords)


def parse(node, folder: Path) -> DownstreamSection:
    m = node.mapping(allowed={"library", "removed_in", "renames", "signatures"}, required={"library", "renames"})
    renames: dict[str, dict[str, str]] = {}
    for kind, sub in m["renames"].mapping(allowed=set(KINDS)).items():
        renames[kind] = sub.string_map()
    removed = m["removed_in"].string(non_empty=False) if "removed_in" in m else ""
    signatures = m["signatures"].string_map() if "signatures" in m else {}
    return DownstreamSection(m["library"].string(), removed, renames, signatures)

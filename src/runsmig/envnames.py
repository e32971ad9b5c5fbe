"""Environment variables other tools set: their names are those tools', never the project's.

A CI service or a scheduler exports its own variables into the processes it starts (GitHub
Actions' ``GITHUB_JOB``, GitLab's ``CI_JOB_ID``, Slurm's ``SLURM_JOB_ID`` ...). Code that reads
one (``os.environ["GITHUB_JOB"]``, ``process.env.CI_JOB_ID``) must keep its name: renaming it
reads a variable nobody sets. Every other variable a checkout reads is its own name, decided
like any other (and followed by its docs and config: :mod:`runsmig.onename`).
"""

from __future__ import annotations

import re

# (pattern of the whole name, the tool that sets it)
_TOOLS = (
    (r"GITHUB_JOB", "GitHub Actions"),
    (r"CI_JOB_[A-Z0-9_]+", "GitLab CI"),
    (r"CIRCLE_JOB", "CircleCI"),
    (r"TRAVIS_JOB_[A-Z0-9_]+", "Travis CI"),
    (r"BUILDKITE_JOB_ID", "Buildkite"),
    (r"SYSTEM_JOB[A-Z0-9_]*", "Azure Pipelines"),
    (r"SLURM_[A-Z0-9_]*JOB[A-Z0-9_]*", "Slurm"),
    (r"PBS_JOB[A-Z0-9_]*", "PBS"),
    (r"LSB_JOB[A-Z0-9_]*", "LSF"),
    (r"NOMAD_JOB_[A-Z0-9_]+", "Nomad"),
    (r"AWS_BATCH_JOB_[A-Z0-9_]+", "AWS Batch"),
    (r"CLOUD_RUN_JOB", "Cloud Run"),
)
_RE = re.compile("|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(_TOOLS)))


def tool_of(name: str) -> str | None:
    """The tool that sets the environment variable ``name``, or None (the project's own)."""
    if not name or not name[0].isupper():
        return None
    m = _RE.fullmatch(name)
    if m is None:
        return None
    return _TOOLS[int(m.lastgroup[1:])][1]


def message(name: str, tool: str) -> str:
    return f"'{name}' is an environment variable {tool} sets: kept"

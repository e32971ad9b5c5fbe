"""GitHub Actions workflows (``.github/workflows/*.yml``).

GitHub's: every keyword (``on`` and its events, ``jobs``, ``runs-on``, ``steps``, ``needs``,
``uses``, ``with``, ``env``, ``strategy``, ``matrix``, ``timeout-minutes``, ``continue-on-error``,
``permissions`` ...), event names and permission values, the ``uses:`` reference of a third-party
action or reusable workflow and the input names it defines (``with:``), and GitHub's parts of
expressions (see ``_github``). The user's: job ids (keys under the top-level ``jobs:``) and the
``needs:`` values naming them, step ids, output, input, secret, matrix and variable names, and
every other value (names, scripts, paths).
"""

from runsmig.languages.schemas import Schema
from runsmig.languages.schemas._github import (
    CONTAINER,
    ENV,
    IF,
    PERMISSIONS,
    STEP,
    USES,
    inputs,
    secrets,
    value,
)
from runsmig.languages.schemas.shapes import EXT, TOOL, Keys, Names, Value

EVENT = Keys({
    "inputs": Names(TOOL),  # workflow_dispatch / workflow_call inputs: the user's names
    "outputs": Names(TOOL),
    "secrets": Names(TOOL),
    "types": Value(EXT),  # activity types
    "workflows": TOOL,  # workflow_run: the user's workflow names (values)
})
ON = Keys(other=EVENT, value=EXT)  # every event name is GitHub's, in a list or as a key

JOB = Keys({
    "if": IF,
    "needs": TOOL,  # the key is GitHub's; its values are the user's job ids
    "permissions": PERMISSIONS,
    "outputs": Names(),
    "env": ENV,
    "steps": STEP,
    "strategy": Keys({"matrix": Names(include=Names(), exclude=Names())}),
    "container": CONTAINER,
    "services": Names(CONTAINER),
    "uses": USES,  # a reusable workflow
    "with": inputs,
    "secrets": secrets,
})

WORKFLOW = Keys({
    "on": ON,
    "permissions": PERMISSIONS,
    "env": ENV,
    "jobs": Names(JOB),  # the job ids are the user's
})

SCHEMA = Schema(
    name="GitHub Actions workflow",
    owner="GitHub Actions",
    format="yaml",
    patterns=(".github/workflows/*.yml", ".github/workflows/*.yaml"),
    shape=WORKFLOW,
    default=value,
    priority=10,
)

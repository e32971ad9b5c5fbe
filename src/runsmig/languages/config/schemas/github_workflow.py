"""GitHub Actions workflows (``.github/workflows/*.yml``).

GitHub's: every keyword (``on`` and its events, ``jobs``, ``runs-on``, ``steps``, ``needs``,
``uses``, ``with``, ``env``, ``strategy``, ``matrix``, ``timeout-minutes``, ``continue-on-error``,
``permissions`` ...), event names and permission values, the ``uses:`` reference of a third-party
action or reusable workflow and the input names it defines (``with:``), and GitHub's parts of
expressions (see ``_github``). The user's: job ids (keys under the top-level ``jobs:``) and the
``needs:`` values naming them, step ids, output, input, secret, matrix and variable names, and
every other value (scripts, paths), but for GitHub's words (``VOCABULARY``: "job") in free text: a
comment, the workflow's, a job's or a step's ``name:``, ``run-name:``, a ``description:``, a
script's comments and ``echo`` lines ("the needed jobs succeeded", "# the release job").
"""

from runsmig.languages.config.schemas import Schema
from runsmig.languages.config.schemas._github import (
    CONTAINER,
    DESCRIBED,
    ENV,
    IF,
    NAME,
    PERMISSIONS,
    STEP,
    USES,
    VOCABULARY,
    inputs,
    secrets,
    value,
)
from runsmig.languages.config.schemas.shapes import EXT, TOOL, Keys, Names, Value

EVENT = Keys({
    "inputs": Names(DESCRIBED),  # workflow_dispatch / workflow_call inputs: the user's names
    "outputs": Names(DESCRIBED),
    "secrets": Names(DESCRIBED),
    "types": Value(EXT),  # activity types
    "workflows": TOOL,  # workflow_run: the user's workflow names (values)
})
ON = Keys(other=EVENT, value=EXT)  # every event name is GitHub's, in a list or as a key

JOB = Keys({
    "name": NAME,
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
    "name": NAME,
    "run-name": NAME,
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
    vocabulary=VOCABULARY,
)

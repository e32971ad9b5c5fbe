"""GitLab CI (``.gitlab-ci.yml``, ``*.gitlab-ci.yml`` and the YAML files under ``.gitlab/`` that
pipelines include; ``.gitlab/agents/`` holds agent configs, not CI).

GitLab's: the global keywords (``stages``, ``default``, ``include``, ``workflow``, ``variables``,
``spec`` ...), every job keyword (``script``, ``stage``, ``needs``, ``rules``, ``only``, ``except``,
``artifacts``, ``parallel``, ``trigger``, ``dependencies``, ``extends``, ``when`` ...) and the
keywords inside them (``needs: [{job: build}]``, ``workflow:auto_cancel:on_job_failure``), the
references of included templates, components and other projects, images, and GitLab's predefined
variables (``$CI_JOB_NAME``, ``$CI_JOB_TOKEN`` ...) anywhere in a value. The user's: job names
(every other top-level key, hidden ``.jobs`` templates too) and the ``needs``/``dependencies``/
``extends`` values naming them, stage names, variable and matrix names, local include paths,
scripts and other values, but for GitLab's words (``VOCABULARY``: job, pipeline, stage, runner) in
free text: comments, ``description:``, ``workflow:name``, a release's name and description, the
comments and ``echo`` lines of scripts ("echo the deploy job starts").
"""

import re

from runsmig.languages.config.schemas import Schema, _prose
from runsmig.languages.config.schemas.shapes import (
    EXT,
    FREE,
    TOOL,
    Keys,
    Map,
    Names,
    Scalar,
    Text,
    Value,
)

# GitLab CI's own words: in free text (comments, descriptions, script comments and echo lines) they are its
VOCABULARY = ("job", "jobs", "pipeline", "pipelines", "stage", "stages", "runner", "runners")

_PREDEFINED = re.compile(r"(?<![A-Za-z0-9_])CI_JOB_[A-Z0-9_]+")


def predefined(text: str, node: Scalar) -> list[tuple[int, int]]:
    if "CI_JOB_" not in node.value:
        return []
    return [m.span() for m in _PREDEFINED.finditer(text, node.start, node.end)]


def _inputs(parent: Map):
    """``include: [{local: ..., inputs: {...}}]``: a local template's inputs are the user's; those
    of a project, remote, template or component include are its own."""
    if parent.get("local") is not None:
        return Names()
    ref = parent.text("component") or parent.text("project") or parent.text("remote") or parent.text("template") or ""
    return Keys(owner=f"the included '{ref}'")


_INPUT = re.compile(r"\$\[\[.*?\]\]", re.DOTALL)  # $[[ inputs.x ]]: code
TEXT = Text(_prose.text(exclude=_INPUT))
SCRIPT = Text(_prose.script(exclude=_INPUT))  # script lines: their comments and echo lines are free text
DESCRIBED = Keys({"description": TEXT})
VARIABLES = Names(DESCRIBED)  # names are the user's; {value, description, options, expand} are GitLab's
MATRIX = Keys({"matrix": Names()})
NEEDS = Keys({"parallel": MATRIX})  # job, artifacts, optional, pipeline, project, ref: GitLab's
RULES = Keys({"needs": NEEDS, "variables": VARIABLES})
REGISTRY = "the image's registry"
IMAGE = Keys({"name": Value(EXT, owner=REGISTRY)}, value=EXT, owner=REGISTRY)
ELSEWHERE = Value(EXT, owner="another project, template or component")
INCLUDE = Keys({
    "project": ELSEWHERE, "file": ELSEWHERE, "remote": ELSEWHERE, "template": ELSEWHERE,
    "component": ELSEWHERE, "inputs": _inputs, "rules": RULES,
})

JOB = Keys({
    "variables": VARIABLES,
    "needs": NEEDS,
    "rules": RULES,
    "parallel": MATRIX,
    "image": IMAGE,
    "services": Keys({"name": Value(EXT, owner=REGISTRY), "variables": VARIABLES}, value=EXT, owner=REGISTRY),
    "secrets": Names(TOOL),
    "id_tokens": Names(TOOL),
    "trigger": Keys({"include": INCLUDE, "project": ELSEWHERE}),
    "inherit": Keys({"variables": TOOL}),
    "run": FREE,  # CI steps: inputs of the steps
    "script": SCRIPT,
    "before_script": SCRIPT,
    "after_script": SCRIPT,
    "release": Keys({"name": TEXT, "description": TEXT}),
})

PIPELINE = Keys({
    "default": JOB,
    "include": INCLUDE,
    "stages": TOOL,  # the stage names (values) are the user's
    "variables": VARIABLES,
    "workflow": Keys({"name": TEXT, "rules": RULES, "auto_cancel": Keys(value=EXT, other=Value(EXT))}),
    "spec": Keys({"inputs": Names(DESCRIBED)}),
    "image": IMAGE,
    "services": JOB.fields["services"],
    "cache": TOOL,
    "before_script": SCRIPT,
    "after_script": SCRIPT,
}, names=JOB)  # every other top-level key is a job (or a hidden .template): its name is the user's

SCHEMA = Schema(
    name="GitLab CI pipeline",
    owner="GitLab CI",
    format="yaml",
    patterns=(".gitlab-ci.yml", ".gitlab-ci.yaml", "*.gitlab-ci.yml", "*.gitlab-ci.yaml",
              ".gitlab/**/*.yml", ".gitlab/**/*.yaml", "!.gitlab/agents/"),
    shape=PIPELINE,
    default=predefined,
    vocabulary=VOCABULARY,
)

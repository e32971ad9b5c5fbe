"""Config formats whose shape is read from a maintained catalog of JSON Schemas (SchemaStore's, as
the check-jsonschema package vendors them): Read the Docs, CircleCI, Azure Pipelines, Bitbucket
Pipelines, Travis CI, Buildkite, Drone, Woodpecker, Google Cloud Build, dependabot, Renovate,
Codecov, Mergify, Task, Snapcraft and GitHub's issue forms.

Each entry here is only where the files are and what the schema is called: which keys are the
tool's, which are the user's names and which values are the tool's all come from the schema
(:mod:`.jsonshape`). A schema is read when a file of its format is first analysed.
The hand-written schemas of this package (GitHub workflows and actions, GitLab CI, Compose,
package.json, pyproject.toml) win where both match: they know more than a schema says (GitHub's
expressions, GitLab's predefined variables, the vocabulary of their prose).
"""

from __future__ import annotations

from functools import lru_cache

from runsmig.languages.config.schemas import Schema
from runsmig.languages.config.schemas.jsonshape import JsonShape, vendored

# (vendored schema, name, owner, format, file patterns, the tool's own words in its files' free text)
_CI_WORDS = ("job", "jobs")
ENTRIES = (
    ("readthedocs", "Read the Docs configuration", "Read the Docs", "yaml",
     (".readthedocs.yaml", ".readthedocs.yml"), ()),
    ("circle-ci", "CircleCI configuration", "CircleCI", "yaml",
     (".circleci/config.yml", ".circleci/config.yaml"), _CI_WORDS),
    ("azure-pipelines", "Azure Pipelines", "Azure Pipelines", "yaml",
     ("azure-pipelines.yml", "azure-pipelines.yaml", ".azure-pipelines/**/*.yml", ".azure-pipelines/**/*.yaml"),
     _CI_WORDS),
    ("bitbucket-pipelines", "Bitbucket Pipelines", "Bitbucket Pipelines", "yaml",
     ("bitbucket-pipelines.yml", "bitbucket-pipelines.yaml"), ()),
    ("travis", "Travis CI configuration", "Travis CI", "yaml", (".travis.yml", ".travis.yaml"), _CI_WORDS),
    ("buildkite", "Buildkite pipeline", "Buildkite", "yaml",
     (".buildkite/pipeline*.yml", ".buildkite/pipeline*.yaml", "buildkite.yml", "buildkite.yaml"), ()),
    ("drone-ci", "Drone pipeline", "Drone", "yaml", (".drone.yml", ".drone.yaml"), ()),
    ("woodpecker-ci", "Woodpecker pipeline", "Woodpecker", "yaml",
     (".woodpecker.yml", ".woodpecker.yaml", ".woodpecker/*.yml", ".woodpecker/*.yaml"), ()),
    ("cloudbuild", "Google Cloud Build configuration", "Google Cloud Build", "yaml",
     ("cloudbuild.yml", "cloudbuild.yaml"), ()),
    ("dependabot", "dependabot configuration", "dependabot", "yaml",
     (".github/dependabot.yml", ".github/dependabot.yaml"), ()),
    ("renovate", "Renovate configuration", "Renovate", "json",
     ("renovate.json", ".renovaterc.json", ".github/renovate.json", ".gitlab/renovate.json"), ()),
    ("codecov", "Codecov configuration", "Codecov", "yaml",
     ("codecov.yml", "codecov.yaml", ".codecov.yml", ".codecov.yaml"), ()),
    ("mergify", "Mergify configuration", "Mergify", "yaml",
     (".mergify.yml", ".mergify/config.yml", ".github/mergify.yml"), ()),
    ("taskfile", "Task file", "Task", "yaml",
     ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml", "Taskfile.dist.yml", "Taskfile.dist.yaml"),
     ()),
    ("snapcraft", "Snapcraft recipe", "Snapcraft", "yaml", ("snapcraft.yaml", "snap/snapcraft.yaml"), ()),
    ("github-issue-forms", "GitHub issue form", "GitHub issue forms", "yaml",
     (".github/ISSUE_TEMPLATE/*.yml", ".github/ISSUE_TEMPLATE/*.yaml", "!.github/ISSUE_TEMPLATE/config.yml",
      "!.github/ISSUE_TEMPLATE/config.yaml"), ()),
    ("github-issue-config", "GitHub issue template chooser", "GitHub issue forms", "yaml",
     (".github/ISSUE_TEMPLATE/config.yml", ".github/ISSUE_TEMPLATE/config.yaml"), ()),
)


@lru_cache(maxsize=None)
def _root_shape(name: str) -> JsonShape:
    return JsonShape.of(vendored(name))


def _shape(name: str):
    return lambda docs: _root_shape(name)


SCHEMAS = tuple(
    Schema(name=title, owner=owner, format=fmt, patterns=patterns, shape=_shape(vendor), priority=-1,
           vocabulary=words)
    for vendor, title, owner, fmt, patterns, words in ENTRIES
)

"""``pyproject.toml``.

The packaging standards' and other tools': the keys of ``[project]`` and ``[build-system]``
(PEP 621, PEP 518), the ``build-backend``, trove classifiers, every requirement that names a
third-party package (``[project] dependencies`` and ``optional-dependencies``, ``[build-system]
requires``, ``[dependency-groups]``, and any ``dependencies``/``requires``/``*-dependencies`` list
or table inside a tool's table: ``"bull-jobs>=1"`` stays whole), and every key of another tool's
table: ``[tool.<name>]`` belongs to that tool (``[tool.pytest.ini_options]``, ``[tool.ruff]``,
``[tool.mypy]`` ... and the ``<name>`` itself).

The user's: the project's own ``name`` and a requirement on it (``ade-jobs[extra]``), script and
entry point names, extra and dependency group names, URL labels, the project's own tool table
(``[tool.<its name>]``, or a dash-prefix of its name that is no known tool: ``[tool.ade]`` in
``ade-api``; its keys are the project's own settings), and every value in the other tools' tables (paths,
module names, markers), plus the keys those tools take from the project: ruff's
``per-file-ignores`` paths, setuptools' ``package-data``/``package-dir`` packages, Poetry, PDM and
poe script names, Poetry groups, Hatch and tox environments and their scripts, coverage's
``paths`` labels, and ``[tool.uv.sources]`` entries that point at the checkout (``path`` or
``workspace``).
"""

from __future__ import annotations

import re

from runsmig.languages.config.schemas import Schema
from runsmig.languages.config.schemas.shapes import (
    EXT,
    FREE,
    SELF,
    TOOL,
    Ext,
    Keys,
    Map,
    Names,
    Node,
    Pick,
    Scalar,
    Shape,
    Value,
    nested,
)

_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
REQUIREMENT_KEYS = ("dependencies", "dev-dependencies", "requires", "build-requires", "extra-dependencies",
                    "constraint-dependencies", "override-dependencies", "build-constraint-dependencies",
                    "test-requires", "setup-requires", "install-requires")
PACKAGE = "a third-party package"


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# tools whose name is never the project's own family prefix (a project "pytest-jobs" is not pytest)
KNOWN_TOOLS = frozenset({
    "pytest", "ruff", "mypy", "black", "isort", "coverage", "poetry", "setuptools", "setuptools-scm", "hatch",
    "pdm", "uv", "flit", "maturin", "scikit-build", "cibuildwheel", "pyright", "pylint", "flake8", "bandit",
    "codespell", "towncrier", "commitizen", "bumpversion", "semantic-release", "tox", "nox", "pydocstyle",
    "interrogate", "vulture", "yapf", "autopep8", "docformatter", "pycln", "importlinter", "deptry", "typos",
    "sphinx", "mkdocs", "pyupgrade", "poe", "rye", "pixi", "check-manifest", "pip-tools", "django-stubs",
})


def own_names(docs: list[Node]) -> tuple[set[str], set[str]]:
    """The project's own distribution name(s) ([project] name, [tool.poetry] name), and the family
    prefixes of them that name its own ``[tool.<prefix>]`` table (``ade`` for ``ade-api``)."""
    root = docs[0] if docs and isinstance(docs[0], Map) else Map()
    names: set[str] = set()
    for table in (root.get("project"), _get(root, "tool", "poetry")):
        if isinstance(table, Map) and (n := table.text("name")):
            names.add(normalize(n))
    parts = [n.split("-") for n in names]
    prefixes = {"-".join(p[:i]) for p in parts for i in range(1, len(p))} - KNOWN_TOOLS
    return names, names | prefixes


def _get(m: Map, *keys: str):
    for k in keys:
        if not isinstance(m, Map):
            return None
        m = m.get(k)
    return m


def shape(docs: list[Node]) -> Shape:
    own, own_tools = own_names(docs)

    def requirement(text: str, node: Scalar) -> list[tuple[int, int]]:
        m = _NAME.match(node.value)
        if m and normalize(m.group(1)) in own:
            return []  # the project's own name: renamed with [project] name
        return [(node.start, node.end)]

    def package(name: str, parent: Map) -> tuple[bool, Shape]:
        """A requirement table's key ([tool.poetry.dependencies], [tool.uv.sources]): a package name,
        the user's when it is the project's own or points into the checkout."""
        if name == "include-group":
            return True, TOOL
        v = parent.get(name)
        local = isinstance(v, Map) and any(v.get(k) is not None for k in ("path", "workspace", "develop"))
        if normalize(name) in own or local:
            return False, TOOL
        return True, Ext(PACKAGE)

    req = Pick(package, value=requirement, owner=PACKAGE)
    table = Keys({k: req for k in REQUIREMENT_KEYS}, other=SELF)  # another tool's table, at any depth
    env = Keys({"scripts": Names()}, other=table)
    user_keys: dict[str, Shape] = {
        "ruff": nested({p: Names() for p in ("per-file-ignores", "extend-per-file-ignores",
                                             "lint.per-file-ignores", "lint.extend-per-file-ignores")}, table),
        "setuptools": nested({p: Names() for p in ("package-data", "exclude-package-data", "package-dir",
                                                   "data-files")}, table),
        "poetry": nested({"scripts": Names(), "extras": Names(), "group": Names(table),
                          "plugins": Keys(other=Names())}, table),
        "pdm": nested({"scripts": Names()}, table),
        "poe": nested({"tasks": Names()}, table),
        "hatch": nested({"envs": Names(env), "build.force-include": Names()}, table),
        "tox": nested({"env": Names(env)}, table),
        "coverage": nested({"paths": Names()}, table),
        "uv": nested({"sources": Pick(package)}, table),
    }

    def tool(name: str, parent: Map) -> tuple[bool, Shape]:
        if normalize(name) == "runsmig":  # the migration's own settings (its recipe path names the old term)
            return True, Ext("runsmig's own settings ([tool.runsmig])")
        if normalize(name) in own_tools:
            return False, FREE  # [tool.<own name>]: the project's own settings
        sh = user_keys.get(name, table)
        return True, Keys(sh.fields, names=sh.names, other=sh.other, owner=f"the tool '{name}' ([tool.{name}])")

    project = Keys({
        "name": FREE,
        "dependencies": req,
        "optional-dependencies": Names(req),
        "scripts": Names(),
        "gui-scripts": Names(),
        "entry-points": Names(Names()),
        "urls": Names(),
        "classifiers": Value(EXT, owner="PyPI's trove classifiers"),
        "dynamic": Value(EXT),
    })
    return Keys({
        "project": project,
        "build-system": Keys({"requires": req, "build-backend": Value(EXT, owner="the build backend")}),
        "dependency-groups": Names(req),
        "tool": Pick(tool),
    })


SCHEMA = Schema(
    name="pyproject.toml",
    owner="the pyproject.toml standard (PEP 518/621)",
    format="toml",
    patterns=("pyproject.toml",),
    shape=shape,
)

"""Find a checkout's Alembic environment and its head, with Alembic's own API (no env.py run).

Finding the environment reads alembic.ini with configparser; Alembic is imported only once one
is found (a checkout without one never loads Alembic or SQLAlchemy)."""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from runsmig.errors import RefusedError, UsageError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", "dist", "build"}


@dataclass(frozen=True)
class AlembicEnv:
    root: Path  # checkout root
    ini: Path
    script_location: Path
    versions: Path  # the folder new revisions go into
    template: Path  # script.py.mako

    @property
    def ini_rel(self) -> str:
        return self.ini.relative_to(self.root).as_posix()

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def config(self) -> Config:
        from alembic.config import Config

        cfg = Config(str(self.ini))
        cfg.set_main_option("script_location", str(self.script_location))
        return cfg

    def script(self) -> ScriptDirectory:
        from alembic.script import ScriptDirectory
        from alembic.util import CommandError

        try:
            return ScriptDirectory.from_config(self.config())
        except CommandError as exc:
            raise RefusedError(f"Alembic cannot read the migration environment: {exc}", self.ini_rel) from None


def find_ini_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        if "alembic.ini" in filenames:
            found.append(Path(dirpath) / "alembic.ini")
    return sorted(found)


def _script_location(ini: Path) -> Path | None:
    parser = configparser.ConfigParser(defaults={"here": str(ini.parent)}, interpolation=configparser.BasicInterpolation())
    try:
        parser.read(ini, encoding="utf-8")
        loc = parser.get("alembic", "script_location", fallback=None)
    except (configparser.Error, UnicodeDecodeError):
        return None
    if not loc:
        return None
    if ":" in loc and not Path(loc).is_absolute() and not (ini.parent / loc).exists():
        return None  # package resource form (pkg:folder) - not supported
    path = Path(loc)
    return (path if path.is_absolute() else ini.parent / path).resolve()


def find_environments(root: Path) -> list[AlembicEnv]:
    root = root.resolve()
    envs = []
    for ini in find_ini_files(root):
        loc = _script_location(ini)
        if loc is None or not (loc / "env.py").is_file():
            continue
        template = loc / "script.py.mako"
        env = AlembicEnv(root, ini.resolve(), loc, loc / "versions", template)
        try:
            versions = env.script().versions
            env = AlembicEnv(root, ini.resolve(), loc, Path(versions).resolve(), template)
        except RefusedError:
            pass
        envs.append(env)
    return envs


def select_environment(root: Path, ini: str | None = None) -> AlembicEnv | None:
    """The one Alembic environment of a checkout; None if it has none; an error if ambiguous."""
    envs = find_environments(root)
    if ini is not None:
        want = (root / ini).resolve()
        for e in envs:
            if e.ini == want:
                return e
        raise UsageError(f"'{ini}' is not an Alembic environment of this checkout", path=str(root))
    if not envs:
        return None
    if len(envs) > 1:
        names = ", ".join(e.ini_rel for e in envs)
        raise UsageError(
            f"several Alembic environments: {names}",
            path=str(root),
            hint="choose one with 'database: {env: <path to alembic.ini>}' in the recipe or --ini",
        )
    return envs[0]


def resolve_head(script: ScriptDirectory, head: str | None, where: str) -> str:
    from alembic.util import CommandError

    heads = list(script.get_heads())
    if head is not None:
        try:
            rev = script.get_revision(head)
        except CommandError as exc:
            raise UsageError(f"--head {head}: {exc}", path=where) from None
        if rev is None:
            raise UsageError(f"--head {head}: no such revision", path=where)
        return rev.revision
    if not heads:
        raise RefusedError("the migration environment has no revisions", path=where)
    if len(heads) > 1:
        raise RefusedError(
            f"the migration environment has several heads: {', '.join(sorted(heads))}",
            path=where,
            hint="merge them ('alembic merge heads') or choose one with --head REV",
        )
    return heads[0]

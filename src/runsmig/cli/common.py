"""Options and helpers shared by command modules."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import typer

from runsmig.errors import PathNotFound

PathArg = typer.Argument(Path("."), help="Root of the checkout (default: current folder).", show_default=False)
RecipeOpt = typer.Option(None, "--recipe", help="Recipe file or folder (default: the bundled jobs-to-runs recipe).")
RegenerateOpt = typer.Option(
    True, "--regenerate/--no-regenerate",
    help="Run the recipe's 'generated:' commands on the migrated code in a temporary copy, and plan their output "
         "(default); --no-regenerate keeps the structural rewrite of generated files.")


HeadOpt = typer.Option(None, "--head", help="Chain the generated Alembic revisions to this revision "
                       "(needed when the environment has several heads).")
JobsHistoryOpt = typer.Option(None, "--jobs-history", help="migrate (carry job rows into runs) or discard "
                              "(default: the recipe's, else migrate).")
NoCacheOpt = typer.Option(False, "--no-cache", help="Analyse every file again: neither read nor write the result "
                          "cache ($RUNSMIG_CACHE_DIR, else ~/.cache/runsmig; never in the checkout).")
QuietOpt = typer.Option(False, "-q", "--quiet", help="No progress bar (it shows on stderr only when stderr is a "
                       "terminal, outside CI, once the work lasts half a second).")


def generator_options(head: str | None, jobs_history: str | None) -> dict:
    from runsmig.errors import UsageError

    if jobs_history is not None and jobs_history not in ("migrate", "discard"):
        raise UsageError(f"--jobs-history '{jobs_history}': use migrate or discard")
    return {"head": head, "jobs_history": jobs_history}


def checkout_root(path: Path) -> Path:
    if not path.exists() or not path.is_dir():
        raise PathNotFound(str(path))
    return path.resolve()


@dataclass(frozen=True)
class Target:
    """What a command works on: the checkout root and, when only some files are named, those files
    (root-relative). ``only is None`` means the whole checkout."""

    root: Path
    only: frozenset[str] | None = None


def resolve_target(paths: list[Path], since: str | None = None) -> Target:
    """The checkout and the files to look at, from ``[PATH|FILE]... [--since REF]``.

    One folder (default: the current one) is the checkout itself, all of it (with ``--since``: its
    files changed since REF). Files, or several paths: the checkout is the git work tree holding
    them (outside git: the current folder), and only the named files, and the files under the named
    folders, are looked at; everything else in the checkout stays context (module resolution, moves,
    conflicts)."""
    from runsmig.discover import changed_since, git_toplevel
    from runsmig.errors import UsageError

    paths = list(paths) or [Path(".")]
    for p in paths:
        if not _there(p):
            raise PathNotFound(str(p))
    if len(paths) == 1 and _is_dir(paths[0]):
        root = checkout_root(paths[0])
        if since is None:
            return Target(root)
        return Target(root, frozenset(changed_since(root, since)))
    absolute = [_absolute(p) for p in paths]
    first = absolute[0] if _is_dir(absolute[0], follow=True) else absolute[0].parent
    root = git_toplevel(first) or Path.cwd().resolve()
    named: list[str] = []
    for p, shown in zip(absolute, paths):
        try:
            rel = p.relative_to(root).as_posix()
        except ValueError:
            raise UsageError("is not inside the checkout " + str(root), path=str(shown),
                             hint="name files of one checkout (its git work tree; outside git, the current folder)") from None
        named.append("" if rel == "." else rel)
    only = _expand(root, named)
    if since is not None:
        only &= set(changed_since(root, since))
    return Target(root, frozenset(only))


def _there(p: Path) -> bool:
    """Whether anything is at ``p`` (a file that cannot be read is there: the run reports it)."""
    try:
        os.lstat(p)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


def _is_dir(p: Path, follow: bool = False) -> bool:
    """A folder (with ``follow``, or a symlink to one); False when it cannot be looked at."""
    try:
        return stat.S_ISDIR(os.stat(p, follow_symlinks=follow).st_mode)
    except OSError:
        return False


def _absolute(p: Path) -> Path:
    """Absolute, with the folders above resolved but a named file itself not followed (a symlink
    stays a symlink, and is skipped like in a whole-checkout run)."""
    a = Path(os.path.abspath(p))
    if _is_dir(a):
        return a.resolve()
    return a.parent.resolve() / a.name


def _expand(root: Path, named: list[str]) -> set[str]:
    """Named files, plus every file under a named folder (as the whole-checkout listing has them)."""
    files = {n for n in named if n and not _is_dir(root / n, follow=True)}
    folders = [n for n in named if not n or _is_dir(root / n)]
    if folders:
        from runsmig.discover import discover

        for rel in discover(root).files:
            if any(not d or rel.startswith(d + "/") for d in folders):
                files.add(rel)
    return files


@dataclass(frozen=True)
class Effective:
    """A command's recipe and workers after ``[tool.runsmig]``: the command line wins over the
    checkout's settings, which win over the defaults. The recipe as each command may use it:
    :meth:`gate_recipe` for ``check`` (data only), :meth:`migration_recipe` for ``plan``/``apply``
    (code only from a trusted recipe, runsmig.trust)."""

    recipe: object  # runsmig.recipe.model.Recipe, with [tool.runsmig] ignore added
    recipe_path: Path | None  # what was loaded (None: the default recipe)
    workers: int | None
    settings: object  # runsmig.settings.Settings, read once
    limits: object = None  # runsmig.limits.Limits: the environment, else [tool.runsmig], else the defaults
    loaded: object = None  # the recipe as loaded, before [tool.runsmig] ignore
    by_checkout: bool = False  # named only by the checkout's own [tool.runsmig] recipe
    in_checkout: bool = False  # its file is inside the checkout (a pull request can edit it)

    def gate_recipe(self, root: Path):
        """The recipe as data (no transforms, no commands), after refusing any entry of the
        checkout's that would turn the gate off (runsmig.narrowing)."""
        from runsmig.narrowing import refuse_catch_alls

        refuse_catch_alls(root, self.loaded, self.settings, self.by_checkout or self.in_checkout)
        return self.recipe.data_only()

    def migration_recipe(self, regenerate: bool = True):
        """The recipe, code and all, when the user chose or trusts it; as data when it holds
        nothing that would run; refused (exit 4) otherwise."""
        from runsmig.errors import UntrustedRecipe
        from runsmig.trust import is_trusted

        if not self.by_checkout or is_trusted(self.recipe.source):
            return self.recipe
        parts = [p for p in self.recipe.code_parts() if regenerate or not p.startswith("regenerate:")]
        if not parts:
            return self.recipe.data_only()
        from runsmig.settings import _shown

        shown = _shown(self.recipe.folder if self.recipe.source.name == "recipe.yaml" else self.recipe.source)
        line, col = self.settings.recipe_at
        raise UntrustedRecipe(f"recipe {shown} runs code ({', '.join(parts[:3])}{', ...' if len(parts) > 3 else ''}) "
                              "and is named only by the checkout's [tool.runsmig] recipe: not run",
                              self.settings.shown, line, col, shown)


def effective(root: Path, recipe: Path | None, workers: int | None, grep_early: bool | None = None) -> Effective:
    """The recipe and settings a command runs with. ``grep_early``: start the candidate grep before
    the recipe is loaded (runsmig.earlygrep); True when the result cache is on, False when off."""
    import dataclasses

    from runsmig.settings import load_settings

    settings = load_settings(root)
    # first wins: --recipe, $RUNSMIG_RECIPE (both from outside the checkout: they pin it), then the
    # checkout's own [tool.runsmig] recipe, then the bundled one
    chosen = recipe if recipe is not None else (Path(os.environ["RUNSMIG_RECIPE"]) if os.environ.get("RUNSMIG_RECIPE")
                                                 else None)
    path = chosen if chosen is not None else settings.recipe
    if grep_early is not None:
        from runsmig.bundled import default_recipe
        from runsmig.cachehome import cache_dir
        from runsmig.earlygrep import start

        start(root, path if path is not None else default_recipe(), cache_dir(root) if grep_early else None)
    from runsmig.limits import resolve
    from runsmig.recipe import load_recipe

    limits = resolve(settings)
    loaded = rec = load_recipe(path)
    if settings.ignore:
        rec = dataclasses.replace(rec, ignore=rec.ignore + tuple(settings.ignore))
    try:
        inside = rec.source.resolve().is_relative_to(root.resolve())
    except OSError:
        inside = True
    return Effective(rec, path, workers if workers is not None else settings.workers, settings, limits, loaded,
                     by_checkout=chosen is None and settings.recipe is not None, in_checkout=inside)

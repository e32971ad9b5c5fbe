"""Recipe templates: ``<recipe>/templates/<checkout path>`` files are created in the
checkout when that path does not exist yet and its parent folder does (new modules,
tests, screens beside the code they belong to; a checkout of another shape gets none)."""

from __future__ import annotations

from pathlib import Path

from runsmig.generators import NewFile


def generate(root: Path, recipe, result, options: dict) -> list[NewFile]:
    tdir = recipe.folder / "templates"
    if not tdir.is_dir():
        return []
    out = []
    for f in sorted(tdir.rglob("*")):
        if not f.is_file() or f.is_symlink() or f.name.endswith((".pyc",)) or "__pycache__" in f.parts:
            continue
        rel = f.relative_to(tdir).as_posix()
        if rel.endswith(".tmpl"):
            rel = rel[: -len(".tmpl")]
        if (root / rel).exists() or not (root / rel).parent.is_dir():
            continue
        out.append(NewFile(rel, f.read_text("utf-8"), (f"template: {rel}",)))
    return out

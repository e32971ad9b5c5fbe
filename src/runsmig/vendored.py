"""Files that are someone else's, or made by a tool, by their names and by ``.gitattributes``:
never edited, never checked; each is skipped with its reason.

- lockfiles, written by package managers (``package-lock.json``, ``yarn.lock``, ``poetry.lock``, …);
- package managers' committed releases and their loaders (``.yarn/releases/``, ``.pnp.cjs``, …);
- minified bundles by name (``*.min.js``, ``*.min.css``) and source maps;
- whatever ``.gitattributes`` marks ``linguist-vendored`` or ``linguist-generated`` (git itself is
  asked, ``git check-attr``, so its pattern rules hold; only when some ``.gitattributes`` names them).

By content (:func:`generated_marker`): a file whose first lines say a tool wrote it (``@generated``,
"Code generated ... DO NOT EDIT", "auto-generated", "do not edit"), unless the recipe's ``generated:``
names it (then the recipe regenerates it).

Rewriting any of these breaks what reads them (a lockfile's integrity hashes, a release's
compressed blobs) and a term in them is not the project's to change.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

LOCKFILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb",
    "poetry.lock", "Pipfile.lock", "pdm.lock", "uv.lock", "Cargo.lock", "composer.lock", "Gemfile.lock",
    "go.sum", "mix.lock", "pubspec.lock", "flake.lock", "deno.lock", "packages.lock.json", "conda-lock.yml",
})
# every lockfile name holds one of these: four searches of the joined list instead of twenty
_LOCK_NEEDLES = (".lock", "-lock.", "shrinkwrap", "go.sum")
_TOOL_FOLDERS = (".yarn/releases/", ".yarn/plugins/", ".yarn/cache/", ".yarn/sdks/", ".yarn/unplugged/")
_LOADERS = re.compile(r"(?:^|/)\.pnp\.(?:c?js|loader\.mjs|data\.json)$")
_MINIFIED = re.compile(r"[.-]min\.(?:js|mjs|cjs|css)$|\.(?:js|mjs|cjs|css)\.map$")
_ATTRS = ("linguist-vendored", "linguist-generated")
_GITATTRIBUTES = re.compile(r"(?m)(?:^|/)\.gitattributes$")


def reason(rel: str) -> str | None:
    """Why a file is skipped by its name alone, or None."""
    base = rel.rsplit("/", 1)[-1]
    if base in LOCKFILES:
        return "lockfile (written by a package manager)"
    if any(rel.startswith(f) or f"/{f}" in rel for f in _TOOL_FOLDERS):
        return "a package manager's committed release or cache (.yarn/)"
    if _LOADERS.search(rel):
        return "a package manager's generated loader (.pnp.*)"
    if _MINIFIED.search(base):
        return "minified bundle or source map"
    return None


_ANY = re.compile(  # all but the lockfiles (a set lookup): each branch starts with '.' or '-'
    r"(?m)\.yarn/(?:releases|plugins|cache|sdks|unplugged)/"
    r"|\.pnp\.(?:c?js|loader\.mjs|data\.json)$"
    r"|[.-]min\.(?:m?js|cjs|css)$|\.(?:m?js|cjs|css)\.map$")


def by_name(names: list[str], joined: str | None = None) -> dict[str, str]:
    """rel -> reason, for the files :func:`reason` skips. One substring search of the joined list
    (``joined``: the names joined by line breaks, when the caller has it) for each lockfile name and
    each other kind, then an exact look per path only when one is found: a regular expression tried
    at every position of 50,000 paths cost 80 ms, a base-name lookup per path 15 ms."""
    joined = "\n".join(names) if joined is None else joined
    hits = [rel for rel in names if rel[rel.rfind("/") + 1:] in LOCKFILES] \
        if any(n in joined for n in _LOCK_NEEDLES) else []
    if any(n in joined for n in (".yarn/", ".pnp.", ".min.", "-min.", ".map")):
        from runsmig.pathmatch import paths_matching

        hits += paths_matching(names, _ANY)
    out = {}
    for rel in hits:
        why = reason(rel)
        if why:
            out[rel] = why
    return out


def by_attributes(root: Path, names: list[str], git: bool, joined: str | None = None) -> dict[str, str]:
    """rel -> reason, for the files ``.gitattributes`` marks vendored or generated. Git answers (its
    own pattern rules, every ``.gitattributes`` of the tree); asked only when one of them names the
    attributes at all."""
    if not git:
        return {}
    from runsmig.pathmatch import paths_matching

    marked = False
    if ".gitattributes" not in ("\n".join(names) if joined is None else joined):
        return {}
    for rel in paths_matching(names, _GITATTRIBUTES):
        if rel == ".gitattributes" or rel.endswith("/.gitattributes"):
            try:
                text = (root / rel).read_bytes()
            except OSError:
                continue
            marked = marked or any(a.encode() in text for a in _ATTRS)
    if not marked:
        return {}
    proc = subprocess.run(["git", "check-attr", "-z", "--stdin", *_ATTRS], cwd=root,
                          input="\0".join(names).encode("utf-8", "surrogateescape"), capture_output=True, check=False)
    if proc.returncode != 0:
        return {}
    out: dict[str, str] = {}
    fields = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    for i in range(0, len(fields) - 2, 3):
        rel, attr, value = fields[i], fields[i + 1], fields[i + 2]
        if value not in ("unspecified", "unset", "false"):
            out.setdefault(rel, f"{attr} in .gitattributes")
    return out


_MARKER = re.compile(rb"(?<![\w@/-])@generated(?![\w/-])|do not edit|auto-?generated|automatically generated|code generated by",
                     re.IGNORECASE)


# a documentation generator's credit, which it writes in the footer of every page (JSDoc, Doxygen,
# TypeDoc, Sphinx: "Documentation generated by JSDoc", "Generated by doxygen", "Generated using
# TypeDoc", "Created using Sphinx"): HTML pages are looked at in their last lines too
_FOOTER = re.compile(rb"generated (?:by|using|with)\s+(?:<a [^>]*>\s*)?[A-Za-z][\w.-]*"
                     rb"|created using\s+(?:<a [^>]*>\s*)?sphinx", re.IGNORECASE)
_HTML = (b"<!doctype html", b"<html")


def generated_marker(data: bytes) -> str | None:
    """Why these bytes are a tool's output, by a marker in their first five lines, or, for an HTML
    page, a generator's credit in its last 2 KB (None: no marker)."""
    head = b"\n".join(data[:1000].split(b"\n")[:5])
    m = _MARKER.search(head)
    if m is not None:
        return f"generated file ('{m.group(0).decode('ascii', 'replace')}' in its first lines); regenerate it"
    if data[:200].lstrip().lower().startswith(_HTML):
        m = _FOOTER.search(data[-2048:])
        if m is not None:
            credit = re.sub(rb"<a [^>]*>\s*", b"", m.group(0)).decode("ascii", "replace")
            return f"generated page ('{credit}' in its footer); regenerate it"
    return None


assert all(any(n in lf for n in _LOCK_NEEDLES) for lf in LOCKFILES), "a lockfile name no needle finds"

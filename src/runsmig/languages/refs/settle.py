"""Before any file is analysed: the moves no reference may lose.

For every planned move, the files that can refer to it are the candidates of the run's one scan
(they hold a term, or the name of a path an explicit recipe entry moves). Among them, a reference
to a moving file or folder that cannot be followed safely makes that move a ``conflict``: the file
stays where it is (and so, by :mod:`.follow`, does every reference to it). It cannot be followed
when it is:

* built from pieces (``require('./img/' + name + '.svg')``, ``\\`./img/${name}.svg\\```, an
  f-string) and the part of the path the move changes falls in a piece only known at run time, or
  the term map's rewrite of its static text does not name the new path;
* a glob that matches the old path and, as the term map rewrites it, not the new one;
* static but ambiguous: it names files under two roots (``/img/x.svg`` with both ``static/img/``
  and ``img/`` there), or it names a folder whose files would not move together;
* static, read from a web root or an alias folder the new path leaves.

A move named by an explicit recipe entry is not undone (the recipe asked for it): the reference
is reported as a ``follow-up`` instead. Only files that move are looked for; a run without moves
reads nothing here.
"""

from __future__ import annotations

import re
from pathlib import Path

from runsmig.findings import Finding, LineIndex
from runsmig.languages.refs import patterns
from runsmig.languages.refs.resolve import (
    Target,
    location,
    narrow,
    resolve,
    tree,
    written,
)
from runsmig.languages.refs.tokens import around, dynamic

MAX_BYTES = 1_000_000  # a larger file is not read here (the analyzer scans it as text anyway)


def moved_names(moves: dict[str, str]) -> set[str]:
    """The names (lowercase) a reference to a moving path must hold: each segment of an old
    path that its new path does not keep."""
    out: set[str] = set()
    for old, new in moves.items():
        kept = set(new.split("/"))
        out.update(seg.lower() for seg in old.split("/") if seg not in kept)
    return out


def names_re(names: set[str]) -> re.Pattern | None:
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def settle(root: Path, paths, files: frozenset[str], candidates, recipe, engine, explicit: frozenset[str],
           git: bool = False) -> None:
    """Undo the moves a reference cannot follow (``paths``: runsmig.paths.PathPlan, changed in
    place: its ``moves`` dict is replaced, conflicts and follow-ups added to its ``findings``)."""
    if not paths.moves:
        return
    # a path built from pieces need not hold the term: it names a folder above a moving file
    # (``'./img/' + name``); those files are found by one more search
    more = _built_paths(root, files, paths.moves, git)
    texts = _read(root, sorted(c for c in set(candidates) | more if c not in paths.deletes))
    if not texts:
        return
    moves = dict(paths.moves)
    deletes = frozenset(paths.deletes)
    t = tree(files)
    reported: set[tuple[str, str, int]] = set()
    names = names_re(moved_names(moves))
    statics = {rel: _statics(text, names) for rel, text in texts.items()} if names else {}
    dynamics = {rel: dynamic(text) for rel, text in texts.items()}
    indexes: dict[str, LineIndex] = {}

    def line_of(rel: str, offset: int) -> tuple[int, int]:
        if rel not in indexes:
            indexes[rel] = LineIndex(texts[rel])
        return indexes[rel].pos(offset)

    def block(victims: set[str], rel: str, offset: int, text: str, why: str) -> bool:
        changed = False
        line, col = line_of(rel, offset)
        for v in sorted(victims):
            if v not in moves:
                continue
            if (v, rel, line) in reported:
                continue
            reported.add((v, rel, line))
            if v in explicit:
                paths.findings.append(Finding(rel, line, col, text, "path", None, "follow-up",
                                              f"reference '{text}' cannot follow '{v}' -> '{moves[v]}' ({why}): "
                                              f"change it by hand"))
                continue
            paths.findings.append(Finding(rel, line, col, text, "path", moves[v], "conflict",
                                          f"rename conflict: '{v}' is not moved to '{moves[v]}': the reference "
                                          f"'{text}' at {rel}:{line} cannot follow it ({why}); resolve it with "
                                          f"an explicit recipe entry"))
            del moves[v]
            changed = True
        return changed

    for _ in range(8):  # undoing a move can split a folder another reference names: a few rounds settle it
        changed = False
        for rel, toks in statics.items():
            for tok in toks:
                changed |= _static_check(t, moves, deletes, files, rel, tok, block)
        for rel, dyns in dynamics.items():
            for d in dyns:
                changed |= _dynamic_check(t, moves, rel, d, texts[rel], engine, block)
        if not changed:
            break
    if len(moves) != len(paths.moves):
        paths.moves = moves


def _statics(text: str, names: re.Pattern) -> list:
    low = text.lower()
    return around(text, [m.start() for m in names.finditer(low)])


def _affected(t, moves: dict[str, str], target: Target) -> set[str]:
    """The moving files a target is or holds."""
    if target.path in t.files:
        return {target.path} if target.path in moves else set()
    return {f for f in t.under(target.path) if f in moves}


def _static_check(t, moves, deletes, files, rel, tok, block) -> bool:
    targets = resolve(files, rel, tok.text)
    if not targets:
        return False
    hit = [(x, _affected(t, moves, x)) for x in targets]
    if not any(a for _, a in hit):
        return False
    if len(targets) > 1:
        roots = ", ".join(f"'{x.path}'" for x in targets)
        return block(set().union(*(a for _, a in hit)), rel, tok.start, tok.text, f"it may name {roots}")
    target, victims = hit[0]
    new_path, why = location(t, moves, deletes, target.path)
    if new_path is None:
        if "deleted" in why:
            return False  # the language passes report a reference to what the recipe deletes
        return block(victims, rel, tok.start, tok.text, why)
    new_referrer = moves.get(rel, rel)
    if written(tok.text, target, new_path, new_referrer) is None:
        return block(victims, rel, tok.start, tok.text,
                     f"'{new_path}' is outside '{target.base}/', which '{target.prefix}' names")
    return False


def _dynamic_check(t, moves, rel, d, text, engine, block) -> bool:
    found = patterns.bases(d, rel, lambda folder: t.kind(folder) == "folder")
    if not found:
        return False
    written_text = text[d.start:d.end]
    new_pieces = tuple(None if p is None else engine.rewrite(p) for p in d.pieces)
    changed = False
    new_here_rel = moves.get(rel, rel)
    for base, head in found:
        rx = patterns.regex(base, head, d.pieces, d.glob)
        after = patterns.bases(type(d)(d.start, d.end, new_pieces, d.glob), new_here_rel,
                               lambda folder: True)
        rx_after = [patterns.regex(b2, h2, new_pieces, d.glob) for b2, h2 in (after or [])]
        for old in [m for m in moves if rx.match(m)]:
            new = moves[old]
            m = rx.match(old)
            if d.glob:
                ok = any(r.match(new) for r in rx_after)
                why = "a glob that would no longer match it"
            else:
                a, b = _changed(old, new)
                in_hole = any(m.start(g) < b and a < m.end(g) for g in range(1, (m.lastindex or 0) + 1)
                              if m.start(g) >= 0)
                ok = not in_hole and any(r.match(new) for r in rx_after)
                why = "built from pieces known only at run time" if in_hole else \
                    "its static text would not name the new path"
            if not ok:
                changed |= block({old}, rel, d.start, written_text.splitlines()[0][:80], why)
    return changed


def _changed(old: str, new: str) -> tuple[int, int]:
    """The span of ``old`` that differs from ``new`` (common ends left out; never empty)."""
    a, b, _ = narrow(old, new)
    return a, max(a + 1, b)


def folder_names(moves: dict[str, str]) -> set[str]:
    """The names of the folders above the moving files."""
    out: set[str] = set()
    for old in moves:
        out.update(old.split("/")[:-1])
    return {n for n in out if n}


def built_path_re(names: set[str]) -> str:
    """A folder name then '/', in a literal that goes on with a piece known only at run time."""
    alt = "|".join(re.escape(n) for n in sorted(names))
    return f"({alt})/[^'\"`]*(['\"`] *\\+|\\$\\{{|\\{{|\\*)"


def _built_paths(root: Path, files: frozenset[str], moves: dict[str, str], git: bool) -> set[str]:
    names = folder_names(moves)
    if not names:
        return set()
    pattern = built_path_re(names)
    if git:
        import subprocess

        proc = subprocess.run(["git", "-c", "core.quotepath=off", "grep", "-l", "-z", "-I", "-E", "--no-color",
                               "--no-textconv", "-e", pattern], cwd=root, capture_output=True)
        if proc.returncode in (0, 1) and not proc.stderr:
            return {f for f in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if f in files}
    rx = re.compile(pattern)
    out = set()
    for rel, text in _read(root, sorted(files)).items():
        if rx.search(text):
            out.add(rel)
    return out


def _read(root: Path, rels: list[str]) -> dict[str, str]:
    from runsmig.runner.regular import regular_bytes
    from runsmig.textio import DecodeFailure, decode, is_binary

    out: dict[str, str] = {}
    for rel in rels:
        try:
            data = regular_bytes(root / rel)
        except OSError:
            continue
        if data is None or len(data) > MAX_BYTES or is_binary(data):
            continue
        try:
            out[rel] = decode(data).text
        except DecodeFailure:
            continue
    return out



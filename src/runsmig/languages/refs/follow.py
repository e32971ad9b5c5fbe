"""Every analysed file, after its language's own pass: its path references follow what they name.

A reference (:mod:`.tokens`) that resolves to one file or folder of the checkout (:mod:`.resolve`)
is written again for where that file or folder is after the change, from where the referring file
is after it, in its own style (relative stays relative, ``/img/x`` stays under its web root,
``@site/`` stays an alias, an extension stays as written): one narrow edit of the characters that
change, in place of the language's term edits inside it. A reference to something that stays
(a move undone as a conflict, a file the recipe keeps) stays as written, even when its words hold
the term. Spans a language resolved itself (TypeScript module specifiers, Markdown links that
resolved) are its own. A reference this pass cannot follow (ambiguous, a folder whose files part
ways, outside its root after the move) is left and reported as a ``follow-up``; :mod:`.settle`
has made each such case a conflict already, unless an explicit recipe entry asked for the move.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from runsmig.findings import Analysis, Edit, Finding, splice
from runsmig.languages.base import FileContext
from runsmig.languages.refs.resolve import exists, narrow, resolve, where, written
from runsmig.languages.refs.settle import moved_names, names_re
from runsmig.languages.refs.tokens import around, slashed

_NAMES: dict = {}


def _names(moves: dict[str, str]):
    hit = _NAMES.get(id(moves))
    if hit is not None and hit[0] is moves:
        return hit[1]
    _NAMES.clear()
    found = names_re(moved_names(moves))
    _NAMES[id(moves)] = (moves, found)
    return found


def _tokens(ctx: FileContext):
    text = ctx.text
    hits = [m.start() for m in ctx.engine.raw_re.finditer(text)]
    names = _names(ctx.moves) if ctx.moves else None
    if names is not None:
        low = text.lower()
        hits += [m.start() for m in names.finditer(low)]
    found = {t.start: t for t in around(text, sorted(set(hits)))}
    if posixpath.dirname(ctx.rel) != posixpath.dirname(ctx.new_rel):
        for t in slashed(text):  # its relative paths must follow it
            found.setdefault(t.start, t)
    return [found[k] for k in sorted(found)]


def follow(ctx: FileContext, analysis: Analysis) -> Analysis:
    if analysis.failed:
        return analysis
    own = sorted(analysis.references)
    transformed = [(e.start, e.end) for e in analysis.edits if e.finding is not None and e.finding.rule == "transform"]
    edits = list(analysis.edits)
    findings = list(analysis.findings)
    touched = False
    for tok in _tokens(ctx):
        a, b = tok.start, tok.end
        if any(x < b and a < y for x, y in own) or any(x < b and a < y or x == y == a for x, y in transformed):
            continue
        targets = resolve(ctx.all_files, ctx.rel, tok.text)
        if not targets:
            continue
        new_text, problem = _new_text(ctx, tok.text, targets)
        inside = [e for e in edits if a <= e.start and e.end <= b]
        if new_text is None and problem is None:
            continue
        if problem is not None and inside and _counterpart_stays(ctx, tok.text, a, inside):
            continue  # the term map points it at a file that stays (the deleted one's counterpart)
        touched = True
        edits = [e for e in edits if not (a <= e.start and e.end <= b)]
        findings = [f for f in findings if f.rule in ("conflict", "follow-up") or not _within(ctx, f, a, b)]
        has_term = bool(ctx.engine.find(tok.text))
        if problem is not None:
            findings.append(ctx.finding(a, b, "path", None, "follow-up", problem))
        elif new_text == tok.text:
            if has_term or inside:
                findings.append(ctx.finding(a, b, "path", None, "external",
                                            f"reference '{tok.text}' left as it is: '{targets[0].path}' "
                                            f"keeps its name"))
        else:
            s, e, repl = narrow(tok.text, new_text)
            f = ctx.finding(a, b, "path", new_text, "term" if has_term else "link",
                            f"reference '{tok.text}' -> '{new_text}'")
            edits.append(Edit(a + s, a + e, repl, f))
    if not touched:
        return analysis
    return replace(analysis, edits=edits, findings=findings)


def _within(ctx: FileContext, f: Finding, a: int, b: int) -> bool:
    if not f.line:
        return False
    at = ctx.index.offset(f.line, f.col)
    return a <= at < b


def _new_text(ctx: FileContext, token: str, targets) -> tuple[str | None, str | None]:
    """(the reference as it must read after the change, or None; a problem to report, or None).
    (None, None): nothing to do with it (it names nothing that or from where anything moves)."""
    if len(targets) > 1:
        moving = [t.path for t in targets if _moves(ctx, t.path)]
        if not moving and ctx.rel == ctx.new_rel:
            return token, None  # stays as written: both places stay
        roots = ", ".join(f"'{t.path}'" for t in targets)
        return None, f"reference '{token}' may name {roots}: not followed; change it by hand"
    target = targets[0]
    new_path, why = where(ctx.all_files, ctx.moves, ctx.deletes, target.path)
    if new_path is None:
        if "deleted" in why:
            return None, f"reference '{token}' names {why}: re-point or remove it"
        return None, f"reference '{token}' cannot follow: {why}; change it by hand"
    new = written(token, target, new_path, ctx.new_rel)
    if new is None:
        return None, (f"reference '{token}' cannot follow '{target.path}' to '{new_path}' (outside "
                      f"'{target.base}/'); change it by hand")
    if new == token or target.style in ("relative", "near"):
        return new, None
    return new, None


def _counterpart_stays(ctx: FileContext, token: str, at: int, inside) -> bool:
    """Whether the term map's rewrite of a reference to a deleted file names files that exist and
    stay where they are (``jobs/router.py`` -> ``runs/router.py`` beside it): then it follows them."""
    rewritten = splice(token, 0, len(token), [Edit(e.start - at, e.end - at, e.text, e.finding) for e in inside])
    if rewritten == token:
        return False
    targets = resolve(ctx.all_files, ctx.rel, rewritten)
    return bool(targets) and all(where(ctx.all_files, ctx.moves, ctx.deletes, t.path)[0] == t.path for t in targets)


def _moves(ctx: FileContext, rel: str) -> bool:
    if rel in ctx.moves:
        return True
    kind = exists(ctx.all_files, rel)
    return kind == "folder" and any(f.startswith(rel + "/") for f in ctx.moves)

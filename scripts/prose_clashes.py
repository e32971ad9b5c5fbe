"""Count the prose clashes a migration's diff introduces ("run the run", "running runs", "runs to run").

    runsmig plan CHECKOUT > plan.diff
    python scripts/prose_clashes.py plan.diff [--recipe R] [--list]

A plain scan of the diff, independent of how runsmig decided: in every hunk, the clashes of the
added lines that the removed lines did not hold already. Prose is looked at where it is: whole
lines of documentation files (Markdown, reStructuredText, text), and in other files the comments
(after '#', '//', or in a '*' / triple-quote block line). The clash is judged by the same window as
runsmig's own check (runsmig.languages.markdown.prose), so "introduced and not reported" means
the engine let it through: plan keeps and reports every clash it sees, so none should be here.
Words that already repeated each other before the rewrite ("jobs per job" -> "runs per run") are
not a new clash, as in runsmig's own check.
Prints the count (and with --list, each file:line and the words).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, namedtuple
from pathlib import Path

Edit = namedtuple("Edit", "start end text")  # a term match as prose.rewritten takes it
DOCS = re.compile(r"\.(?:md|mdx|markdown|rst|txt|adoc)$", re.IGNORECASE)
COMMENT = re.compile(r"(?:^\s*(?:#|//|\*|/\*+|\"\"\"|''')|\s#\s|\s//\s)(.*)$")


def prose_of(path: str, line: str) -> str:
    """The prose of a line: a documentation line, or a comment; code spans (`...`) are code."""
    if not DOCS.search(path):
        m = COMMENT.search(line)
        line = m.group(1) if m else ""
    return re.sub(r"`[^`]*`", " code ", line)


def hunks(diff: str):
    """(path, new line number, added lines, removed lines) per hunk of a git-style unified diff."""
    path = None
    added: list[tuple[int, str]] = []
    removed: list[str] = []
    line_no = 0
    for raw in diff.splitlines():
        if raw.startswith("diff --git "):
            if path and (added or removed):
                yield path, added, removed
            path, added, removed = raw.split(" b/", 1)[-1], [], []
        elif raw.startswith("+++ ") or raw.startswith("--- "):
            continue
        elif raw.startswith("@@"):
            if path and (added or removed):
                yield path, added, removed
            added, removed = [], []
            m = re.search(r"\+(\d+)", raw)
            line_no = int(m.group(1)) if m else 0
        elif raw.startswith("+"):
            added.append((line_no, raw[1:]))
            line_no += 1
        elif raw.startswith("-"):
            removed.append(raw[1:])
        else:
            line_no += 1
    if path and (added or removed):
        yield path, added, removed


def clashes(text: str, regex) -> list[str]:
    from runsmig.languages.markdown.prose import clash_spans

    return [" ".join(words.lower().split()) for _, _, words in clash_spans(text, regex, grow=False)]


def repeated(text: str, regex, engine, sources: set[str], family: set[str]) -> list[str]:
    """The clashes the plain term map makes of words that already repeated each other ("jobs per
    job" -> "runs per run", "Jobs, JOBS"): the clash's first and last words were both the term.
    They are no new clash (the issue's "the same word already there"); runsmig judges so too."""
    from runsmig.languages.markdown.prose import already_repeated, clash_spans, origin_of, rewritten

    new, pieces = rewritten(text, 0, len(text), [Edit(m.start, m.end, m.replacement) for m in engine.find(text)])
    out = []
    for s, e, words in clash_spans(new, regex, grow=False):
        span = origin_of(pieces, s, e)
        if span and already_repeated(re.findall(r"\w+", text[span[0]:span[1]].lower()), sources, family):
            out.append(" ".join(words.lower().split()))
    return out


def introduced(diff: str, recipe) -> list[tuple[str, int, str]]:
    from runsmig.languages.markdown.prose import _clash_re, _targets
    from runsmig.terms import TermEngine

    regex = _clash_re(tuple(_targets(recipe)))
    engine = TermEngine.from_recipe(recipe)
    sources = {t.singular.lower() for t in recipe.terms} | {t.plural.lower() for t in recipe.terms}
    family = {w.lower() for w in _targets(recipe)}
    out = []
    for path, added, removed in hunks(diff):
        old_prose = "\n".join(prose_of(path, ln) for ln in removed)
        before = Counter(clashes(old_prose, regex)) + Counter(repeated(old_prose, regex, engine, sources, family))
        for no, line in added:
            for c in clashes(prose_of(path, line), regex):
                if before[c]:
                    before[c] -= 1
                else:
                    out.append((path, no, c))
        for run in _consecutive(added):  # a clash across lines that follow each other
            joined = "\n".join(prose_of(path, ln) for _, ln in run)
            single = Counter(c for _, ln in run for c in clashes(prose_of(path, ln), regex))
            for c in clashes(joined, regex):
                if single[c]:
                    single[c] -= 1
                elif before[c]:
                    before[c] -= 1
                else:
                    out.append((path, run[0][0], c))
    return out


def _consecutive(added: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    groups: list[list[tuple[int, str]]] = []
    for no, line in added:
        if groups and groups[-1][-1][0] == no - 1 and line.strip():
            groups[-1].append((no, line))
        elif line.strip():
            groups.append([(no, line)])
    return [g for g in groups if len(g) > 1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("diff", help="a unified diff (runsmig plan's stdout), or - for standard input")
    ap.add_argument("--recipe", default=None, help="the recipe whose terms name the new words (default: bundled)")
    ap.add_argument("--list", action="store_true", help="list every clash")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from runsmig.recipe import load_recipe

    text = sys.stdin.read() if args.diff == "-" else Path(args.diff).read_text("utf-8", "replace")
    found = introduced(text, load_recipe(Path(args.recipe) if args.recipe else None))
    print(f"prose clashes introduced: {len(found)}")
    if args.list:
        for path, no, c in found:
            print(f"{path}:{no}: {c}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

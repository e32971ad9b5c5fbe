"""One decision per name: what code decides for a name, docs and config follow.

An identifier-like name of two or more word parts that holds a term (an environment variable
``MYAPP_JOB_TIMEOUT``, a CLI flag ``--delete-jobs``, a key ``job_timeout``, a dotted name
``app.jobs.enabled``, a third-party ``scheduleJob``) is decided by the code passes (Python,
TypeScript/JavaScript), occurrence by occurrence: renamed, or kept for a reason (a recipe
``literals:`` keep or an allowlisted literal, a third-party name, a conflict, a follow-up).
Prose, code fences and config files (Markdown, YAML, JSON, TOML, ``.env``, plain text such as a
``Dockerfile``) then make the same decision for the same name:

1. a name another tool owns *in that file* stays as that file's pass decides (its ``external``:
   a GitHub Actions keyword, a package's option in a code fence), and so does a ``conflict``
   there (a rename onto a sibling key) and the recipe's allowlist and inline suppressions;
2. otherwise the code's decision: kept there (with the code's reason and its ``file:line``), or
   renamed to the code's new spelling;
3. otherwise (a name the code never mentions, or decides both ways) the file's own pass.

Decisions come from :func:`decisions_of` over the code files' outcomes (which the result cache
holds like any other), so a document's result depends on the decisions of the names it holds:
they are part of its cache key (:meth:`Names.key_of`), as the derived spellings are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from runsmig.findings import Analysis, Edit, Finding, splice

CODE_LANGUAGES = frozenset({"python", "typescript"})  # where names are decided
FOLLOWERS = frozenset({"markdown", "yaml", "json", "toml", "dotenv", "text"})  # where they are followed

_CHUNK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$.:/-")
_TOKEN = re.compile(r"-{0,2}[A-Za-z_][A-Za-z0-9_.:/-]*")
_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_MOST = 120  # longer strings are not names
SPELLS_STORED = "kept: spells the stored "  # a literal kept for a stored name of another file (runner.storedset)


@dataclass(frozen=True)
class Decision:
    new: str | None  # the code's new spelling; None: kept
    rule: str  # "term" (renamed), "allowed", "external" or "follow-up" (kept)
    reason: str
    where: str  # path:line of the first place the code decides it

    def as_list(self) -> list:
        return [self.new, self.rule, self.reason, self.where]


def is_name(token: str) -> bool:
    """An identifier-like token of two or more word parts (a lone word is prose's to decide)."""
    if not token or len(token) > _MOST or not _TOKEN.fullmatch(token):
        return False
    return len(_PARTS.findall(token)) >= 2


_QUOTED = re.compile(r"[rRbBuUfF]{0,2}('''|\"\"\"|['\"`])(.*)\1", re.S)


def _unquoted(literal: str) -> str:
    """A literal's text without its quotes (the Python pass records them, others do not)."""
    m = _QUOTED.fullmatch(literal)
    return m.group(2) if m else literal


def _token_of(f: Finding) -> str:
    return _unquoted(f.literal or f.word or f.text).lstrip("$")


def _kept(f: Finding) -> tuple[str, str] | None:
    """(rule, reason) when this finding keeps its name, else None."""
    if f.allowed_by is not None:
        return ("allowed", f.allowed_by) if f.literal else None  # a literal kept (not a line allowlisted)
    if f.rule == "external":
        return "external", f.message or "a third-party name"
    if f.rule == "conflict":
        return "follow-up", f.message or "a conflict"
    if f.rule == "follow-up" and not f.message.startswith("order:"):
        return "follow-up", f.message or "a follow-up"
    return None


def decisions_of(outcome) -> list[tuple[str, Decision]]:
    """(name, decision) for every decided name of one code file's outcome, in file order."""
    out: list[tuple[str, Decision]] = []
    for f in outcome.applied:
        token = _token_of(f)
        new = (_unquoted(f.literal_replacement) if f.literal else f.word_replacement or f.replacement) or ""
        new = new.lstrip("$")
        if is_name(token) and new and new != token:
            out.append((token, Decision(new, "term", "", f"{f.path}:{f.line}")))
    for f in [*outcome.allowed, *outcome.reported]:
        if f.allowed_by == "stored" and f.message.startswith(SPELLS_STORED):
            continue  # another file's stored name: that file keeps it for its own reason
        token = _token_of(f)
        why = _kept(f)
        if why is not None and is_name(token):
            out.append((token, Decision(None, why[0], why[1], f"{f.path}:{f.line}")))
    return out


def merge(found: list[tuple[str, Decision]]) -> dict[str, Decision]:
    """One decision per name: every place renames it the same way, or every place keeps it (the
    first place by path and line speaks for it). A name decided both ways has none."""
    by: dict[str, list[Decision]] = {}
    for token, d in found:
        by.setdefault(token, []).append(d)
    out: dict[str, Decision] = {}
    for token, ds in by.items():
        news = {d.new for d in ds}
        if len(news) != 1:
            continue  # renamed here, kept there (or renamed two ways): each file decides
        out[token] = min(ds, key=lambda d: (_place(d.where), d.rule, d.reason))
    return out


def _place(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return path, int(line) if line.isdigit() else 0


def candidates(text: str, engine) -> list[tuple[int, int, str]]:
    """Spans of the identifier-like tokens around each term match that could be names: the run of
    name characters holding the match, cut at ``.``, ``/``, ``:`` and ``$`` (never inside a word:
    ``X_MYAPP_JOB`` does not hold ``MYAPP_JOB``, nor ``--no-delete-jobs`` ``--delete-jobs``)."""
    out: set[tuple[int, int, str]] = set()
    n = len(text)
    for m in engine.find(text):
        a, b = m.start, m.end
        while a > 0 and text[a - 1] in _CHUNK:
            a -= 1
        while b < n and text[b] in _CHUNK:
            b += 1
        starts = {a} | {i + 1 for i in range(a, m.start) if text[i] in ".:/$"}
        ends = {b} | {i for i in range(m.end, b) if text[i] in ".:/"} | {i + 1 for i in range(m.end, b) if text[i] in ":/"}
        for s in starts:
            for e in ends:
                if s <= m.start and m.end <= e and is_name(text[s:e]):
                    out.add((s, e, text[s:e]))
    return sorted(out)


class Names:
    """The run's decisions, name -> :class:`Decision` (code files' only); ``stored``: the stored
    names kept across the checkout (runsmig.runner.storedset.StoredSet), which every file follows."""

    def __init__(self, decided: dict[str, Decision] | None = None, stored=None) -> None:
        self.decided = dict(decided or {})
        self.stored = stored

    def __bool__(self) -> bool:
        return bool(self.decided)

    def held(self, text: str, engine) -> list[tuple[int, int, str, Decision]]:
        """The decided names ``text`` holds: non-overlapping, longest first where two overlap."""
        if not self.decided:
            return []
        spans = [(s, e, t) for s, e, t in candidates(text, engine) if t in self.decided]
        spans.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
        taken: list[tuple[int, int, str, Decision]] = []
        for s, e, t in spans:
            if all(e <= a or b <= s for a, b, _, _ in taken):
                taken.append((s, e, t, self.decided[t]))
        return sorted(taken)

    def key_of(self, data: bytes, engine) -> str:
        """What a file's result depends on of the decisions and stored names ('' for none)."""
        stored = self.stored.key_of(data) if self.stored else ""
        stored = "stored" + stored if stored else ""
        if not self.decided:
            return stored
        held = {t: d.as_list() for _, _, t, d in self.held(data.decode("utf-8", "surrogateescape"), engine)}
        return (json.dumps(sorted(held.items())) if held else "") + stored


def follow(ctx, analysis: Analysis, names: Names) -> tuple[Analysis, list[Finding], set[tuple[int, int]]]:
    """The analysis of a following file with the code's decisions made: (analysis, findings kept as
    allowed with the code's reason, spans renamed by decision: no ``literals:`` rule keeps them)."""
    held = names.held(ctx.text, ctx.engine)
    if not held:
        return analysis, [], set()
    edits = list(analysis.edits)
    findings = list(analysis.findings)
    covered = list(analysis.covered)
    allowed: list[Finding] = []
    forced: set[tuple[int, int]] = set()
    told: set[str] = set()
    for s, e, token, d in held:
        inside = [x for x in edits if x.start < e and s < x.end]
        notes = [f for f in findings if f.line and s <= ctx.index.offset(f.line, f.col) < e]
        owned = any(f.rule in ("external", "conflict") for f in notes) or any(
            a <= s and e <= b and label == "external" for a, b, label in covered)
        if owned:
            continue  # another tool's name in this file, or a conflict here: the file's own decision
        kind = next((x.finding.kind for x in inside if x.finding is not None), None) or \
            next((f.kind for f in notes), None) or "text"
        if d.new is None:
            edits = [x for x in edits if x not in inside]
            findings = [f for f in findings if f not in notes]
            where = f"kept in code at {d.where}"
            if d.rule == "allowed":
                allowed.append(replace(ctx.finding(s, e, kind, None, "term"), allowed_by=f"{where}: {d.reason}"))
                covered.append((s, e, "allowed"))
            elif d.rule == "external":
                if token not in told:
                    told.add(token)
                    findings.append(ctx.finding(s, e, kind, None, "external", f"'{token}' is {where} ({d.reason})"))
                covered.append((s, e, "external"))
            else:
                findings.append(ctx.finding(s, e, kind, None, "follow-up",
                                            f"'{token}' is {where} ({d.reason}): kept here too; rename both together"))
            continue
        if any(x.start < s or e < x.end for x in inside):
            continue  # an edit reaching past the name: the file's own
        if inside and splice(ctx.text, s, e, inside) == d.new:
            forced.add((s, e))  # renamed already: only no literal rule may keep it
            continue
        if not inside and not notes:
            continue  # the pass saw no term here (a link target, a URL): left as it decided
        edits = [x for x in edits if x not in inside]
        findings = [f for f in findings if f not in notes]
        f = ctx.finding(s, e, kind, d.new, "term", f"'{token}' -> '{d.new}', as in code at {d.where}")
        edits.append(Edit(s, e, d.new, f))
        forced.add((s, e))
    return replace(analysis, edits=edits, findings=findings, covered=covered), allowed, forced

"""Prose that reads right: recipe ``phrases`` (applied before the term map,
case-aware) and a check for clashes the rewrite produces ("runs and runs",
"run run", "runs/runs") in prose and comments.

``prose_edits(ctx, start, end)`` is the one entry point: phrases first, the
term engine (``ctx.term_edits``) on the rest, then clashes in the result
reported as ``rule="follow-up"`` findings. Usable by any language for its
comments and docstrings.
"""

from __future__ import annotations

import re
from functools import lru_cache

from runsmig.findings import Edit, Finding, splice
from runsmig.languages.markdown.reword import reword
from runsmig.phrases import PhraseRule, _rules, phrase_matches  # noqa: F401 (PhraseRule re-exported)
from runsmig.recipe.model import Recipe
from runsmig.terms import apply_case

SEP = r"(?:\s*/\s*|\s*,\s*|\s*\+\s*|\s+(?:and|or|&|vs\.?|versus|and/or)\s+|\s*&\s*|\s+)"


def rules_for(recipe: Recipe) -> tuple[PhraseRule, ...]:
    return _rules(tuple(recipe.phrases), tuple(recipe.terms))


def phrase_case(target: str, matched: str) -> str:
    letters = [c for c in matched if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return target.upper()
    if letters and letters[0].isupper():
        return apply_case(target[:1].lower(), "X") + target[1:] if target else target
    return target


def _keep_breaks(matched: str, target: str) -> str:
    """A phrase that wraps over lines keeps its line break (before the last word)."""
    if "\n" not in matched:
        return target
    brk = re.search(r"[ \t]*\r?\n[ \t>]*", matched).group(0)
    i = target.rfind(" ")
    if i < 0:
        return target
    return target[:i] + brk + target[i + 1:]


def prose_edits(ctx, start: int, end: int, kind: str = "prose", phrases: bool = True,
                clashes: bool = True) -> tuple[list[Edit], list[Finding]]:
    """Edits for the prose ctx.text[start:end] and clash follow-ups."""
    chunk = ctx.text[start:end]
    edits: list[Edit] = []
    pos = 0
    if phrases and ctx.recipe.phrases:
        for s, e, r in phrase_matches(chunk, rules_for(ctx.recipe)):
            edits.extend(ctx.term_edits(start + pos, start + s, kind))
            matched = chunk[s:e]
            new = _keep_breaks(matched, phrase_case(r.target, matched))
            if new != matched:
                f = ctx.finding(start + s, start + e, kind, new, "term", f"phrase '{matched}' -> '{new}'")
                edits.append(Edit(start + s, start + e, new, f))
            pos = e
    edits.extend(ctx.term_edits(start + pos, end, kind))
    found = clash_findings(ctx, start, end, edits, kind) if clashes and edits else []
    if found:
        edits, found = reworded(ctx, start, end, edits, found, kind)
    if found:
        # a rewrite that would read badly is not made: the words stay, the follow-up says why,
        # and ``check`` finds the same follow-up again after apply (the term is still there)
        spans = [(ctx.index.offset(f.line, f.col), ctx.index.offset(f.line, f.col) + len(f.text)) for f in found]
        edits = [e for e in edits if not any(a < e.end and e.start < b for a, b in spans)]
    return edits, found


def _spans(ctx, found: list[Finding]) -> list[tuple[int, int]]:
    return [(ctx.index.offset(f.line, f.col), ctx.index.offset(f.line, f.col) + len(f.text)) for f in found]


def reworded(ctx, start: int, end: int, edits: list[Edit], found: list[Finding],
             kind: str) -> tuple[list[Edit], list[Finding]]:
    """The clashes whose words of the new spelling's family that were there before take a synonym
    (:mod:`reword`) so that the rewrite reads right: made, with those words reworded, and no
    follow-up; the others stay follow-ups, as they were."""
    terms = ctx.recipe.terms
    singulars = {t.singular.lower() for t in terms}
    plurals = {t.plural.lower() for t in terms}
    targets = [t.to_singular for t in terms]

    def words(span: tuple[int, int], made: list[Edit]) -> list[tuple[int, int, str]] | None:
        return reword(ctx.text, start, span[0], span[1], [(e.start, e.end) for e in made], targets,
                      singulars, plurals)

    windows = []  # (clash span, its reworded words)
    for span in _spans(ctx, found):
        got = words(span, edits)
        if got is not None:
            windows.append((span, [Edit(x, y, new) for x, y, new in got]))
    while True:
        made = edits + [e for _, ws in windows for e in ws]
        clashes = clash_findings(ctx, start, end, made, kind)
        # a clash whose words of the family left are all names of code (`run()`) reads right
        again = [f for f, span in zip(clashes, _spans(ctx, clashes)) if words(span, made) != []]
        spans = _spans(ctx, again)
        kept = [(w, ws) for w, ws in windows
                if not any(a < e.end and e.start < b for a, b in spans for e in ws)]
        if len(kept) == len(windows):
            return _joined(ctx, edits, windows), again
        windows = kept


def _joined(ctx, edits: list[Edit], windows) -> list[Edit]:
    """Each clash's reworded words joined with its term edits into one edit that carries a term's
    finding: kept with them (released history, an allowlist, a suppressed line) or made with them,
    never alone."""
    out = list(edits)
    for (a, b), ws in windows:
        if not ws:
            continue
        lo, hi = min(a, *(e.start for e in ws)), max(b, *(e.end for e in ws))
        group = [e for e in out if lo < e.end and e.start < hi] + ws
        f = next((e.finding for e in group if e.finding is not None), None)
        if f is None:
            continue  # no term edit of its own: the words stay as they are
        x, y = min(e.start for e in group), max(e.end for e in group)
        out = [e for e in out if not (lo < e.end and e.start < hi)]
        out.append(Edit(x, y, splice(ctx.text, x, y, group), f))
    return sorted(out, key=lambda e: e.start)


def _targets(recipe: Recipe) -> list[str]:
    """The words a rewrite writes and the words of their family (run, runs, running, ran by the
    rules of English spelling: runs, running, runned are made; an irregular past is not)."""
    words = {t.to_singular for t in recipe.terms} | {t.to_plural for t in recipe.terms}
    words |= {f for t in recipe.terms for f in inflections(t.to_singular)}
    return sorted(words, key=len, reverse=True)


def inflections(word: str) -> set[str]:
    """The regular inflections of a verb-or-noun: -s/-es, -ing and -ed, with a final 'e' dropped
    and a final consonant doubled after one short vowel (run: running, runned)."""
    w = word.lower()
    out = {w + ("es" if re.search(r"(?:s|x|z|ch|sh)$", w) else "s")}
    if w.endswith("e") and not w.endswith("ee"):
        out |= {w[:-1] + "ing", w + "d"}
    else:
        double = re.search(r"(?:^|[^aeiou])[aeiou][b-df-hj-np-tvz]$", w) is not None
        stem = w + w[-1] if double else w
        out |= {stem + "ing", stem + "ed"}
    return out


# Between two words of the family, at most WINDOW words in one clause: the gap holds spaces, one
# line break (not a blank line), commas, slashes, '&', '+', Markdown emphasis and quotes, never a
# clause's end (. ; : ! ? and brackets). "run the run", "runs to run", "a running run", "runs and runs".
WINDOW = 3
_GAP = r"(?:[ \t,/&+*_`\"“”‘’-]*(?:\r?\n[ \t>*_`\"-]*)?[ \t,/&+*_`\"“”‘’-]*)"


@lru_cache(maxsize=8)
def _clash_re(targets: tuple[str, ...]) -> re.Pattern[str]:
    w = "(?:" + "|".join(re.escape(t) for t in targets) + ")"
    gap = rf"{_GAP}(?<![\w’'])"  # never empty: it ends on a separator
    # in a lookahead: every word of the family starts a window of its own (they overlap)
    return re.compile(rf"(?<![\w\-])(?=({w}(?![\w\-])(?:{gap}[\w’']+){{0,{WINDOW}}}?{gap}{w}(?![\w\-])))", re.IGNORECASE)


_JOINS = {"and", "or", "nor", "but", "vs", "versus", "plus"}


def reads_as_clash(matched: str) -> bool:
    """A window match is a clash unless it is a list of different things: the words between hold a
    conjunction (or a comma, slash, '&', '+') and something more than it ("runs and test runs",
    "runs, and later runs"). Nothing but a conjunction between ("runs and runs") is a clash."""
    words = re.findall(r"[\w’']+", matched)[1:-1]
    joined = any(w.lower() in _JOINS for w in words) or any(c in matched for c in ",/&+")
    return not (joined and any(w.lower() not in _JOINS for w in words))


def clash_spans(text: str, regex: re.Pattern[str], accept=None, grow: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, words) of each clash in ``text``, left to right, that ``accept(start, end)``
    takes (default: all). Windows overlap: one inside a clash already found is the same; one that
    starts inside it and ends beyond ("run isn't in running" then "running runs") extends it, so
    the words kept for the first do not make the second (``grow=False``: every window that reads
    as a clash is one, overlapping or not: what a counter of clashes compares)."""
    out: list[tuple[int, int, str]] = []
    for m in regex.finditer(text):
        a, b = m.start(1), m.end(1)
        if grow and out and a < out[-1][1] and b <= out[-1][1]:
            continue
        if reads_as_clash(m.group(1)) and (accept is None or accept(a, b)):
            if grow and out and a < out[-1][1]:
                out[-1] = (out[-1][0], b, text[out[-1][0]:b])
            else:
                out.append((a, b, m.group(1)))
    return out


CLASH_MESSAGE = "the rewrite would read "


def is_clash(f: Finding) -> bool:
    """A follow-up of :func:`clash_findings`: words kept because their rewrite would read badly."""
    return f.rule == "follow-up" and f.message.startswith(CLASH_MESSAGE)


def rewritten(text: str, start: int, end: int, edits) -> tuple[str, list[tuple[int, int, int, int, bool]]]:
    """``text[start:end]`` with ``edits`` (anything with ``start``, ``end``, ``text``) applied, and its
    pieces: (new start, new end, old start, old end, edited), to map a span back (:func:`origin_of`)."""
    pieces: list[tuple[int, int, int, int, bool]] = []
    out_parts: list[str] = []
    pos, npos = start, 0
    for e in sorted(edits, key=lambda e: e.start):
        if e.start < pos or e.end > end:
            continue
        if e.start > pos:
            seg = text[pos:e.start]
            pieces.append((npos, npos + len(seg), pos, e.start, False))
            out_parts.append(seg)
            npos += len(seg)
        pieces.append((npos, npos + len(e.text), e.start, e.end, True))
        out_parts.append(e.text)
        npos += len(e.text)
        pos = e.end
    seg = text[pos:end]
    pieces.append((npos, npos + len(seg), pos, end, False))
    out_parts.append(seg)
    return "".join(out_parts), pieces


def origin_of(pieces, m_start: int, m_end: int) -> tuple[int, int] | None:
    """The span before the rewrite of ``[m_start, m_end)`` of the rewritten text, when an edit made
    part of it (None: it was there before)."""
    hit = [p for p in pieces if p[0] < m_end and p[1] > m_start]
    if not any(p[4] for p in hit):
        return None
    first, last = hit[0], hit[-1]
    o_start = first[2] + (m_start - first[0] if not first[4] else 0)
    return o_start, max(last[3] if last[4] else last[2] + (m_end - last[0]), o_start)


def clash_findings(ctx, start: int, end: int, edits: list[Edit], kind: str = "prose") -> list[Finding]:
    """Clashes ('runs and runs', 'run run') in the rewritten chunk that an edit produced."""
    new, pieces = rewritten(ctx.text, start, end, edits)
    regex = _clash_re(tuple(_targets(ctx.recipe)))
    sources = {t.singular.lower() for t in ctx.recipe.terms} | {t.plural.lower() for t in ctx.recipe.terms}
    family = {w.lower() for w in _targets(ctx.recipe)}

    def origin(m_start: int, m_end: int) -> tuple[int, int] | None:
        """The clash's span in the text before the rewrite, when an edit made it (else None)."""
        span = origin_of(pieces, m_start, m_end)
        if span is None:
            return None  # already in the text before the rewrite: not ours
        if already_repeated(re.findall(r"\w+", ctx.text[span[0]:span[1]].lower()), sources, family):
            return None  # "Jobs, JOBS" / "jobs and jobs": the words repeated each other already
        return span

    found: list[Finding] = []
    for m_start, m_end, m_text in clash_spans(new, regex, lambda a, b: origin(a, b) is not None):
        o_start, o_end = origin(m_start, m_end) or origin(*_first_window(new, regex, m_start))
        clash = " ".join(m_text.split())
        found.append(ctx.finding(o_start, o_end, kind, None, "follow-up",
                                 f"{CLASH_MESSAGE}'{clash}': kept; reword it or add a recipe phrase"))
    return found


def already_repeated(words: list[str], sources: set[str], family: set[str]) -> bool:
    """Whether a clash's words, as they read before the rewrite, already repeated each other: it
    starts and ends on the term ("jobs per job", "Jobs, JOBS") and holds no word of the new word's
    family written before ("job isn't in running jobs" holds 'running': a clash)."""
    return len(words) >= 2 and words[0] in sources and words[-1] in sources and not family.intersection(words)


def _first_window(text: str, regex: re.Pattern[str], start: int) -> tuple[int, int]:
    """The first window at ``start`` (a clash extended past it is judged by where it began)."""
    m = regex.match(text, start)
    return (m.start(1), m.end(1)) if m else (start, start)


def count_clashes(text: str, recipe: Recipe) -> int:
    return len(clash_spans(text, _clash_re(tuple(_targets(recipe)))))

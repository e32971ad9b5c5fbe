"""THE term matcher. Rewriting and checking both call :meth:`TermEngine.find`,
so they can never disagree.

A term (``job``/``jobs``) matches as a *word part*: a whole word, or one part of an
identifier in any convention (``job_id``, ``jobId``, ``JobId``, ``JOB_ID``,
``job-id``, ``useDocumentJobsQuery``, ``ADE_JOBS_DIR``, ``JobsService``). It does
not match inside other words (``jobserver``, ``subjob``, ``Jobsite``). The
replacement keeps the case of each part (job/Job/JOB) and the number (jobs→runs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from runsmig.recipe.model import Recipe, Term


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    text: str
    replacement: str
    term: Term | None = None  # None for a symbol/phrase override


def _case_of(s: str) -> str:
    if s.isupper():
        return "upper"
    if s.islower():
        return "lower"
    if s[0].isupper() and s[1:].islower():
        return "title"
    return "mixed"


def apply_case(template: str, like: str) -> str:
    """Give ``template`` (lowercase) the case shape of ``like``."""
    shape = _case_of(like) if like else "lower"
    if shape == "upper" and len(like) > 1:
        return template.upper()
    if shape == "upper":  # a single capital letter: title case
        return template[:1].upper() + template[1:]
    if shape == "title":
        return template[:1].upper() + template[1:]
    return template


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


_ENCODED_MIN = 64
_RUN = re.compile(r"[A-Za-z0-9+/_=-]{%d,}" % _ENCODED_MIN)


def _cls(ch: str) -> int:
    return 0 if ch.islower() else 1 if ch.isupper() else 2 if ch.isdigit() else 3


def encoded_spans(text: str) -> list[tuple[int, int]]:
    """Encoded data (base64, hex, a hash, a key): runs of 64 or more characters of such an alphabet
    whose character classes change at most every other character, as random data does, and words,
    paths and identifiers never do. A term's letters inside one are chance, not the term."""
    out = []
    for m in _RUN.finditer(text):
        run = m.group(0)
        changes = sum(1 for a, b in zip(run, run[1:]) if _cls(a) != _cls(b))
        digits = sum(1 for c in run if c.isdigit())
        if changes >= 0.35 * (len(run) - 1) and digits >= 0.05 * len(run):
            out.append(m.span())
    return out


class TermEngine:
    """Finds and replaces recipe terms in text, identifiers and paths."""

    def __init__(self, terms: tuple[Term, ...], symbols: dict[str, str] | None = None, keep: tuple[str, ...] = (),
                 derived: dict[str, str] | None = None):
        self.terms = terms
        # joined spellings of the checkout's renamed names (runsmig.derived): whole tokens only
        self.derived = dict(derived or {})
        self.symbols = dict(symbols or {})
        self.keep = tuple(keep)
        stems = sorted({t.singular for t in terms} | {t.plural for t in terms}, key=len, reverse=True)
        # no terms (a downstream recipe, runsmig.compat.downstream): a pattern that matches nothing
        self._stem_re = re.compile("|".join(re.escape(s) for s in stems) if stems else r"(?!)", re.IGNORECASE)
        self._forms: dict[str, tuple[Term, bool]] = {}
        for t in terms:
            self._forms[t.singular] = (t, False)
            self._forms[t.plural] = (t, True)
        # singular and plural: an irregular plural ("people") need not hold its singular
        self._prefilter = [s.lower().encode() for s in sorted({t.singular for t in terms} | {t.plural for t in terms})]
        if self.symbols:
            self._symbol_re = re.compile(
                r"(?<![\w$])(" + "|".join(re.escape(s) for s in sorted(self.symbols, key=len, reverse=True)) + r")(?![\w$])"
            )
        else:
            self._symbol_re = None
        if self.keep:
            # a kept snake_case name keeps its kebab spelling too: ``--job-id`` is the option click or
            # argparse binds to the parameter ``job_id`` (renamed alone, the option no longer reaches it)
            kebab = sorted({k.replace("_", "-") for k in self.keep if "_" in k.strip("_")}, key=len, reverse=True)
            self._keep_re = re.compile(
                r"(?<![\w$])(" + "|".join(re.escape(k) for k in sorted(self.keep, key=len, reverse=True)) + r")(?![\w$])"
                + (r"|(?<![\w$])(?<![\w$]-)(" + "|".join(re.escape(k) for k in kebab) + r")(?![\w$-])" if kebab else "")
            )
        else:
            self._keep_re = None

    @classmethod
    def from_recipe(cls, recipe: Recipe, derived: dict[str, str] | None = None) -> "TermEngine":
        return cls(recipe.terms, recipe.symbols, recipe.keep, derived)

    def with_keep(self, words: tuple[str, ...]) -> "TermEngine":
        """This engine, also keeping ``words`` (names released history refers to: runsmig.history)."""
        extra = tuple(w for w in words if w not in self.keep)
        return type(self)(self.terms, self.symbols, self.keep + extra, self.derived) if extra else self

    def with_derived(self, derived: dict[str, str]) -> "TermEngine":
        """This engine, also matching the derived spellings ``derived`` (runsmig.derived)."""
        return type(self)(self.terms, self.symbols, self.keep, derived) if derived else self

    def derived_in(self, data: bytes) -> dict[str, str]:
        """The derived spellings ``data`` holds, with their replacements (what a file's analysis
        depends on of them)."""
        if not self.derived:
            return {}
        text = data.decode("latin-1")  # the spellings are ASCII: their bytes are their characters
        return {text[a:b]: self.derived[text[a:b]] for a, b in self._derived_tokens(text)}

    def _derived_tokens(self, text: str) -> list[tuple[int, int]]:
        """Spans of whole tokens (runs of ASCII letters and digits, not touching ``$``) that are
        derived spellings: every one holds a stem, so only the tokens around a stem are looked up."""
        found: list[tuple[int, int]] = []
        n, end = len(text), -1
        for m in self._stem_re.finditer(text):
            if m.start() < end:
                continue
            a, b = m.start(), m.end()
            while a > 0 and text[a - 1] in _ALNUM:
                a -= 1
            while b < n and text[b] in _ALNUM:
                b += 1
            end = b
            if text[a:b] in self.derived and not (a > 0 and text[a - 1] == "$") and not (b < n and text[b] == "$"):
                found.append((a, b))
        return found

    # -- cheap prefilter ---------------------------------------------------
    def may_contain(self, data: bytes | str) -> bool:
        """Literal, case-insensitive prefilter: could ``data`` hold a term at all?"""
        low = data.lower()
        if isinstance(low, str):
            return any(p.decode() in low for p in self._prefilter) or bool(self._symbol_re and self._symbol_re.search(data))
        return any(p in low for p in self._prefilter) or bool(
            self._symbol_re and self._symbol_re.search(data.decode("utf-8", "replace"))
        )

    def paths_that_may_hold(self, rels: list[str]) -> set[str]:
        """The paths whose names could hold a term (any case) or a symbol: one search over them all."""
        from runsmig.pathmatch import paths_matching

        hits: set[str] = set()
        for regex in (self._stem_re, self._symbol_re):
            if regex is not None:
                hits |= paths_matching(rels, regex)
        return hits

    # -- matching -----------------------------------------------------------
    def find(self, text: str) -> list[TermMatch]:
        """Every term occurrence in ``text``, left to right, non-overlapping."""
        if not text:
            return []
        blocked: list[tuple[int, int]] = []
        out: list[TermMatch] = []
        if self._keep_re is not None:
            blocked = [m.span() for m in self._keep_re.finditer(text)]
        if len(text) >= _ENCODED_MIN:
            blocked += encoded_spans(text)
        if self._symbol_re is not None:
            for m in self._symbol_re.finditer(text):
                if any(a <= m.start() < b for a, b in blocked):
                    continue
                out.append(TermMatch(m.start(), m.end(), m.group(0), self.symbols[m.group(0)]))
                blocked.append(m.span())
        if self.derived:
            for a, b in self._derived_tokens(text):
                if any(x <= a < y for x, y in blocked):
                    continue
                out.append(TermMatch(a, b, text[a:b], self.derived[text[a:b]]))
                blocked.append((a, b))
        pos = 0
        n = len(text)
        while True:
            m = self._stem_re.search(text, pos)
            if m is None:
                break
            start = m.start()
            pos = start + 1
            if any(a <= start < b for a, b in blocked):
                continue
            hit = self._match_at(text, start, n)
            if hit is not None:
                out.append(hit)
                pos = hit.end
        out.sort(key=lambda t: t.start)
        return out

    def _match_at(self, text: str, start: int, n: int) -> TermMatch | None:
        # Try the longest form first (plural), then shorter ones.
        for form in sorted(self._forms, key=len, reverse=True):
            end = start + len(form)
            if end > n:
                continue
            cand = text[start:end]
            if cand.lower() != form:
                continue
            if not self._left_ok(text, start, cand):
                continue
            if not self._right_ok(text, end, cand):
                continue
            shape = self._shape_ok(cand, form)
            if shape is None:
                continue
            term, plural = self._forms[form]
            return TermMatch(start, end, cand, self._replace(cand, term, plural), term)
        return None

    @staticmethod
    def _left_ok(text: str, start: int, cand: str) -> bool:
        if start == 0:
            return True
        prev = text[start - 1]
        if not _is_letter(prev):
            return True
        first = cand[0]
        if first.isupper() and prev.islower():
            return True  # camelCase hump: documentJobs
        if first.isupper() and prev.isupper() and len(cand) > 1 and cand[1].islower():
            return True  # end of an acronym: XMLJob
        return False

    @staticmethod
    def _right_ok(text: str, end: int, cand: str) -> bool:
        if end >= len(text):
            return True
        nxt = text[end]
        if not _is_letter(nxt):
            return True
        last = cand[-1]
        if nxt.isupper() and last.islower():
            return True  # JobsService, jobId
        return False

    @staticmethod
    def _shape_ok(cand: str, form: str) -> str | None:
        shape = _case_of(cand)
        if shape in ("lower", "upper", "title"):
            return shape
        # 'JOBs' (an upper-case stem with a lower-case plural suffix) is allowed
        for t_len in range(1, len(cand)):
            stem, suffix = cand[:t_len], cand[t_len:]
            if stem.isupper() and suffix.islower() and len(stem) > 1:
                return "upper-stem"
        return None

    def _replace(self, cand: str, term: Term, plural: bool) -> str:
        target = term.to_plural if plural else term.to_singular
        if plural and _case_of(cand) not in ("lower", "upper", "title"):
            # JOBs -> RUNs: stem case and suffix case separately
            stem_len = len(term.singular)
            stem, suffix = cand[:stem_len], cand[stem_len:]
            t_stem = term.to_singular
            t_suffix = term.to_plural[len(t_stem):] if term.to_plural.startswith(t_stem) else ""
            if t_suffix:
                return apply_case(t_stem, stem) + apply_case(t_suffix, suffix)
        return apply_case(target, cand)

    def rewrite(self, text: str) -> str:
        matches = self.find(text)
        if not matches:
            return text
        parts: list[str] = []
        last = 0
        for m in matches:
            parts.append(text[last:m.start])
            parts.append(m.replacement)
            last = m.end
        parts.append(text[last:])
        return "".join(parts)

    @cached_property
    def raw_re(self) -> re.Pattern[str]:
        """Case-insensitive occurrences of the singular stems, as ``git grep -i`` sees them."""
        return re.compile("|".join(re.escape(t.singular) for t in self.terms), re.IGNORECASE)

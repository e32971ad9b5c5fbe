"""Recipe phrases compiled to regular expressions, and their matches in a text: shared by the
prose pass (runsmig.languages.markdown.prose) and the recipe's load-time checks (runsmig.recipe.settle),
which must not import a language to load a recipe."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class PhraseRule:
    source: str
    target: str
    regex: re.Pattern[str]


def _word_alt(word: str, inverse: dict[str, set[str]]) -> str:
    forms = {word.lower()} | inverse.get(word.lower(), set())
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")"


@lru_cache(maxsize=8)
def _rules(phrases: tuple[tuple[str, str], ...], terms: tuple) -> tuple[PhraseRule, ...]:
    # a word of a phrase that is a term's target (run/runs) also matches the term (job/jobs):
    # a phrase written as it reads after the rewrite ("runs/runs") catches "jobs/runs" too.
    inverse: dict[str, set[str]] = {}
    for t in terms:
        inverse.setdefault(t.to_singular, set()).add(t.singular)
        inverse.setdefault(t.to_plural, set()).add(t.plural)
    out = []
    for src, dst in sorted(phrases, key=lambda p: len(p[0]), reverse=True):
        tokens = re.findall(r"\w+|\s+|[^\w\s]", src)
        parts = []
        for tok in tokens:
            if tok.isspace():
                parts.append(r"\s+")
            elif re.fullmatch(r"\w+", tok):
                parts.append(_word_alt(tok, inverse))
            else:
                parts.append(r"\s*" + re.escape(tok) + r"\s*" if tok in "/&+" else re.escape(tok))
        body = "".join(parts)
        lead = r"(?<![\w\-])" if re.match(r"\w", src) else ""
        trail = r"(?![\w\-])" if re.search(r"\w$", src) else ""
        out.append(PhraseRule(src, dst, re.compile(lead + body + trail, re.IGNORECASE)))
    return tuple(out)


def phrase_matches(text: str, rules: tuple[PhraseRule, ...]) -> list[tuple[int, int, PhraseRule]]:
    found: list[tuple[int, int, PhraseRule]] = []
    for r in rules:
        for m in r.regex.finditer(text):
            found.append((m.start(), m.end(), r))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, int, PhraseRule]] = []
    for s, e, r in found:
        if out and s < out[-1][1]:
            continue
        out.append((s, e, r))
    return out

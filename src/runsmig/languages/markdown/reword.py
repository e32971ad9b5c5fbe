"""Clashes reworded: a term rewritten next to a word of its new spelling's family that was already
there ("running jobs" -> "running runs", "jobs to run" -> "runs to run") reads right again when that
word, not the term, takes a synonym: "executing runs", "runs to execute".

``reword(text, lo, start, end, taken, ...)`` gives the edits for the family words in ``text[start:end]``
that no edit of the rewrite touches (``taken``: the spans the rewrite edits), or None when one of them
cannot be told apart (a noun or a verb with nothing to say which): then the clash stays a follow-up,
as before. A name of code (`run()`, "calling run") is not the word: it stays, and is no clash.

The role of a word is read from the word before it (adverbs skipped): after a form of *be* or *have*
a participle ("is run" -> "is executed"), after *to*, a modal or a subject a verb ("should run" ->
"should execute", "jobs run" -> "runs execute"), after a determiner a noun ("each run" -> "each
execution"); first in its sentence, an imperative ("Run the first job" -> "Execute the first run").
Only words with a synonym below are reworded: for another new spelling the clash stays a follow-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Synonyms:
    base: str  # run -> execute
    third: str  # runs -> executes
    ing: str  # running -> executing
    past: str  # ran, (is) run -> executed
    noun: str  # (a) run -> execution
    nouns: str  # (the) runs -> executions
    irregular_past: str = ""  # the family's own past tense (ran)


SYNONYMS: dict[str, Synonyms] = {
    "run": Synonyms("execute", "executes", "executing", "executed", "execution", "executions", "ran"),
}

_BE_HAVE = {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "having", "get", "gets",
            "got", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't"}
_VERB_BEFORE = {"to", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "do", "does",
                "did", "don't", "doesn't", "didn't", "won't", "wouldn't", "can't", "cannot", "couldn't",
                "shouldn't", "mustn't", "let", "i", "you", "we", "they", "that", "which", "who"}
_THIRD_BEFORE = {"it", "that", "which", "who", "he", "she"}
_DETERMINERS = {"a", "an", "the", "each", "every", "this", "these", "those", "next", "first", "last",
                "its", "their", "his", "her", "our", "your", "my", "any", "no", "per", "one", "another",
                "same", "single", "whole", "previous", "current", "two", "three", "several", "many", "few"}
_ADVERBS = {"not", "never", "also", "only", "just", "already", "actually", "immediately", "still", "then",
            "now", "ever", "always", "again", "currently", "really", "even", "successfully"}
_CODE_VERBS = {"call", "calls", "calling", "called", "invoke", "invokes", "invoking", "method", "command",
               "function", "cli"}
_NOT_PLURAL = {"is", "was", "has", "does", "its", "this", "his", "as", "us", "yes", "always", "sometimes",
               "process", "class", "thus", "plus", "less", "unless", "across", "status", "alias", "bus"}
_WORD = re.compile(r"[A-Za-z’']+")


def synonyms_for(targets) -> dict[str, tuple[str, Synonyms]]:
    """{family word: (role, synonyms)} for the new spellings that have synonyms."""
    out: dict[str, tuple[str, Synonyms]] = {}
    for t in targets:
        s = SYNONYMS.get(t.lower())
        if s is None:
            continue
        w = t.lower()
        out[w] = ("base", s)
        out[w + "s"] = ("third", s)
        out[w + w[-1] + "ing" if re.search(r"[^aeiou][aeiou][b-df-hj-np-tvz]$", w) else w + "ing"] = ("ing", s)
        if s.irregular_past:
            out[s.irregular_past] = ("past", s)
    return out


def _case(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _before(text: str, lo: int, at: int) -> tuple[str | None, bool]:
    """The word before ``at`` within ``text[lo:at]`` (adverbs skipped), lowercased, and whether a
    sentence starts between them (then the word is None; so it is when nothing is before)."""
    pos = at
    while True:
        m = None
        for m in _WORD.finditer(text, lo, pos):
            pass
        if m is None:
            return None, True
        between = text[m.end():pos]
        if re.search(r"[.!?:;]\s|\n[ \t]*\n|\n[ \t>]*(?:[-+]|\d+[.)])\s", between):
            return None, True
        word = m.group(0).lower()
        if word in _ADVERBS:
            pos = m.start()
            continue
        return word, False


def _code_around(text: str, a: int, b: int) -> bool:
    """A name of code: in backticks, quoted, called (`run()`), dotted or joined to another word."""
    left, right = text[a - 1:a] if a else "", text[b:b + 1]
    if "`" in (left, right) or left in ("'", '"') and right == left:
        return True
    if left in (".", "_", "-", "$", "@") or right in ("(", "_", "-"):
        return True
    return right == "." and re.match(r"[A-Za-z_]", text[b + 1:b + 2]) is not None  # run.start


def word_edit(text: str, lo: int, a: int, b: int, role: str, s: Synonyms, singulars: set[str],
              plurals: set[str]) -> tuple[int, str] | None:
    """(start, new text) replacing ``text[a:b]`` (start may move back over an article), or None."""
    old = text[a:b]
    prev, starts = _before(text, lo, a)
    if role == "ing":
        m = re.search(r"(?<![\w’'])([Aa])(\s+)$", text[lo:a])
        if m and s.ing[:1] in "aeiou":  # "a running job" -> "an executing run"
            return lo + m.start(1), _case("an", m.group(1)) + m.group(2) + _case(s.ing, old)
        return a, _case(s.ing, old)
    if role == "past":
        return a, _case(s.past, old)
    after = _after(text, b)
    if starts:
        new = s.base if role == "base" else s.third
    elif role == "base" and prev == "as" and _participle_before(text, lo, a):
        new = s.past  # "marked as run"
    elif prev in _DETERMINERS:
        new = s.noun if role == "base" else s.nouns
    elif role == "base" and prev in _BE_HAVE:
        new = s.past
    elif role == "base" and (prev in _VERB_BEFORE or prev in plurals or _plural(prev) or after in _DETERMINERS
                             or after == "quote"):  # it takes an object: "run the job", 'run "rq resume"'
        new = s.base
    elif role == "third" and (prev in _THIRD_BEFORE or prev in singulars or after in _DETERMINERS
                              or after in singulars or after in plurals):  # "and runs jobs"
        new = s.third
    else:
        return None
    return a, _case(new, old)


def _after(text: str, b: int) -> str | None:
    """The word after ``b`` on its line, lowercased ('quote' for an opening quote or backtick)."""
    m = re.match(r"[ \t]+([\"“`']|[A-Za-z’']+)", text[b:b + 40])
    if m is None:
        return None
    return "quote" if m.group(1) in ('"', "“", "`", "'") else m.group(1).lower()


def _participle_before(text: str, lo: int, a: int) -> bool:
    """The word before 'as' is a past participle ("marked as", "flagged as")."""
    m = re.search(r"([A-Za-z]+ed)\s+as\s+$", text[lo:a])
    return m is not None


def _plural(word: str | None) -> bool:
    return bool(word) and len(word) > 3 and word.endswith("s") and not word.endswith("ss") and \
        word not in _NOT_PLURAL and word not in _BE_HAVE


def reword(text: str, lo: int, start: int, end: int, taken: list[tuple[int, int]], targets,
           singulars: set[str], plurals: set[str]) -> list[tuple[int, int, str]] | None:
    """Replacements (start, end, text) for the family words in ``text[start:end]`` that no span of
    ``taken`` covers (a name of code among them stays: :func:`is_name`); ``lo`` starts the chunk the
    context is read from. None when a word cannot be reworded, or there is none."""
    table = synonyms_for(targets)
    if not table:
        return None
    out: list[tuple[int, int, str]] = []
    seen = False
    for m in _WORD.finditer(text, start, end):
        a, b = m.start(), m.end()
        entry = table.get(m.group(0).lower())
        if entry is None or any(x < b and a < y for x, y in taken):
            continue
        seen = True
        if is_name(text, lo, a, b):
            continue
        role, s = entry
        got = word_edit(text, lo, a, b, role, s, singulars, plurals)
        if got is None:
            return None
        out.append((got[0], b, got[1]))
    return out if seen else None


def is_name(text: str, lo: int, a: int, b: int) -> bool:
    """``text[a:b]`` names code, not the word: in backticks or quotes, called (`run()`, "calling
    run"), dotted or joined to another word. It stays, and beside a renamed term it is no clash."""
    return _code_around(text, a, b) or _before(text, lo, a)[0] in _CODE_VERBS

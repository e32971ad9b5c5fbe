"""Order kept: a sequence that was sorted before the rewrite is sorted after it.

A language pass describes the sequences of its file that a tool may keep sorted (imports, the
names of one import, ``__all__``, export lists, object, JSON and YAML keys, snapshot entries) as
:class:`Sequence` values in ``Analysis.sequences``; the runner calls :func:`resort` once the file's
final edits are known (after allowlists, suppressions and recipe transforms), so a kept rename
never moves an item.

"Sorted before" is decided by testing the original order against a few key functions (plain,
case-insensitive, natural, isort's order-by-type, jest's natural-compare) over each of the item's
key views (an import's module, or its first name); the rewrite is only re-sorted when the keys
changed, the order was sorted by one of those (view, key) pairs and is sorted by none of them
after. It is then stably sorted by the first such pair. Items move whole (their parts: leading
comments, the item, its trailing comment), separators stay where they are; nothing is merged or
dropped. A sequence whose items cannot be moved safely (``stuck``) gets a follow-up instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cmp_to_key

from runsmig.findings import Edit, splice

_DIGITS = re.compile(r"(\d+)")


def _natural(s: str) -> tuple:
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in _DIGITS.split(s) if p)


def _isort_type(s: str) -> tuple:
    """isort's (and ruff's) order-by-type: CONSTANTS, then Classes, then the rest, case-insensitive."""
    prefix = "A" if s.isupper() and len(s) > 1 else "B" if s[:1].isupper() else "C"
    return prefix, s.lower(), s


def _nc_code(s: str, pos: int) -> int:
    """natural-compare's character code (``String.alphabet`` unset)."""
    code = ord(s[pos]) if pos < len(s) else 0
    if code < 45 or code > 127:
        return code
    if code < 46:
        return 65  # -
    if code < 48:
        return code - 1
    if code < 58:
        return code + 18  # 0-9 -> 66..75
    if code < 65:
        return code - 11
    if code < 91:
        return code + 11  # A-Z
    if code < 97:
        return code - 37
    if code < 123:
        return code + 5  # a-z
    return code - 63


def _nc_number(s: str, pos: int) -> tuple[float, int]:
    i = pos
    while 65 < _nc_code(s, i) < 76:
        i += 1
    return float(s[pos - 1:i]), i


def natural_compare(a: str, b: str) -> int:
    """The ``natural-compare`` package's comparison, which jest and vitest sort snapshot keys with."""
    if a == b:
        return 0
    pos_a = pos_b = 0
    code_b = 1
    while code_b:
        code_a = _nc_code(a, pos_a)
        code_b = _nc_code(b, pos_b)
        pos_a += 1
        pos_b += 1
        if 66 < code_a < 76 and 66 < code_b < 76:
            code_a, pos_a = _nc_number(a, pos_a)
            code_b, pos_b = _nc_number(b, pos_b)
        if code_a != code_b:
            return -1 if code_a < code_b else 1
    return 0


KEYS = {
    "plain": lambda s: s,
    "ci": lambda s: (s.casefold(), s),
    "natural": _natural,
    "natural-ci": lambda s: (_natural(s.casefold()), s),
    "type": _isort_type,
    "snapshot": cmp_to_key(natural_compare),
}


@dataclass(frozen=True)
class Item:
    """One item of a sequence. ``parts``: the spans that move together (every item of a sequence has
    as many, in the same roles; a part may be empty, e.g. no leading comment). ``keys``: one
    ``(rank, start, end)`` per view; the view's key is (rank, key(text[start:end]) after the edits)."""

    parts: tuple[tuple[int, int], ...]
    keys: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class Sequence:
    items: tuple[Item, ...]
    what: str  # "imports", "keys of this object", ... (messages)
    keys: tuple[str, ...] = ("plain", "ci", "natural")
    min_items: int = 2
    stuck: str = ""  # why its items cannot be moved (then a follow-up instead of edits)

    @property
    def span(self) -> tuple[int, int]:
        return (min(a for it in self.items for a, _ in it.parts), max(b for it in self.items for _, b in it.parts))


@dataclass(frozen=True)
class Note:
    """A sequence left unsorted: a follow-up at ``start``."""

    start: int
    end: int
    message: str


def _sorted(keys: list) -> bool:
    return all(not (b < a) for a, b in zip(keys, keys[1:]))


def _views(text: str, seq: Sequence, edits: list[Edit] | None) -> list[list[tuple[int, str]]]:
    n = len(seq.items[0].keys)
    out = []
    for v in range(n):
        view = []
        for it in seq.items:
            rank, a, b = it.keys[v]
            view.append((rank, text[a:b] if edits is None else splice(text, a, b, edits)))
        out.append(view)
    return out


def _keyed(view: list[tuple[int, str]], key: str) -> list:
    fn = KEYS[key]
    return [(rank, fn(s)) for rank, s in view]


def resort(text: str, edits: list[Edit], sequences: list[Sequence]) -> tuple[list[Edit], list[Note]]:
    """The edits with every changed, formerly sorted sequence put back in order (innermost first,
    so an object moves with its own keys sorted), and the sequences that could not be."""
    notes: list[Note] = []
    for seq in sorted(sequences, key=lambda s: s.span[1] - s.span[0]):
        if len(seq.items) < max(2, seq.min_items) or len({len(it.parts) for it in seq.items}) != 1 \
                or len({len(it.keys) for it in seq.items}) != 1:
            continue
        lo, hi = seq.span
        inside = [e for e in edits if lo <= e.start and e.end <= hi]
        if not inside:
            continue  # the rewrite did not touch it
        parts = [p for it in seq.items for p in it.parts]
        if any(not any(a <= e.start and e.end <= b for a, b in parts)
               and any(a < e.end and e.start < b for a, b in parts) for e in inside):
            continue  # an edit crosses an item's edge: moving it is not safe
        if any(lo < e.end and e.start < hi and not (lo <= e.start and e.end <= hi) for e in edits):
            continue  # an edit across the sequence's edge
        before, after = _views(text, seq, None), _views(text, seq, inside)
        if before == after:
            continue  # the keys did not change
        pairs = [(v, k) for v in range(len(before)) for k in seq.keys if _sorted(_keyed(before[v], k))]
        if not pairs or any(_sorted(_keyed(after[v], k)) for v, k in pairs):
            continue
        v, k = pairs[0]
        if seq.stuck:
            notes.append(Note(lo, hi, f"order: {seq.what} no longer sorted; sort it ({seq.stuck})"))
            continue
        keyed = _keyed(after[v], k)
        order = sorted(range(len(seq.items)), key=lambda i: keyed[i])
        in_parts = [e for e in inside if any(a <= e.start and e.end <= b for a, b in parts)]
        texts = [[splice(text, a, b, in_parts) for a, b in it.parts] for it in seq.items]
        used = {id(e) for e in in_parts}
        edits = [e for e in edits if id(e) not in used]
        for pos, src in enumerate(order):
            for (a, b), new in zip(seq.items[pos].parts, texts[src]):
                if new != text[a:b]:
                    edits.append(Edit(a, b, new))
    return edits, notes


def line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def line_end(text: str, i: int) -> int:
    j = text.find("\n", i)
    j = len(text) if j == -1 else j
    return j - 1 if j > 0 and text[j - 1] == "\r" else j


def leading_comments(text: str, start: int, prefixes: tuple[str, ...]) -> int:
    """The start of the comment-only lines directly above the line of ``start`` (no blank line
    between), or the line's own start when there are none."""
    s = line_start(text, start)
    while s > 0:
        prev = line_start(text, s - 1)
        stripped = text[prev:s].strip()
        if not stripped or not stripped.startswith(prefixes):
            break
        s = prev
    return s


def listed(text: str, items: list[tuple[int, int, tuple[tuple[int, int, int], ...]]], what: str,
           keys: tuple[str, ...], comment: tuple[str, ...], min_items: int = 2) -> Sequence | None:
    """A comma-separated sequence of ``(start, end, key views)``. When every item has a line of its
    own, the comment lines directly above it and its trailing comment move with it; when items
    share lines, a comment among them makes the sequence stuck (a follow-up, never a guess)."""
    if len(items) < max(2, min_items):
        return None
    own = all(line_start(text, s) != line_start(text, pe) for (s, _, _), (_, pe, _) in zip(items[1:], items))
    out, stuck = [], ""
    if not own:
        if any(c in text[items[0][0]:items[-1][1]] for c in comment):
            stuck = "comments between items that share lines"
        return Sequence(tuple(Item(((s, e),), k) for s, e, k in items), what, keys, min_items, stuck)
    leads_moving = tails_moving = lead_inline = tail_inline = False
    for s, e, k in items:
        ls = line_start(text, s)
        if text[ls:s].strip():  # after other content on its line (an opening bracket)
            lead, lead_inline = (s, s), True
        else:
            lead = (leading_comments(text, s, comment), ls)
            leads_moving = leads_moving or lead[0] != ls
        tail = e + 1 if text[e:e + 1] == "," else e
        end = line_end(text, e)
        rest = text[tail:end].strip()
        if not rest or rest.startswith(comment):
            tails_moving = tails_moving or bool(rest)
            tail_span = (tail, end)
        else:  # other content follows on its line (a closing bracket)
            tail_span, tail_inline = (tail, tail), True
        out.append(Item((lead, (s, e), tail_span), k))
    if leads_moving and lead_inline or tails_moving and tail_inline:
        stuck = "an item with comments shares its line with a bracket"
    return Sequence(tuple(out), what, keys, min_items, stuck)

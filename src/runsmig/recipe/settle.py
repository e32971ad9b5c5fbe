"""A recipe must settle: after ``apply``, ``plan`` finds nothing more to do and ``check`` is clean.

A map that writes what it (or another entry) rewrites again never settles: ``job -> job``,
``job -> run`` beside ``run -> job`` (it flips back on every plan), ``job -> run`` beside
``run -> task`` (a chain), a symbol or phrase whose replacement still holds a term, two entries
for one word. Each is a load error naming the entry's file:line:col.
"""

from __future__ import annotations

from runsmig.errors import RecipeError
from runsmig.recipe.model import Term
from runsmig.recipe.yamlnode import Node


def settles(terms: tuple[Term, ...], term_nodes: list[Node], symbols: dict[str, str],
            phrases: tuple[tuple[str, str], ...], keep: tuple[str, ...], fields: dict[str, Node]) -> None:
    """Raise :class:`RecipeError` at the first entry that keeps the recipe from settling."""
    _terms_settle(terms, term_nodes)
    if symbols:
        _symbols_settle(terms, symbols, keep, fields["symbols"].mapping())
    if phrases:
        _phrases_settle(terms, phrases, keep, fields["phrases"].mapping())


def _terms_settle(terms: tuple[Term, ...], nodes: list[Node]) -> None:
    owner: dict[str, int] = {}  # a word a term rewrites -> the entry that rewrites it
    for i, t in enumerate(terms):
        for word in (t.singular, t.plural):
            if word in owner and owner[word] != i:
                raise _at(nodes[i], "from", f"terms[{i}]: '{word}' is rewritten by terms[{owner[word]}] already; "
                                             "two maps for one word cannot both hold")
            owner[word] = i
    for i, t in enumerate(terms):
        for word in (t.to_singular, t.to_plural):
            j = owner.get(word)
            if j == i:
                raise _at(nodes[i], "to", f"terms[{i}]: '{t.singular}' is mapped to '{word}', a form of itself: "
                                          "the recipe can never settle")
            if j is not None:
                raise _at(nodes[i], "to", f"terms[{i}]: its replacement '{word}' is a term of terms[{j}], which "
                                          "would rewrite it again on the next plan: the recipe can never settle")


def _symbols_settle(terms, symbols: dict[str, str], keep, nodes: dict[str, Node]) -> None:
    from runsmig.terms import TermEngine

    engine = TermEngine(terms, None, keep)
    for key, value in symbols.items():
        node = nodes[key]
        if value == key:
            raise node.fail(f"'{key}' is mapped to itself: list it under 'keep:' to leave it as it is")
        if value in symbols:
            raise node.fail(f"its replacement '{value}' is itself a symbol, rewritten again on the next plan: "
                            "the recipe can never settle")
        hits = engine.find(value)
        if hits:
            raise node.fail(f"its replacement '{value}' still holds the term '{hits[0].text}', which the gate "
                            "reports after apply: the recipe can never settle")


def _phrases_settle(terms, phrases, keep, nodes: dict[str, Node]) -> None:
    from runsmig.phrases import _rules, phrase_matches
    from runsmig.terms import TermEngine

    engine = TermEngine(terms, None, keep)
    rules = _rules(tuple(phrases), tuple(terms))
    for key, value in phrases:
        node = nodes[key]
        hits = engine.find(value)
        if hits:
            raise node.fail(f"its replacement '{value}' still holds the term '{hits[0].text}', which the gate "
                            "reports after apply: the recipe can never settle")
        for s, e, r in phrase_matches(value, rules):
            if r.target.lower() != value[s:e].lower():
                raise node.fail(f"its replacement '{value}' is matched by the phrase '{r.source}', which "
                                "rewrites it again on the next plan: the recipe can never settle")


def _at(node: Node, key: str, message: str) -> RecipeError:
    m = node.value
    ln, col = node.line, node.col
    try:
        ln, col = (x + 1 for x in m.lc.value(key))
    except Exception:  # a flow mapping without positions: the entry's own
        pass
    return RecipeError(message, node.file, ln, col)

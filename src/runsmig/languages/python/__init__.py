"""Python sources through LibCST, scope- and origin-aware.

One parse per file; the tree decides what an occurrence is, the shared term
engine decides what replaces it, and every edit is a narrow span (a name, a
string's text, a comment), so formatting, comments and line endings survive.

Kinds: ``identifier`` (modules, classes, functions, methods, parameters,
variables, attributes, keyword arguments, import names), ``string`` (literals
and f-string text: routes, table and env-var names, messages, ``__all__``),
``docstring`` and ``comment``.

What is not renamed, see :mod:`runsmig.languages.python.decide` (third-party names,
collisions, uses of removed names) and :mod:`runsmig.languages.python.imports`
(imports of moved and deleted modules, merged duplicates). A file that does not
parse is reported with its line and left byte-for-byte untouched.
"""

from __future__ import annotations

from runsmig.findings import Analysis
from runsmig.languages.base import FileContext, Language


class Python(Language):
    name = "python"
    patterns = ("*.py", "*.pyi")
    priority = 10
    listing_queries = True  # only through its module index (runsmig.languages.python.modules)

    # LibCST is imported when a Python file is analysed (this package's modules that answer
    # questions about the file list, such as .modules, must not need it)
    def session(self):
        from runsmig.languages.python.fastvisit import fast_visits

        return fast_visits()

    def analyze(self, ctx: FileContext) -> Analysis:
        from runsmig.languages.python.rewrite import analyze

        return analyze(ctx)


LANGUAGE = Python()

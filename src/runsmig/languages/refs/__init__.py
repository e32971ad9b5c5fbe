"""Path references: strings in any file that name a file or folder of the checkout.

When a file or folder moves, every reference to it follows (:mod:`.follow`, a pass over every
analysed file after its language's own); a reference that cannot be followed safely (built from
pieces, a glob the new name would leave, ambiguous between two roots, a style that cannot name the
new place) makes that move a conflict before any file is analysed (:mod:`.settle`): the file stays
where it is, and what refers to it stays as it is.

* :mod:`.tokens` finds candidate references lexically (quoted strings, ``url()``, attribute
  values, Markdown destinations, bare path-like words) and dynamic ones (template literals with
  ``${}``, ``+`` concatenations, f-strings, globs);
* :mod:`.resolve` resolves one against the file list (relative to the file, a web root such as
  ``static/`` or ``public/``, a bundler alias such as ``@site/``, the checkout root) and writes it
  again for the new place, in its own style.
"""

from runsmig.languages.refs.resolve import answer

__all__ = ["answer"]

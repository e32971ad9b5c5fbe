"""Deprecated aliases for renamed public names (issue #22): the shared parts.

A library that renames its public API keeps the old spellings for a while, as deprecated aliases
pointing at the new names; ``apply`` also writes a recipe for downstream projects; ``runsmig compat
drop`` removes the aliases once their window is over. Modules:

- ``model``: :class:`Alias` (old qualified name, new qualified name, kind, language, removed_in).
- ``marker``: the one-line marker of generated compat code and ``check``'s reasons for it.
- ``settings``: ``resolve(root, recipe) -> Compat`` (the recipe's ``compat:`` section or the default
  read from the checkout's metadata; the removal release).
- ``planning``: ``extend(root, recipe, result, changes) -> (changes, aliases, notes)``, called by
  ``runsmig.plan.build_plan``; every module of ``runsmig.compat.makers`` is a language's alias maker.
- ``downstream``: the downstream recipe: ``render(aliases, library, removed_in, recipe_name)`` and
  its ``downstream:`` section; ``rewrite.build(root, recipe)`` is its plan (Python files; other
  languages register in ``runsmig.compat.downstreams``).
- ``drop``: ``drop_changes(root, before)``, the changes that remove the aliases whose window is over.
- Python: ``pysurface`` (public surface of a module), ``pyruntime`` (the generated compat module,
  hooks, shims), ``makers.python`` (the maker).
"""

"""Downstream rewriters of other languages, registered by existing: each module defines
``rewrite(root, recipe) -> (changes, notes)`` (runsmig.plan.Change values of the files of its
language, and notes), called by runsmig.compat.rewrite.build after the Python files. The recipe's
``downstream`` section (runsmig.compat.downstream.DownstreamSection) holds the renames by kind."""

"""Downstream rewriters of other languages, registered by existing: each module defines
``rewrite(root, recipe, files, changes) -> (changes, notes)``: given the checkout's files
(checkout-relative) and the plan's changes so far (runsmig.plan.Change values), it returns them
with its language's rewrites merged in (a file already changed is changed further, from its new
text), and its notes. runsmig.compat.rewrite.build calls each, in name order, after the Python
files. The recipe's ``downstream`` section (runsmig.compat.downstream.DownstreamSection) holds the
renames by kind."""

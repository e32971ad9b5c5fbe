"""Alias makers, one module per language, registered by existing: each defines
``make(ctx: runsmig.compat.planning.Context) -> runsmig.compat.planning.Output``.
A maker reads the plan's changes (old and new bytes of each file), finds the renamed public names of
its language and returns the aliases (runsmig.compat.model.Alias), the final content of files it
adds hooks to, and the files it creates (compat modules, shims). It must not delete a statement."""

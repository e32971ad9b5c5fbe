"""Python aliases (stub)."""
from runsmig.compat.planning import Output


def make(ctx):
    return Output()

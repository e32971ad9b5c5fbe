"""``downstream:`` section: the recipe ``apply`` writes for projects that use a renamed library
(runsmig.compat.downstream, which documents it). A recipe with this section needs no ``terms``."""

from runsmig.compat.downstream import DownstreamSection, parse

__all__ = ["DownstreamSection", "parse"]

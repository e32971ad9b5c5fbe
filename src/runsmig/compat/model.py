"""One renamed public name and its alias.

``old``/``new`` are qualified names: ``pkg.mod`` (module), ``pkg.mod.Name`` (module-level name),
``pkg.mod.Class.member`` (member), ``pkg.mod.func(param)`` / ``pkg.mod.Class.meth(param)``
(keyword parameter), ``pkg.mod:--flag`` (CLI option of a command defined in pkg.mod), ``$NAME``
(environment variable), ``django.conf.settings.NAME`` (a Django setting the package reads); for TS/JS, ``package/entry:Name`` and ``package/entry:Type.member``.
``kind`` is one of KINDS. ``aliased``: whether the plan adds an alias for it (False with
``compat: none`` or when no alias can be made, with ``why``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS = ("module", "name", "member", "parameter", "dictkey", "option", "env", "setting", "export", "type", "key", "flag")


@dataclass(frozen=True)
class Alias:
    old: str
    new: str
    kind: str  # one of KINDS
    language: str  # "python", "typescript"
    removed_in: str | None
    aliased: bool = True
    where: str = ""  # the file that holds the alias (checkout-relative)
    why: str = ""  # when not aliased: why not

    def as_dict(self) -> dict:
        return asdict(self)

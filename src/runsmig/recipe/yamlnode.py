"""Typed access to a recipe's YAML values (runsmig.recipe.yamlload: dicts and lists that know where
each key, value and item was written) with file:line:col errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runsmig.errors import RecipeError


@dataclass(frozen=True)
class Node:
    """A value in a recipe plus where it was written (1-based line/col)."""

    value: Any
    file: str
    line: int | None
    col: int | None
    where: str  # dotted path, e.g. "paths.rename[2].from"

    def fail(self, message: str) -> RecipeError:
        return RecipeError(f"{self.where}: {message}", self.file, self.line, self.col)

    def _child_pos(self, key: Any) -> tuple[int | None, int | None]:
        v = self.value
        try:
            if isinstance(v, dict) and hasattr(v, "lc"):
                ln, cl = v.lc.value(key) if v[key] is not None else v.lc.key(key)
                return ln + 1, cl + 1
            if isinstance(v, list) and hasattr(v, "lc"):
                ln, cl = v.lc.item(key)
                return ln + 1, cl + 1
        except Exception:  # pragma: no cover - position info is best effort
            pass
        return self.line, self.col

    def key_pos(self, key: Any) -> tuple[int | None, int | None]:
        v = self.value
        try:
            ln, cl = v.lc.key(key)
            return ln + 1, cl + 1
        except Exception:
            return self.line, self.col

    # -- containers -------------------------------------------------------
    def mapping(self, allowed: set[str] | None = None, required: set[str] = frozenset()) -> dict[str, "Node"]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected a mapping, got {_kind(self.value)}")
        out: dict[str, Node] = {}
        for key in self.value:
            if not isinstance(key, str):
                ln, cl = self.key_pos(key)
                raise RecipeError(f"{self.where}: keys must be strings, got {key!r}", self.file, ln, cl)
            if allowed is not None and key not in allowed:
                ln, cl = self.key_pos(key)
                hint = ", ".join(sorted(allowed))
                raise RecipeError(f"{self._sub(key)}: unknown key (allowed: {hint})", self.file, ln, cl)
            ln, cl = self._child_pos(key)
            out[key] = Node(self.value[key], self.file, ln, cl, self._sub(key))
        for key in sorted(required - set(out)):
            raise self.fail(f"missing required key '{key}'")
        return out

    def sequence(self) -> list["Node"]:
        if self.value is None:
            return []
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, got {_kind(self.value)}")
        out = []
        for i, item in enumerate(self.value):
            ln, cl = self._child_pos(i)
            out.append(Node(item, self.file, ln, cl, f"{self.where}[{i}]"))
        return out

    # -- scalars ----------------------------------------------------------
    def string(self, non_empty: bool = True) -> str:
        if not isinstance(self.value, str):
            raise self.fail(f"expected a string, got {_kind(self.value)}")
        if non_empty and not self.value.strip():
            raise self.fail("must not be empty")
        return str(self.value)

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, got {_kind(self.value)}")
        return self.value

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"expected an integer, got {_kind(self.value)}")
        return int(self.value)

    def choice(self, options: set[str]) -> str:
        s = self.string()
        if s not in options:
            raise self.fail(f"'{s}' is not one of: {', '.join(sorted(options))}")
        return s

    def strings(self) -> list[str]:
        if isinstance(self.value, str):
            return [self.value]
        return [n.string() for n in self.sequence()]

    def string_map(self) -> dict[str, str]:
        return {k: v.string(non_empty=False) for k, v in self.mapping().items()}

    def _sub(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key


def _kind(v: Any) -> str:
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, (int, float)):
        return f"a number ({v})"
    return f"a string ({v!r})"

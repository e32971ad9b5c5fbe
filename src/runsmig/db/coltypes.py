"""Render SQLAlchemy column types as Python source (``sa.String(length=26)`` / ``String(26)``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def render_type(t: Any, prefix: str = "sa.") -> str:
    p = prefix
    if isinstance(t, sa.Enum):
        args = ", ".join(repr(v) for v in t.enums)
        kw = [f"name={t.name!r}"] if t.name else []
        if not t.native_enum:
            kw.append("native_enum=False")
            if t.length:
                kw.append(f"length={t.length}")
        return f"{p}Enum({', '.join([args, *kw]) if args else ', '.join(kw)})"
    if isinstance(t, sa.JSON):
        return f"{p}JSON()"
    if isinstance(t, sa.Text):
        return f"{p}Text()"
    if isinstance(t, sa.String):
        return f"{p}String(length={t.length})" if t.length else f"{p}String()"
    if isinstance(t, sa.BigInteger):
        return f"{p}BigInteger()"
    if isinstance(t, sa.SmallInteger):
        return f"{p}SmallInteger()"
    if isinstance(t, sa.Integer):
        return f"{p}Integer()"
    if isinstance(t, sa.Boolean):
        return f"{p}Boolean()"
    if isinstance(t, sa.DateTime):
        return f"{p}DateTime(timezone=True)" if t.timezone else f"{p}DateTime()"
    if isinstance(t, sa.Date):
        return f"{p}Date()"
    if isinstance(t, sa.Time):
        return f"{p}Time()"
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
        return f"{p}Numeric(precision={t.precision}, scale={t.scale})"
    if isinstance(t, sa.Float):
        return f"{p}Float()"
    if isinstance(t, sa.LargeBinary):
        return f"{p}LargeBinary()"
    if isinstance(t, sa.Uuid):
        return f"{p}Uuid()"
    raise ValueError(f"cannot render column type {t!r}")


def python_annotation(t: Any) -> str:
    if isinstance(t, sa.JSON):
        return "Any"
    if isinstance(t, sa.String):
        return "str"
    if isinstance(t, sa.Integer):
        return "int"
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.Numeric):
        return "float" if isinstance(t, sa.Float) else "Decimal"
    if isinstance(t, sa.LargeBinary):
        return "bytes"
    return "Any"

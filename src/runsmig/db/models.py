"""What the SQLAlchemy models must do after the revisions: ``Run`` gains the added columns,
indexes and foreign keys; ``Job`` goes away. The Python rewrite belongs to the code
transformers; this renders the declarations to paste (2.0-style ``Mapped`` / ``mapped_column``),
so that after ``alembic upgrade head`` an autogenerate comparison finds no difference."""

from __future__ import annotations

from runsmig.db.carry import CarryPlan
from runsmig.db.coltypes import python_annotation, render_type


def _q(v: str) -> str:
    return '"' + v + '"' if '"' not in v and "\\" not in v else repr(v)


def render_model_declarations(plan: CarryPlan, class_name: str = "Run", source_class: str = "Job") -> str:
    """Text with three parts: column lines for the class body, ``__table_args__`` entries, notes."""
    fks = {fk.column: fk for fk in plan.foreign_keys}
    cols = []
    for a in plan.added:
        args = [render_type(a.type, prefix="")]
        fk = fks.get(a.name)
        if fk is not None:
            extra = "".join(f', {k}="{v}"' for k, v in (("ondelete", fk.ondelete), ("onupdate", fk.onupdate)) if v)
            args.append(f'ForeignKey("{fk.ref_table}.{fk.ref_column}"{extra}, name="{fk.name}")')
        args.append(f"nullable={a.nullable}")
        if a.default is not None:
            args.append(f"server_default=text({_q(a.default)})")
        ann = python_annotation(a.type)
        if a.nullable:
            ann = f"{ann} | None"
        cols.append(f"    {a.name}: Mapped[{ann}] = mapped_column({', '.join(args)})")
    idx = [
        f'        Index("{ix.name}", {", ".join(_q(c) for c in ix.columns)}{", unique=True" if ix.unique else ""}),'
        for ix in plan.indexes
    ]
    parts = [
        f"# {class_name} ({plan.spec.target_table}): add to the class body",
        *cols,
        f"# {class_name}.__table_args__: add",
        *idx,
        f"# delete class {source_class} ({plan.spec.source_table}) and every import of it",
    ]
    return "\n".join(parts) + "\n"

"""What the SQLAlchemy models must do after the revisions: ``Run`` gains the added columns,
indexes and foreign keys; ``Job`` goes away. The Python rewrite belongs to the code
transformers; this renders the declarations to paste (2.0-style ``Mapped`` / ``mapped_column``),
so that after ``alembic upgrade head`` an autogenerate comparison finds no difference."""

from __future__ import annotations

from runsmig.db.carry import CarryPlan
from runsmig.db.model_edit import index_entries, members


def render_model_declarations(plan: CarryPlan, class_name: str = "Run", source_class: str = "Job") -> str:
    """Text with three parts: column lines for the class body, ``__table_args__`` entries, notes."""
    # the same members and indexes the plan's model edit inserts (runsmig.db.model_edit): printed == written
    cols = [f"    {m.name}: Mapped[{m.annotation}] = mapped_column({', '.join(m.args)})" for m in members(plan)]
    idx = [f"        {src}," for _, src in index_entries(plan)]
    parts = [
        f"# {class_name} ({plan.spec.target_table}): add to the class body",
        *cols,
        f"# {class_name}.__table_args__: add",
        *idx,
        f"# delete class {source_class} ({plan.spec.source_table}) and every import of it",
    ]
    return "\n".join(parts) + "\n"

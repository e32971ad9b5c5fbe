"""ade_api_run_model_columns

What it does: in ADE's ``features/runs/models.py``, the ``Run`` model (``__tablename__ = "runs"``)
declares every column, foreign key and index that the generated revision ``NNNN_runs_extend``
adds to ``runs`` (``config_version_id``, ``submitted_by_user_id``, ``attempt``, ``retry_of_run_id``,
``input_documents``, ``trace_id``, the stored ``*_uri`` paths, ``canceled_at``; indexes
``runs_config_version_idx``, ``runs_retry_of_idx``), with the imports they need.
Why: the revisions carry job history into these columns; a model without them never writes or
reads them, and ``alembic check`` (autogenerate) would propose dropping them again. The
declarations come from the same carry plan as the revisions (runsmig.db.model_edit), so model
and migration cannot disagree.
Example: ``error_message: Mapped[str | None] = mapped_column(Text, nullable=True)`` is followed by
``attempt: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))`` ...;
``__table_args__`` gains ``Index("runs_retry_of_idx", "retry_of_run_id"),``.
No-op when the checkout has no jobs table at its Alembic head (after the revisions) or the
model already declares them.
"""

from runsmig.db import model_edits
from runsmig.findings import Analysis, Edit

PATHS = ["apps/ade-api/src/ade_api/features/runs/models.py"]


def transform(ctx):
    return Analysis(edits=[Edit(start, end, text) for start, end, text in model_edits(ctx.root, ctx.recipe, ctx.text)])

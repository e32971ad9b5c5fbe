"""Stored names in SQL: what a database (or a LISTEN/NOTIFY listener) knows by name.

:func:`read` takes SQL text (a ``.sql`` file, or the text of a string literal with its template
holes) and returns the stored names in it with their kind and exact offsets; :func:`looks_like_sql`
is the cheap test a pass makes before asking. sqlglot is imported only when SQL is read.
"""

from runsmig.sql.mask import Bind, mask
from runsmig.sql.reader import Reading, StoredName, check_dialect, looks_like_sql, read

__all__ = ["Bind", "Reading", "StoredName", "check_dialect", "looks_like_sql", "mask", "read"]

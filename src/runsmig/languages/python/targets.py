"""What a class or function of the checkout accepts and declares, read from its module with
``ast``: the keyword parameters a call of it binds (a function's parameters, a class's
``__init__`` parameters and fields) and the attributes its instances have.

Asked when a keyword or attribute hangs off a third-party call that was handed checkout code
(``executor.submit(own_fn, job_id=1)``, ``get_object_or_404(OwnModel, pk=1).jobs``): the keyword
binds to ``own_fn`` when it names one of its parameters, the attribute to ``OwnModel`` when it
names one of its members. ``None`` in a field means "cannot be known from here" (a base class or
a decorator we cannot see), never "has none".
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from runsmig.languages.python.members import _tree, class_info
from runsmig.languages.python.modules import ModuleIndex


@dataclass(frozen=True)
class Target:
    name: str
    params: frozenset[str] | None  # keyword parameters a call binds; None: unknown
    open_params: bool  # **kwargs, or a class whose constructor we cannot see whole
    members: frozenset[str] | None  # attributes of an instance (or of the class); None: unknown
    open_members: bool  # a third-party base: it has more members than we can see


def target_info(idx: ModuleIndex, root: Path, rel: str, name: str) -> Target | None:
    """The class or function ``name`` defined at the top level of checkout module ``rel``."""
    tree = _tree(root, rel)
    if tree is None:
        return None
    for st in tree.body:
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name == name:
            a = st.args
            params = {p.arg for p in a.args + a.kwonlyargs}
            return Target(name, frozenset(params), a.kwarg is not None, None, True)
    info = class_info(idx, root, rel, name)
    if info is None:
        return None
    open_ = info.open_kwargs or info.third_party_base
    return Target(name, frozenset(info.fields), open_, frozenset(info.members), info.third_party_base)

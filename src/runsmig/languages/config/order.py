"""The keys of JSON objects and YAML mappings that a dump keeps sorted (``json.dumps(sort_keys=True)``,
``yaml.dump``'s default, ``jq -S``; see :mod:`runsmig.languages.order`). An object of three or more
keys counts on its own; one of two keys only when every object of two or more keys in the file was
sorted (a sorted dump), since two keys are in order by chance half the time."""

from __future__ import annotations

import re

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from runsmig.languages.order import KEYS, Item, Sequence, leading_comments, line_end, line_start, listed

KEY_FUNCS = ("plain", "ci", "natural")
_ANCHOR = re.compile(r"(?<![\w\-])[&*][A-Za-z0-9_\-]+|<<\s*:")


def json_sequences(text: str, toks) -> list[Sequence]:
    seqs: list[Sequence] = []
    stack: list[dict] = []
    for i, t in enumerate(toks):
        if t.type == "comment":
            continue
        c = text[t.start] if t.type == "punct" else ""
        if c in ("{", "["):
            stack.append({"obj": c == "{", "members": []})
            continue
        if c in ("}", "]"):
            if not stack:
                continue
            cont = stack.pop()
            if cont["obj"]:
                items = [(s, e, ((0, ks, ke),)) for s, e, ks, ke in cont["members"]]
                seq = listed(text, items, "the keys of this object", KEY_FUNCS, ("//", "/*", "*"), min_items=2)
                if seq is not None:
                    seqs.append(seq)
            _ends(stack, t.end)
            continue
        if c:
            continue  # , :
        j = i + 1
        while j < len(toks) and toks[j].type == "comment":
            j += 1
        is_key = j < len(toks) and toks[j].type == "punct" and text[toks[j].start] == ":"
        if is_key and stack and stack[-1]["obj"]:
            ks, ke = t.inner if t.type == "string" else (t.start, t.end)
            stack[-1]["members"].append([t.start, t.end, ks, ke])
        else:
            _ends(stack, t.end)
    return _by_evidence(text, seqs)


def _ends(stack: list[dict], end: int) -> None:
    """A value ended at ``end``: it ends the innermost object's last member."""
    if stack and stack[-1]["obj"] and stack[-1]["members"]:
        stack[-1]["members"][-1][1] = end


def _by_evidence(text: str, seqs: list[Sequence]) -> list[Sequence]:
    """Two-key objects count only when every object of the file was sorted before."""
    def was_sorted(seq: Sequence) -> bool:
        keys = [text[it.keys[0][1]:it.keys[0][2]] for it in seq.items]
        return any(all(not (KEYS[k](b) < KEYS[k](a)) for a, b in zip(keys, keys[1:])) for k in KEY_FUNCS)

    dump = len(seqs) > 1 and all(was_sorted(s) for s in seqs)
    return [s if dump or len(s.items) >= 3 else Sequence(s.items, s.what, s.keys, 3, s.stuck) for s in seqs]


def yaml_sequences(text: str, docs) -> list[Sequence]:
    seqs: list[Sequence] = []
    seen: set[int] = set()

    def walk(node) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for k, v in node.value:
                walk(k)
                walk(v)
            seq = _mapping(text, node)
            if seq is not None:
                seqs.append(seq)
        elif isinstance(node, SequenceNode):
            for v in node.value:
                walk(v)

    for d in docs:
        walk(d)
    return _by_evidence(text, seqs)


def _key_span(k: ScalarNode) -> tuple[int, int]:
    s, e = k.start_mark.index, k.end_mark.index
    return (s + 1, e - 1) if k.style in ('"', "'") else (s, e)


def _mapping(text: str, node: MappingNode) -> Sequence | None:
    pairs = node.value
    if len(pairs) < 2 or not all(isinstance(k, ScalarNode) for k, _ in pairs):
        return None
    if node.flow_style:
        items = [(k.start_mark.index, _trim(text, v.end_mark.index, k.start_mark.index), ((0, *_key_span(k)),))
                 for k, v in pairs]
        return listed(text, items, "the keys of this mapping", KEY_FUNCS, ("#",), min_items=2)
    starts = [k.start_mark.index for k, _ in pairs]
    leads = []
    inline = False
    for s in starts:
        ls = line_start(text, s)
        if text[ls:s].strip():  # "- key:" (the first key of a list item)
            leads.append((s, s))
            inline = True
        else:
            leads.append((leading_comments(text, s, ("#",)), ls))
    items = []
    for i, (k, v) in enumerate(pairs):
        if i + 1 < len(pairs):
            end = _trim(text, leads[i + 1][0], starts[i])
        else:
            end = _trim(text, v.end_mark.index, starts[i], comments=not isinstance(v, ScalarNode))
            if text[end:line_end(text, end)].strip().startswith("#"):
                end = line_end(text, end)  # its trailing comment, as the other keys have theirs
        items.append(Item((leads[i], (starts[i], end)), ((0, *_key_span(k)),)))
    stuck = ""
    if inline and any(a != b for a, b in leads):
        stuck = "a key with comments above it shares its line"
    lo, hi = starts[0], items[-1].parts[-1][1]
    if _ANCHOR.search(re.sub(r"(?m)(^|\s)#.*$", "", text[lo:hi])):
        stuck = "anchors, aliases or merge keys"
    return Sequence(tuple(items), "the keys of this mapping", KEY_FUNCS, 2, stuck)


def _trim(text: str, end: int, floor: int, comments: bool = True) -> int:
    """``end`` moved back over whitespace (and, when ``comments``, over comment-only lines)."""
    while True:
        while end > floor and text[end - 1].isspace():
            end -= 1
        ls = line_start(text, end)
        if comments and ls > floor and text[ls:end].lstrip().startswith("#"):
            end = ls
            continue
        return max(end, floor)


__all__ = ["json_sequences", "line_end", "yaml_sequences"]

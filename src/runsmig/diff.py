"""Git-style unified diffs (modify, rename, delete, create) that ``git apply`` accepts."""

from __future__ import annotations

import difflib
import hashlib
import zlib

NULL_SHA = "0" * 40


def quote_path(p: str) -> str:
    """C-style quoting, as git does, when a path needs it."""
    if not any(c in p for c in '"\\\t\n') and not any(ord(c) < 32 for c in p) and p == p.strip():
        return p
    out = []
    for ch in p:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32:
            out.append(f"\\{ord(ch):03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _ab(prefix: str, p: str) -> str:
    return quote_path(prefix + p)


def git_blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _hunks(old: bytes, new: bytes, context: int = 3) -> list[bytes]:
    a, b = _lines(old), _lines(new)
    out: list[bytes] = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in sm.get_grouped_opcodes(context):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        out.append(b"@@ -%s +%s @@\n" % (_range(i1, i2), _range(j1, j2)))
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                for line in a[a1:a2]:
                    out.append(_line(b" ", line))
                continue
            for line in a[a1:a2]:
                out.append(_line(b"-", line))
            for line in b[b1:b2]:
                out.append(_line(b"+", line))
    return out


def _range(start: int, stop: int) -> bytes:
    length = stop - start
    first = start + 1 if length else start
    if length == 1:
        return b"%d" % first
    return b"%d,%d" % (first, length)


def _line(sign: bytes, line: bytes) -> bytes:
    if line.endswith(b"\n"):
        return sign + line
    return sign + line + b"\n\\ No newline at end of file\n"


def _binary_literal(data: bytes) -> bytes:
    """A 'GIT binary patch' literal block (zlib + git's base85)."""
    z = zlib.compress(data, 9)
    out = [b"literal %d\n" % len(data)]
    for i in range(0, len(z), 52):
        chunk = z[i : i + 52]
        n = len(chunk)
        ch = chr(ord("A") + n - 1) if n <= 26 else chr(ord("a") + n - 27)
        out.append(ch.encode() + _b85(chunk) + b"\n")
    out.append(b"\n")
    return b"".join(out)


_B85 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"


def _b85(data: bytes) -> bytes:
    pad = (-len(data)) % 4
    data = data + b"\0" * pad
    out = bytearray()
    for i in range(0, len(data), 4):
        acc = int.from_bytes(data[i : i + 4], "big")
        chars = []
        for _ in range(5):
            acc, r = divmod(acc, 85)
            chars.append(_B85[r])
        out.extend(reversed(chars))
    return bytes(out)


def _is_binary(data: bytes) -> bool:
    return b"\0" in data[:8000]


def file_diff(action: str, path: str, new_path: str | None, old: bytes | None, new: bytes | None, mode: int) -> bytes:
    """One file's section of a git diff."""
    m = b"%o" % mode
    a_path = path
    b_path = new_path or path
    head = b"diff --git %s %s\n" % (_ab("a/", a_path).encode(), _ab("b/", b_path).encode())
    body: list[bytes] = [head]
    old = old or b""
    new = new or b""
    if action == "create":
        body.append(b"new file mode %s\n" % m)
    elif action == "delete":
        body.append(b"deleted file mode %s\n" % m)
    elif action == "rename":
        sim = int(round(100 * difflib.SequenceMatcher(None, _lines(old), _lines(new), autojunk=False).ratio())) if old or new else 100
        body.append(b"similarity index %d%%\n" % sim)
        body.append(b"rename from %s\n" % quote_path(a_path).encode())
        body.append(b"rename to %s\n" % quote_path(b_path).encode())
    if old == new and action in ("rename",):
        return b"".join(body)
    if _is_binary(old) or _is_binary(new):
        osha = git_blob_sha(old) if action != "create" else NULL_SHA
        nsha = git_blob_sha(new) if action != "delete" else NULL_SHA
        body.append(b"index %s..%s\n" % (osha.encode(), nsha.encode()))
        body.append(b"GIT binary patch\n")
        body.append(_binary_literal(new))
        body.append(_binary_literal(old))
        return b"".join(body)
    from_name = b"/dev/null" if action == "create" else _ab("a/", a_path).encode()
    to_name = b"/dev/null" if action == "delete" else _ab("b/", b_path).encode()
    hunks = _hunks(old, new)
    if not hunks:
        return b"".join(body) if action in ("create", "delete") else b""
    body.append(b"--- %s\n+++ %s\n" % (from_name, to_name))
    body.extend(hunks)
    return b"".join(body)

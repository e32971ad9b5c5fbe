"""Read and write text files keeping encoding, BOM, line endings and mode."""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from runsmig import tempfiles

BOM = b"\xef\xbb\xbf"
# byte-order marks of the wide encodings, UTF-32 first (its little-endian mark starts with UTF-16's)
WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
             (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


@dataclass(frozen=True)
class Decoded:
    text: str
    mark: bytes = b""  # the byte-order mark the file starts with (b"": none)
    encoding: str = "utf-8"

    @property
    def bom(self) -> bool:
        return bool(self.mark)

    def encode(self, text: str) -> bytes:
        """``text`` as the file was: same encoding, same byte-order mark (an unchanged text gives
        back the very bytes it was decoded from)."""
        if self.encoding == "utf-8":
            return self.mark + text.encode("utf-8", "surrogateescape")
        return self.mark + text.encode(self.encoding)


class DecodeFailure(ValueError):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


def wide_mark(data: bytes) -> tuple[bytes, str] | None:
    """(byte-order mark, encoding) of a UTF-16 or UTF-32 text that starts with its mark."""
    for mark, encoding in WIDE_BOMS:
        if data.startswith(mark):
            return mark, encoding
    return None


def decode(data: bytes) -> Decoded:
    """UTF-8 (with or without its mark), or UTF-16/UTF-32 that start with a byte-order mark."""
    wide = wide_mark(data)
    if wide is not None:
        mark, encoding = wide
        body = data[len(mark):]
        try:
            return Decoded(body.decode(encoding), mark, encoding)
        except UnicodeDecodeError as exc:
            line = body[:exc.start].decode(encoding, "replace").count("\n") + 1
            name = encoding[:6].upper()
            raise DecodeFailure(line, f"not valid {name} (at byte {exc.start + len(mark)})") from None
    mark = BOM if data.startswith(BOM) else b""
    body = data[len(mark):]
    try:
        return Decoded(body.decode("utf-8"), mark)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise DecodeFailure(line, f"not valid UTF-8 (byte 0x{body[exc.start]:02x})") from None


def is_binary(data: bytes) -> bool:
    """Binary by content: a NUL byte in the first 8000 (git's own test), unless the file starts
    with the byte-order mark of UTF-16 or UTF-32, whose text is full of NUL bytes."""
    return b"\0" in data[:8000] and wide_mark(data) is None


class NotAFile(OSError):
    """A path whose entry is not a regular file (a FIFO, socket, device or folder): never read."""


def read_file(path: Path | str, limit: int = -1) -> bytes:
    """The bytes of a regular file (with ``limit``: its first ``limit`` bytes at most). Opened
    without blocking and without following a final symlink, then checked: a FIFO (whose read would
    wait for a writer forever), a device, a socket or a folder raises :class:`NotAFile` (an
    ``OSError``) instead of being read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotAFile(0, f"not a regular file ({kind_of(st.st_mode)})", str(path))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit)
    finally:
        os.close(fd)


def kind_of(mode: int) -> str:
    """What a non-regular entry is, in words."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISLNK, "a symlink")):
        if test(mode):
            return name
    return "not a file"


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write via a temp file in the same folder + fsync + rename; keep the file mode."""
    folder = path.parent
    if mode is None:
        try:
            mode = stat.S_IMODE(os.lstat(path).st_mode)
        except FileNotFoundError:
            mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=tempfiles.prefix(), suffix=tempfiles.SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platform without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

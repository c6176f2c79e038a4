"""Files the project reads and writes: text with one-line errors, the writer's lock, and
the atomic writer every written file goes through (graph, cache, HTML, exports).

Standard library only (plus filelock, imported when a lock is taken).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any, Iterator

from .errors import FileFormatError, LockedError


def read_text(path: Path | str) -> str:
    """The file's text, or a one-line error for a missing, binary or non-UTF-8 file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(str(path), 0, "file not found (pass --graph PATH or set SUPPLYCHAIN_GRAPH)") from None
    except IsADirectoryError:
        raise FileFormatError(str(path), 0, "is a directory, not a file") from None
    except OSError as e:
        raise FileFormatError(str(path), 0, f"cannot read: {e.strerror}") from None
    if b"\x00" in raw[:8192]:
        raise FileFormatError(str(path), 1, "binary file, expected UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise FileFormatError(str(path), line, "not valid UTF-8 text; save the file as UTF-8") from None


@contextlib.contextmanager
def graph_lock(path: Path | str) -> Iterator[None]:
    """Hold the writer's lock of a graph file; a second writer is refused at once."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path) + ".lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(
            f"{path}: another supplychain process is writing this graph; wait for it to finish and run again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def atomic_write(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 via a temporary file, fsync and rename."""
    with atomic_writer(path) as f:
        f.write(text)


@contextlib.contextmanager
def atomic_writer(path: Path | str, mode: str = "w", *, like: Path | str | None = None) -> Iterator[Any]:
    """A file object whose content replaces ``path`` only once it is complete.

    The text goes to a temporary file beside ``path``, is flushed to disk and renamed
    over it, so a crash leaves either the old file or the new one, never half of one.
    The new file keeps the permissions of the file it replaces (or of ``like``); a new
    file gets the usual ones (0666 less the umask). Text is UTF-8 with ``\n`` newlines.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, os.stat(like if like is not None else path).st_mode & 0o7777)
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

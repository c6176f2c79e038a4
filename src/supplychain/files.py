"""Files the project reads and writes: text with one-line errors, the writer's lock, and
the atomic writer every written file goes through (graph, cache, HTML, exports).

Every failure is a one-line :class:`~supplychain.errors.SupplyChainError`, never a
traceback: a missing, binary, non-UTF-8, oversized or non-regular file on reading (a FIFO
or ``/dev/zero`` is refused before it is opened, and reads are bounded); a read-only
folder, an immutable file, a full disk or a directory in the way on writing, which leaves
the old file as it was and no temporary file. Writes and the lock follow symbolic links
to the real file: writing through a link updates the file it points to, and writers
through the link and through the real path take the same lock. A writer killed mid-write
leaves a hidden ``.NAME.PID.XXXXXXXX.tmp`` file; the next write in that folder removes
those whose process is gone. The lock file is removed when the lock is released.

Standard library only (filelock only where ``fcntl`` is missing).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any, Iterator

from .errors import FileFormatError, LockedError, SupplyChainError


class WriteError(SupplyChainError, OSError):
    """A file cannot be written (read-only, immutable, full disk...); nothing was changed.

    An :class:`OSError` too, so callers that treat a failed write as a quiet miss (the
    cache) keep doing so.
    """


def _cannot_write(path: Path | str, e: OSError) -> WriteError:
    reason = e.strerror or str(e)
    hint = {
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EPERM: "the file or its folder is immutable or not yours",
        errno.EACCES: "no permission to write there",
        errno.EISDIR: "a directory is in the way",
        errno.ENOENT: "the folder does not exist",
        errno.ENOTDIR: "a file is in the way of the folder",
    }.get(e.errno)
    where = e.filename if e.filename and str(e.filename) != str(path) else None
    detail = f"{reason}{': ' + str(where) if where else ''}{' (' + hint + ')' if hint else ''}"
    return WriteError(f"{path}: cannot write: {detail}; nothing was written")


def resolved(path: Path | str) -> Path:
    """The real file behind ``path`` (symbolic links followed, also when it does not exist yet)."""
    return Path(os.path.realpath(path))


def read_text(path: Path | str, *, limit: int | None = None, what: str = "file") -> str:
    """The file's text, or a one-line error for a missing, binary, non-UTF-8, non-regular
    or (with ``limit``, in bytes) oversized file. At most ``limit + 1`` bytes are read."""
    path = Path(path)
    raw = read_bytes(path, limit=limit, what=what)
    if b"\x00" in raw[:8192]:
        raise FileFormatError(str(path), 1, "binary file, expected UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise FileFormatError(str(path), line, "not valid UTF-8 text; save the file as UTF-8") from None


def read_bytes(path: Path | str, *, limit: int | None = None, what: str = "file") -> bytes:
    """The bytes of a regular file, or a one-line error for a missing, non-regular or
    (with ``limit``, in bytes) oversized one. At most ``limit + 1`` bytes are read."""
    path = Path(path)
    try:
        fd = _open_regular(path)
    except FileNotFoundError:
        raise FileFormatError(str(path), 0, "file not found (pass --graph PATH or set SUPPLYCHAIN_GRAPH)") from None
    except IsADirectoryError:
        raise FileFormatError(str(path), 0, "is a directory, not a file") from None
    except OSError as e:
        raise FileFormatError(str(path), 0, f"cannot read: {e.strerror or e}") from None
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(fd).st_size
        if limit is not None and size > limit:
            raise FileFormatError(str(path), 0, f"{what} is {_mb(size)}, over the {_mb(limit)} limit; split it")
        try:
            raw = f.read() if limit is None else f.read(limit + 1)
        except OSError as e:
            raise FileFormatError(str(path), 0, f"cannot read: {e.strerror or e}") from None
    if limit is not None and len(raw) > limit:  # grew while read
        raise FileFormatError(str(path), 0, f"{what} is over the {_mb(limit)} limit; split it")
    return raw


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _open_regular(path: Path) -> int:
    """A read descriptor of a regular file. A FIFO, a device or a socket is refused before
    it is opened (opening a FIFO blocks; ``/dev/zero`` never ends)."""
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if not stat.S_ISREG(st.st_mode):
        raise not_regular(path, st)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the two looks
        os.close(fd)
        raise FileFormatError(str(path), 0, "is not a regular file; pass a file")
    return fd


def not_regular(path: Path | str, st: os.stat_result) -> FileFormatError:
    """The one-line refusal of a path that is no regular file (a FIFO, a device...)."""
    kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else ("a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file")
    return FileFormatError(str(path), 0, f"is {kind}, not a regular file; pass a file")


def require_file(path: Path | str) -> None:
    """A one-line error unless ``path`` is an existing regular file (checked before a lock
    is taken: a failed command must leave no lock file and create no folder)."""
    path = Path(path)
    if not path.exists():
        raise FileFormatError(str(path), 0, "file not found (pass --graph PATH or set SUPPLYCHAIN_GRAPH)")
    if path.is_dir():
        raise FileFormatError(str(path), 0, "is a directory, not a file")
    if not path.is_file():
        raise not_regular(path, path.stat())


class GraphLock:
    """What :func:`graph_lock` yields: whether the lock is held, and why not.

    A graph on a read-only file system (or in a folder this user cannot write) can be
    read and planned against, but not written: the lock is then not taken, and
    :meth:`require` (called just before writing) raises the reason. A no-op command
    never writes, so it succeeds there.
    """

    def __init__(self, path: Path | str, problem: WriteError | None = None):
        self.path = path
        self.problem = problem

    @property
    def held(self) -> bool:
        return self.problem is None

    def require(self) -> None:
        if self.problem is not None:
            raise self.problem


@contextlib.contextmanager
def graph_lock(path: Path | str) -> Iterator[GraphLock]:
    """Hold the writer's lock of a graph file; a second writer is refused at once.

    The lock is ``REAL.lock`` beside the real file (symbolic links followed), taken with
    ``flock``; the lock file is removed on release. Its folder is never created.
    """
    lock_path = Path(str(resolved(path)) + ".lock")
    try:
        release = _acquire(lock_path, path)
    except LockedError:
        raise
    except OSError as e:
        if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            # readable, not writable: fail on write, naming the graph (the lock is a detail)
            yield GraphLock(path, _cannot_write(path, OSError(e.errno, e.strerror)))
            return
        raise _cannot_write(lock_path, e) from None
    try:
        yield GraphLock(path)
    finally:
        release()


def _locked(path: Path | str) -> LockedError:
    return LockedError(f"{path}: another supplychain process is writing this graph; wait for it to finish and run again")


def _acquire(lock_path: Path, shown: Path | str):
    """Take the lock; returns the function that releases it (and removes the file)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: filelock's portable lock (its file stays)
        from filelock import FileLock, Timeout

        lock = FileLock(str(lock_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise _locked(shown) from None
        return lock.release
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _locked(shown) from None
        except BaseException:
            os.close(fd)
            raise
        try:  # the holder before us may have removed the file we opened: lock the new one
            same = os.path.samestat(os.fstat(fd), os.stat(lock_path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)

    def release() -> None:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # still holding it: a newcomer that opened it re-checks, as above
        os.close(fd)

    return release


def atomic_write(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 via a temporary file, fsync and rename."""
    with atomic_writer(path) as f:
        f.write(text)


_TEMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$")


def remove_stale_temps(folder: Path | str) -> list[Path]:
    """Remove the temporary files (``.NAME.PID.XXXXXXXX.tmp``) of writers that were killed:
    those whose process no longer exists. Returns what was removed."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = _TEMP.match(entry.name)
            if not m or not entry.is_file(follow_symlinks=False) or _alive(int(m.group(1))):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or a number no pid can be: leave it
    return True


@contextlib.contextmanager
def atomic_writer(path: Path | str, mode: str = "w", *, like: Path | str | None = None) -> Iterator[Any]:
    """A file object whose content replaces ``path`` only once it is complete.

    The text goes to a temporary file beside ``path``, is flushed to disk and renamed
    over it, so a crash leaves either the old file or the new one, never half of one.
    The new file keeps the permissions of the file it replaces (or of ``like``); a new
    file gets the usual ones (0666 less the umask). Text is UTF-8 with ``\n`` newlines.
    A symbolic link is followed: the file it points to is replaced, the link stays. A
    failure to write is a :class:`WriteError` (one line) and leaves no temporary file.
    """
    shown = path
    path = resolved(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path.parent)
        tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    except OSError as e:
        raise _cannot_write(shown, e) from None
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, os.stat(like if like is not None else path).st_mode & 0o7777)
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and not isinstance(e, SupplyChainError):
            raise _cannot_write(shown, e) from None
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

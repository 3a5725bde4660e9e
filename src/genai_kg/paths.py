"""Where genai-kg's files are (bundled data, cache) and how it writes files (atomically)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

#: The files of a dataset, in the order references flow (sources first, courses last).
DATASET_FILES = ("sources", "providers", "skills", "tools", "roles", "courses")


def bundled(name: str) -> Path:
    """Return the bundled folder ``name`` ("data", "ontology" or "queries").

    A wheel carries the folders inside the package; a source checkout has them at its root.

    >>> bundled("ontology").name
    'ontology'
    """
    for candidate in (_PACKAGE / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"genai-kg is installed without its {name!r} folder")


def cache_dir() -> Path:
    """Return genai-kg's cache folder (``$XDG_CACHE_HOME/genai-kg``, else ``~/.cache/genai-kg``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "genai-kg"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    Raises:
        OutputError: the file cannot be written (``no space left on device while writing
            'out/genai-kg.jsonld'``); the old file, if any, is left as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write(target, b"hello")
    >>> target.read_bytes()
    b'hello'
    """
    from genai_kg.errors import OutputError

    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            # A device or pipe (/dev/stdout, a FIFO) cannot be replaced, only written to.
            with path.open("wb") as stream:
                stream.write(data)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep_temporaries(path)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp"
        )
    except OSError as exc:
        raise OutputError(path, exc) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(path, exc) from None
        raise


def _sweep_temporaries(path: Path) -> None:
    """Remove the temporary files of earlier writes of ``path`` whose writer is dead.

    A write killed before its rename leaves ``.NAME.PID-XXXX.tmp`` beside ``path`` (up to
    100 MB for an export); the next write of the same file removes it. A temporary whose
    process still runs is another writer's, and is left alone.
    """
    prefix = f".{path.name}."
    for leftover in path.parent.iterdir():
        name = leftover.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[len(prefix) :].partition("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            leftover.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True


_STAGING = ".{}.build-"  # sibling folders of an output folder, being filled or left by a kill


def write_folder(out: Path, files: dict[str, bytes]) -> bool:
    """Make ``out`` hold ``files`` as one set: a reader sees the old set or the new, never both.

    The files are written into a sibling folder, which then takes ``out``'s place in one
    atomic exchange (Linux ``renameat2``); a kill at any instant leaves ``out`` whole, old or
    new, and the sibling it left behind is removed by the next write into ``out``. A folder
    that holds other files than these is not swapped (that would drop them): each file is then
    replaced on its own, as ``atomic_write`` does, and False is returned.

    Raises:
        OutputError: a file or folder cannot be written; ``out`` is left as it was.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "build"
    >>> write_folder(out, {"a.txt": b"1"}), write_folder(out, {"a.txt": b"2"})
    (True, True)
    >>> sorted(p.name for p in out.parent.iterdir()), (out / "a.txt").read_bytes()
    (['build'], b'2')
    """
    import errno
    import shutil

    from genai_kg.errors import OutputError

    out = Path(os.path.abspath(out))
    if out.is_symlink() or (
        out.exists() and (not out.is_dir() or set(os.listdir(out)) - set(files))
    ):
        for name, data in files.items():
            atomic_write(out / name, data)
        return False
    try:
        above = next(parent for parent in out.parents if parent.exists())
        if not above.is_dir():  # mkdir would say "file exists", which misleads
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        out.parent.mkdir(parents=True, exist_ok=True)
        for leftover in out.parent.glob(_STAGING.format(out.name) + "*"):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=_STAGING.format(out.name)))
    except OSError as exc:
        raise OutputError(out, exc) from None
    current = out
    try:
        for name, data in files.items():
            current = out / name
            with (staging / name).open("wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(staging / name, 0o644)
        os.chmod(staging, 0o755)
        current = out
        if not out.exists():
            os.rename(staging, out)
        elif not _exchange(staging, out):
            # No atomic exchange here: the old set moves aside for the instant of the rename.
            aside = Path(tempfile.mkdtemp(dir=out.parent, prefix=_STAGING.format(out.name)))
            os.rename(out, aside / "old")
            os.rename(staging, out)
            staging = aside
        _fsync_folder(out.parent)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(current, exc) from None
    shutil.rmtree(staging, ignore_errors=True)  # now the old set, or an empty folder
    return True


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import errno

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange):
        code = ctypes.get_errno()
        if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            return False
        raise OSError(code, os.strerror(code), str(second))
    return True


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)

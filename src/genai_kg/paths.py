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
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
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

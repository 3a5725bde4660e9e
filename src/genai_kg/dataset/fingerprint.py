"""The fingerprint of a dataset folder: the key of everything cached from its files.

Apart from ``load.py`` so that the commands that only check a cache (``path``, ``gap``)
never import the YAML parser.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from genai_kg.errors import DataError
from genai_kg.paths import DATASET_FILES

#: The last digest per folder, with the file states it was computed from. A long-running
#: ``serve`` asks for the fingerprint several times per page; hashing the files each time cost
#: about 1 ms a call on the bundled data.
_known: dict[Path, tuple[tuple[tuple[int, ...] | None, ...], str]] = {}
#: How long ago every file must have changed for its digest to be kept.
_SETTLED_NS = 2_000_000_000


def fingerprint(root: Path) -> str:
    """Return a SHA-256 over the dataset's files: the key of everything cached from them.

    The digest is kept while no file changes state (inode, size, modification or change
    time). Tools can set a modification time back but not a change time. As git does with its
    index, a digest is kept only when every file changed at least two seconds before it was
    taken: a file's times are only as fine as the kernel's clock tick, so a write just after
    the hash could leave the same state behind.
    """
    now = time.time_ns()
    states = tuple(_state(root / f"{stem}.yaml") for stem in DATASET_FILES)
    known = _known.get(root)
    if known is not None and known[0] == states:
        return known[1]
    digest = hashlib.sha256()
    for stem in DATASET_FILES:
        path = root / f"{stem}.yaml"
        digest.update(stem.encode())
        try:
            digest.update(path.read_bytes() if path.is_file() else b"\0missing")
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise DataError([f"{path}: cannot be read: {reason}"]) from None
    if all(state is None or state[3] < now - _SETTLED_NS for state in states):
        _known[root] = (states, digest.hexdigest())
    return digest.hexdigest()


def _state(path: Path) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

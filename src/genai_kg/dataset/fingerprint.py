"""The fingerprint of a dataset folder: the key of everything cached from its files.

Apart from ``load.py`` so that the commands that only check a cache (``path``, ``gap``)
never import the YAML parser.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from genai_kg.errors import DataError
from genai_kg.paths import DATASET_FILES


def fingerprint(root: Path) -> str:
    """Return a SHA-256 over the dataset's files: the key of everything cached from them."""
    digest = hashlib.sha256()
    for stem in DATASET_FILES:
        path = root / f"{stem}.yaml"
        digest.update(stem.encode())
        try:
            digest.update(path.read_bytes() if path.is_file() else b"\0missing")
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise DataError([f"{path}: cannot be read: {reason}"]) from None
    return digest.hexdigest()

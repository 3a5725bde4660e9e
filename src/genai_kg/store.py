"""The per-dataset store: built once from the data, found again by the data's fingerprint.

A store folder holds ``fingerprint`` (SHA-256 of the dataset files) and ``catalog.json``
(the planner's index). The default folder is ``<cache>/store-<fingerprint prefix>``, so
changed data gets a new store by itself; an explicit ``--store DIR`` is rebuilt in place
when its fingerprint no longer matches the data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .catalog import Catalog
from .paths import DATASET_FILES, atomic_write, cache_dir


def fingerprint(root: Path) -> str:
    """Return a SHA-256 over the dataset's files: the key of everything cached from them."""
    digest = hashlib.sha256()
    for stem in DATASET_FILES:
        path = root / f"{stem}.yaml"
        digest.update(stem.encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0missing")
    return digest.hexdigest()


def store_dir(data: Path, store: Path | None, key: str) -> Path:
    """Return the store folder for the dataset with fingerprint ``key``."""
    return store if store is not None else cache_dir() / f"store-{key[:16]}"


def open_catalog(data: Path, store: Path | None = None) -> Catalog:
    """Return the planner's catalog of ``data``, building and caching it if needed.

    Raises:
        DataError: the data has problems (only checked when the catalog is (re)built).
    """
    key = fingerprint(data)
    folder = store_dir(data, store, key)
    cached = folder / "catalog.json"
    if (folder / "fingerprint").is_file() and (folder / "fingerprint").read_text() == key:
        try:
            return Catalog.from_json(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable or from another version: rebuild below
    from .build import build_dataset
    from .catalog import catalog_from_dataset

    built = build_dataset(data, shacl=False)
    catalog = catalog_from_dataset(built.dataset, key)
    atomic_write(cached, catalog.to_json().encode("utf-8"))
    atomic_write(folder / "fingerprint", key.encode())
    return catalog

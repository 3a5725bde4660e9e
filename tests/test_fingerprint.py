"""The dataset fingerprint that keys every cache: it must change whenever a file's bytes do,
however soon after the last hash the file is rewritten."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

import genai_kg.dataset.fingerprint as fingerprint_module
from genai_kg.dataset.fingerprint import fingerprint
from genai_kg.paths import bundled


def copy_of_data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled("data"), tmp_path / "data"))


def test_a_same_size_rewrite_at_once_changes_the_fingerprint(tmp_path: Path) -> None:
    data = copy_of_data(tmp_path)
    before = fingerprint(data)
    roles = data / "roles.yaml"
    text = roles.read_bytes()
    # One byte swapped for another: same size, written within the clock tick of the hash.
    roles.write_bytes(text.replace(b"Prompt Engineer", b"Prompt EngineeR", 1))
    assert fingerprint(data) != before


def test_a_kept_digest_is_dropped_when_a_file_is_rewritten_with_its_times_set_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = copy_of_data(tmp_path)
    monkeypatch.setattr(fingerprint_module, "_SETTLED_NS", 0)  # keep the digest at once
    before = fingerprint(data)
    time.sleep(0.05)  # past the clock tick of the copy, as any later edit is
    roles = data / "roles.yaml"
    kept = roles.stat()
    roles.write_bytes(roles.read_bytes().replace(b"Prompt Engineer", b"Prompt EngineeR", 1))
    os.utime(roles, ns=(kept.st_atime_ns, kept.st_mtime_ns))  # as `touch -r` or rsync -t would
    assert roles.stat().st_size == kept.st_size
    assert fingerprint(data) != before


def test_the_same_bytes_give_the_same_fingerprint_in_another_folder(tmp_path: Path) -> None:
    assert fingerprint(copy_of_data(tmp_path)) == fingerprint(bundled("data"))

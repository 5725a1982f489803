"""model.paths: the checks every command's paths go through (the CLI table is test_cli_paths)."""

from __future__ import annotations

import pytest

from sorachi_etl.model.errors import UsageError
from sorachi_etl.model.paths import file_to_read, file_to_write, folder_to_write

READ = {"what": "写真", "option": "--photo", "example": "写真.png"}
WRITE = {"option": "--out", "example": "公表用"}


def code(call) -> str:
    with pytest.raises(UsageError) as err:
        call()
    assert "\n" not in str(err.value)
    return err.value.code


def test_file_to_read(tmp_path, monkeypatch):
    (tmp_path / "写真.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert file_to_read(tmp_path / "写真.png", **READ) == tmp_path / "写真.png"
    assert code(lambda: file_to_read(tmp_path / "ない.png", **READ)) == "path_not_found"
    assert code(lambda: file_to_read(tmp_path, **READ)) == "folder_given_for_file"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert file_to_read("~/写真.png", **READ) == tmp_path / "写真.png"


def test_folder_to_write_creates_nothing(tmp_path):
    target = tmp_path / "公表用"
    assert folder_to_write(target, **WRITE) == target
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # the probe file is gone
    (tmp_path / "a.txt").write_text("x")
    assert code(lambda: folder_to_write(tmp_path / "a.txt", **WRITE)) == "file_given_for_folder"
    assert code(lambda: folder_to_write(tmp_path, empty=True, **WRITE)) == "folder_not_empty"
    assert code(lambda: folder_to_write(tmp_path / "x" / "y", **WRITE)) == "folder_missing"
    assert code(lambda: folder_to_write(tmp_path / "a.txt" / "y", **WRITE)) == "file_in_path"


def test_file_to_write(tmp_path):
    (tmp_path / "a.csv").write_text("x")
    assert file_to_write(tmp_path / "a.csv", **WRITE) == tmp_path / "a.csv"
    assert code(lambda: file_to_write(tmp_path, **WRITE)) == "folder_given_for_file"
    assert code(lambda: file_to_write(tmp_path / "ない" / "a.csv", **WRITE)) == "folder_missing"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]

"""Locate the bundled data folders (schemas/, templates/, samples/).

In a source checkout (or an editable install) they sit at the top of the repo;
an installed wheel carries a copy under sorachi_etl/_data/ (see setup.py).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # sorachi_etl/


def data_dir(name: str) -> Path:
    """Return the folder `name` ("schemas", "templates" or "samples")."""
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found")


def schemas_dir() -> Path:
    return data_dir("schemas")


def templates_dir() -> Path:
    return data_dir("templates")


def samples_dir() -> Path:
    return data_dir("samples")


def base_template() -> Path:
    return templates_dir() / "kpi_template.xlsx"

"""Print pip constraints that pin every dependency to the lowest version pyproject.toml allows.

    python .ci/lowest.py > constraints.txt
    pip install --constraint constraints.txt ".[test]"

Reads `[project] dependencies` and every optional-dependency group: each
requirement "name>=X" (with or without an upper bound) becomes "name==X". A
requirement without a lower bound is an error: every bound we state is tested.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9._-]+)\s*(?:\[[^\]]*\])?\s*(.*)$")


def lowest_pins(pyproject: Path = PYPROJECT) -> list[str]:
    """'name==lower' for each requirement of the project, its extras included."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        requirements += group
    pins = []
    for requirement in requirements:
        m = REQUIREMENT.match(requirement.split(";")[0])
        if m is None:
            raise ValueError(f"cannot read the requirement {requirement!r}")
        name, spec = m.groups()
        lower = re.search(r">=\s*([^,\s]+)", spec)
        if lower is None:
            raise ValueError(f"{requirement!r} has no lower bound (name>=X)")
        pins.append(f"{name}=={lower.group(1)}")
    return pins


if __name__ == "__main__":
    sys.stdout.write("".join(f"{pin}\n" for pin in lowest_pins()))

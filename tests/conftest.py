import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# The published report and its KPI table: facts, copied into the repo (tests/data/reference).
REFERENCE = REPO / "tests" / "data" / "reference"
# The outside corpus of real-world workbooks: the only thing a clone may lack.
REALWORLD = SHARED / "realworld"
# In CI nothing may skip: a test that needs LibreOffice or the corpus fails instead.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_realworld() -> Path:
    """The real-world corpus; skips (fails in CI) where ../shared/realworld is absent."""
    if not REALWORLD.is_dir():
        reason = "../shared/realworld is not beside the repo: the real-world corpus tests skip"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return REALWORLD


def need_soffice() -> str:
    """The LibreOffice executable; skips (fails in CI) where it is not installed."""
    exe = soffice()
    if exe is None:
        reason = "LibreOffice (soffice) is not installed"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return exe


@pytest.fixture(scope="session")
def _sample_master_file(tmp_path_factory) -> Path:
    from sorachi_etl.api import init_master

    path = tmp_path_factory.mktemp("sample") / "master.xlsx"
    init_master(path)
    return path


@pytest.fixture
def sample_master_path(_sample_master_file, tmp_path) -> Path:
    """A fresh copy of the master `init` writes from the bundled sample data."""
    path = tmp_path / "master.xlsx"
    shutil.copy(_sample_master_file, path)
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(path: Path, out_dir: Path, to: str = "pdf") -> Path:
    """Convert a workbook with LibreOffice (as a clerk's Excel stand-in); skips the test
    where LibreOffice is absent, fails it where LibreOffice cannot open the file."""
    import subprocess
    import uuid

    exe = need_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / f".lo_profile_{uuid.uuid4().hex}"
    result = subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out_dir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    shutil.rmtree(profile, ignore_errors=True)
    converted = out_dir / f"{path.stem}.{to}"
    assert converted.exists(), result.stderr
    return converted


@pytest.fixture(scope="session")
def survey_templates(tmp_path_factory):
    """Blank survey workbooks from the sample master, each written once (tests/surveys.py)."""
    from tests.surveys import Templates

    return Templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def realworld() -> Path:
    """The folder of real-world workbooks (see `need_realworld`)."""
    return need_realworld()


def pytest_terminal_summary(terminalreporter) -> None:
    """One line when the outside corpus was absent, instead of a line per skipped test."""
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "shared/realworld" in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"../shared/realworld がないため、実在ブックの {len(skipped)} 件のテストを飛ばしました "
            f"({len(skipped)} tests over the real-world corpus skipped: it is not beside the repo)."
        )

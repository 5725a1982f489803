"""Copy the repo's top-level data folders into the built package.

schemas/, templates/ and samples/ live at the top of the repo, where staff and
developers find them; an installed wheel carries a copy under
sorachi_etl/_data/ so that `pip install . && sorachi-etl demo` works anywhere.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("schemas", "templates", "samples")


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).parent
        target = Path(self.build_lib) / "sorachi_etl" / "_data"
        for name in DATA_DIRS:
            if (root / name).is_dir():
                shutil.copytree(root / name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithData})

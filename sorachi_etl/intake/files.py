"""Which files in the folders a user names are returns to read."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Files in a folder that are never returned surveys.
_SKIP_PREFIXES = ("~$", ".~lock.", ".")


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, and every file inside named folders (lock and hidden files skipped).

    A file reached twice (named and inside a named folder, or through a link) is listed once.
    """
    import stat

    out: list[Path] = []
    seen: set[object] = set()

    def add(path: Path) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        if not stat.S_ISREG(st.st_mode):
            return
        # The inode tells one file, reached twice, without resolving every path; where
        # the system gives none (0: some Windows and network drives), the full path does.
        key: object = (st.st_dev, st.st_ino) if st.st_ino else path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)

    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    not child.name.startswith(_SKIP_PREFIXES)
                    and "backup" not in child.parts[len(path.parts) : -1]
                ):
                    add(child)
        else:
            add(path)
    return out

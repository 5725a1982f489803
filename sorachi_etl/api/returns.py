"""Returned surveys: which files they are, checking them, and copies to send back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sorachi_etl.api.common import gc_paused
from sorachi_etl.api.master import master_file
from sorachi_etl.model.errors import UsageError
from sorachi_etl.model.paths import check_drive, expand, folder_to_write

if TYPE_CHECKING:
    from sorachi_etl.check.validate import Validation
    from sorachi_etl.intake.files import Collection


def returned_files(paths: list[Path]) -> Collection:
    """The files to check under `paths` (files and folders), and what was left aside there,
    or UsageError saying why there is nothing to check.

    Every command that reads returns starts here, so each gets the same answer
    for a path that does not exist or a folder with nothing to check.
    """
    from sorachi_etl.intake.files import collect

    paths = [expand(p) for p in paths]
    for path in paths:
        if not path.exists():
            check_drive(path)
            raise UsageError("path_not_found", what="ファイルまたはフォルダ", path=path)
    found = collect(paths)
    if not found.files:
        nothing_to_check(paths, found.skipped)
    return found


def nothing_to_check(paths: list[Path], skipped: list) -> None:
    """UsageError for returns that turned out to be none: the master, documents, or nothing."""
    named = "、".join(str(p) for p in paths)
    masters = [s for s in skipped if s.kind == "master"]
    if masters:
        raise UsageError("return_is_master", name=masters[0].file)
    if skipped:
        files = "、".join(f"{s.file}（{s.label}）" if s.label else s.file for s in skipped[:5])
        if len(skipped) > 5:
            files += f"、ほか{len(skipped) - 5}件"
        raise UsageError("no_returns", path=named, files=files)
    raise UsageError("no_files", path=named)


def with_skipped(validation: Validation, found: Collection, paths: list[Path]) -> Validation:
    """The files left aside when collecting, put in the report; UsageError if none was a return."""
    validation.report.skipped[:0] = found.skipped
    if not validation.report.files:
        nothing_to_check([expand(p) for p in paths], validation.report.skipped)
    return validation


@gc_paused
def validate_paths_with_master(
    paths: list[Path],
    master_path: Path | None = None,
    *,
    year: int | None = None,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Validation:
    """Check returned workbooks (against the master, when given) without touching anything.

    `progress(done, total)` is called as files are checked.
    """
    from sorachi_etl.book.master_check import load_master
    from sorachi_etl.check.validate import validate_paths

    master = load_master(master_file(master_path), check=False) if master_path else None
    found = returned_files(paths)
    validation = validate_paths(
        found.files, master=master, year=year, password=password, progress=progress
    )
    return with_skipped(validation, found, paths)


def annotate_folder(out_dir: Path, paths: list[Path] | None = None) -> Path:
    """The folder `validate --annotate` writes into, checked before anything is read.

    A folder (or nothing yet) in an existing folder, writable, and not one of the
    folders of returns being checked (`paths`). UsageError otherwise.
    """
    out_dir = folder_to_write(out_dir, option="--annotate", example="返送用")
    if out_dir.exists():
        here = out_dir.resolve()
        for path in paths or []:
            path = expand(path)
            if path.is_dir() and path.resolve() == here:
                raise UsageError("annotate_into_returns", path=out_dir)
    return out_dir


@dataclass
class Annotations:
    """What `annotate_reports` wrote, and the faulty files it could make no copy of, with why."""

    written: list[Path]
    failed: dict[str, str]  # file name -> reason, in Japanese


def annotate_reports(validation: Validation, out_dir: Path) -> Annotations:
    """Annotated copies of every faulty (but readable) workbook, for mailing back.

    The folder is checked first (`annotate_folder`), and marked afterwards as the
    tool's own (`intake.files.mark_output`), so its copies are never read back as returns.
    A return saved as .xls or .ods gets an .xlsx copy (book.annotate.annotate_converted).
    A return with a table past its row cap gets none: a copy of tens of thousands of rows
    helps nobody, and the finding says what to do.
    """
    from sorachi_etl.book.annotate import (
        annotate_converted,
        annotate_workbook,
        distinct_annotated_name,
        is_converted,
    )
    from sorachi_etl.intake.files import mark_output
    from sorachi_etl.model.errors import SorachiError
    from sorachi_etl.model.messages import message

    out_dir = annotate_folder(out_dir)
    done = Annotations([], {})
    taken: set[str] = set()  # copies written by this run: one never replaces another
    for fr in validation.report.files:
        if fr.status not in ("invalid", "partial") or fr.file in validation.superseded:
            continue  # nothing to fix, or replaced by the reporter's newer return
        if any(f.code == "too_many_rows" for f in fr.findings):
            done.failed[fr.file] = message("annotate_too_many_rows")
            continue
        source = validation.paths.get(fr.file)
        if source is None:
            continue
        annotate = annotate_converted if is_converted(source) else annotate_workbook
        name = distinct_annotated_name(source, taken)
        try:
            done.written.append(annotate(source, fr, out_dir, name))
            taken.add(name)
        except SorachiError as exc:
            done.failed[fr.file] = str(exc)
        except PermissionError:
            done.failed[fr.file] = message("annotate_in_use")
        except Exception:  # a file openpyxl cannot open is still reported; just no copy
            done.failed[fr.file] = message("annotate_cannot_open")
    if done.written:
        mark_output(out_dir, "annotate", done.written)
    return done

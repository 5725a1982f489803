"""Timing of the reading stage (not a test): bare python-calamine vs read_workbook.

    python tests/bench_read.py [COPIES]

Writes a ~30 KB five-sheet survey-like workbook with openpyxl, copies it
COPIES times (200 by default) and reads every copy both ways.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import python_calamine

from sorachi_etl.intake.read import read_workbook


def make_workbook(path: Path) -> None:
    rng = random.Random(1)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for s in range(5):
        ws = wb.create_sheet(f"調査実績{s}")
        ws.append(["調査項目ID", "調査項目", "単位", "前年度実績", "実績値", "状態", "備考"])
        for r in range(80):
            note = "備考テキスト" * rng.randint(0, 3)
            ws.append(
                [
                    f"M{r:03}",
                    f"項目{r}",
                    "人",
                    rng.randint(0, 10**5),
                    rng.random() * 1e3,
                    "確定",
                    note,
                ]
            )
        ws["I2"] = "=SUM(D2:D81)"  # one formula, never calculated (openpyxl writes no value)
        ws["J2"] = dt.date(2024, 4, 1)
    wb.save(path)


def bare(paths: list[Path]) -> None:
    for path in paths:
        wb = python_calamine.CalamineWorkbook.from_path(path)
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def ours(paths: list[Path]) -> None:
    for path in paths:
        read_workbook(path)


def main(copies: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "book0.xlsx"
        make_workbook(first)
        paths = [first]
        for i in range(1, copies):
            paths.append(Path(tmp) / f"book{i}.xlsx")
            shutil.copy(first, paths[-1])
        print(f"{copies} copies of a {first.stat().st_size / 1024:.1f} KB workbook, 5 sheets")
        results = {}
        for _ in range(3):  # best of three, alternating
            for fn in (bare, ours):
                started = time.perf_counter()
                fn(paths)
                ms = (time.perf_counter() - started) * 1000 / copies
                results[fn.__name__] = min(ms, results.get(fn.__name__, ms))
        print(f"bare calamine : {results['bare']:.2f} ms/file")
        print(f"read_workbook : {results['ours']:.2f} ms/file")
        print(f"overhead      : {results['ours'] - results['bare']:.2f} ms/file")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

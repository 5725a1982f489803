"""The merge benchmark: `sorachi-etl merge` against a bare calamine read and a naive pandas script.

    python benchmarks/bench.py [--sizes 28,179,1741] [--runs 3] [--seed 1] [--data DIR]

For each number of reporters N it generates (once; reused from DIR after
that) a master and N filled survey workbooks with benchmarks/generate.py,
then times, as separate processes, side by side, run after run:

  merge    `sorachi-etl merge RETURNS --master M`, M a fresh copy of the master
  remerge  the same command again on M (a master holding every value, a longer log)
  status   `sorachi-etl status --master M` on that merged master
  floor    a bare python-calamine read: open each file, every sheet to_python()
  naive    pandas.read_excel(f, sheet_name=None) per file, then pd.concat per sheet

and prints the median wall time of each (the whole process, interpreter start
included), the time per workbook, the peak memory, the ratios merge/floor and
merge/naive, and whether the targets of issue #6 are met. It also times
`sorachi-etl --help` and `sorachi-etl status` on the sample master, and checks
that `status` imports none of pandas, pandera and openpyxl; it times
`sorachi-etl publish` on the sample master too, with and without the PDF.

Peak memory is measured two ways: "max RSS" is the largest resident size of
any one process of the run (os.wait4, which also covers the worker processes
it waited for); "tree MB" is the largest sum of the resident sizes of the
process and its workers, sampled every 20 ms from /proc. The sum counts the
pages the workers share with the parent after fork() once per process, so it
is an upper bound.

Before timing, sorachi_etl is byte-compiled where it is imported from, as
pip does when it installs it (see `compile_package`).

The naive pandas script takes minutes at N = 1,741, so by default it runs
once there (--naive-runs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # benchmarks/ is not a package: imported from its folder

FLOOR = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
for f in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
"""

NAIVE = """
import sys
from pathlib import Path
import pandas as pd
by_sheet = {}
for f in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    for name, df in pd.read_excel(f, sheet_name=None).items():
        by_sheet.setdefault(name, []).append(df.assign(file=f.name))
frames = {name: pd.concat(dfs, ignore_index=True) for name, dfs in by_sheet.items()}
"""

HEAVY = ("pandas", "pandera", "openpyxl")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4
IMPORTS = """
import sys
from sorachi_etl.cli import app
sys.argv = ["sorachi-etl", *sys.argv[1:]]
try:
    app()
except SystemExit:
    pass
print(",".join(m for m in HEAVY if m in sys.modules), file=sys.stderr)
""".replace("HEAVY", repr(HEAVY))

# Targets of issue #6.
MERGE_VS_FLOOR = 3.0
NAIVE_VS_MERGE = 8.0
PEAK_MB = 500
GROWTH = 1.5
HELP_S = 0.3
STATUS_S = 1.0
PUBLISH_S = 2.0  # publish of the sample, workbook and HTML (the PDF is LibreOffice's time)


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    tree_mb: float
    code: int


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(max(r.max_rss_mb, r.tree_mb) for r in self.runs)


# --- one process, timed and measured ----------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return out


def _memory_kb(pid: int) -> int:
    """Resident size of one process (/proc/PID/statm: cheap enough to read 50 times a second)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE_KB
    except (OSError, ValueError, IndexError):
        return 0


class _TreeSampler(threading.Thread):
    """The peak of the summed memory of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        if not os.path.exists("/proc/self/statm"):
            return
        while not self.done.wait(0.02):
            pids, todo = [], [self.pid]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo += _children(p)
            self.peak_kb = max(self.peak_kb, sum(_memory_kb(p) for p in pids))


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to the end: wall time, largest RSS (wait4) and sampled tree memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{stderr.decode(errors='replace')}")
    # ru_maxrss is in kilobytes on Linux
    return Run(seconds, usage.ru_maxrss / 1024, sampler.peak_kb / 1024, code)


def compile_package() -> None:
    """Byte-compile sorachi_etl where it is imported from, as `pip install` does.

    An editable install (`pip install -e .`, as developers use) leaves the
    package as source, and with PYTHONDONTWRITEBYTECODE set Python compiles
    every module again in every run: about 0.2 s of each merge that no
    installed copy pays (pip writes the bytecode when it installs). The
    benchmark times the tool as users get it.
    """
    compile_ = (
        "import compileall, pathlib, sorachi_etl;"
        "compileall.compile_dir(pathlib.Path(sorachi_etl.__file__).parent, quiet=1)"
    )
    subprocess.run([sys.executable, "-c", compile_], check=False)


def sorachi_command() -> list[str]:
    exe = shutil.which("sorachi-etl", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-c", "from sorachi_etl.cli import main; main()"]


# --- the benchmark ---------------------------------------------------------------------


def bench_size(
    n: int, runs: int, naive_runs: int, seed: int, data: Path, scratch: Path
) -> dict[str, Series]:
    made = generate(n, data / f"N{n}_seed{seed}", seed=seed)
    how = "reused" if made.cached else f"generated in {made.seconds:.1f} s"
    print(
        f"N = {n}: {len(made.files)} workbooks ({len(made.invalid)} invalid, "
        f"{len(made.messy)} messy but valid), {how}",
        flush=True,
    )
    cli = sorachi_command()
    series = {k: Series() for k in ("merge", "remerge", "status", "floor", "naive")}
    for i in range(runs):
        folder = scratch / f"N{n}_run{i}"
        folder.mkdir()
        master = folder / "master.xlsx"
        shutil.copy(made.master, master)
        merge = [*cli, "merge", str(made.returns), "--master", str(master)]
        series["merge"].runs.append(measure(merge))
        # the same files again, into the master they were merged into: nothing changes,
        # but the master now holds every value and a longer log
        series["remerge"].runs.append(measure(merge))
        series["status"].runs.append(measure([*cli, "status", "--master", str(master)]))
        series["floor"].runs.append(measure([sys.executable, "-c", FLOOR, str(made.returns)]))
        if i < naive_runs:
            series["naive"].runs.append(measure([sys.executable, "-c", NAIVE, str(made.returns)]))
        shutil.rmtree(folder)
    return series


@dataclass
class Commands:
    """The commands timed on the sample master."""

    help: Series
    status: Series
    heavy: str  # heavy modules `status` imported
    publish: Series  # publish --format xlsx,html
    pdf: Series  # publish --format pdf (empty without LibreOffice)


def bench_commands(scratch: Path, runs: int) -> Commands:
    from sorachi_etl.api import init_master

    master = scratch / "sample" / "master.xlsx"
    master.parent.mkdir(parents=True, exist_ok=True)  # init makes no missing folder
    init_master(master)
    cli = sorachi_command()
    help_ = Series([measure([*cli, "--help"]) for _ in range(runs)])
    status = Series([measure([*cli, "status", "--master", str(master)]) for _ in range(runs)])
    probe = subprocess.run(
        [sys.executable, "-c", IMPORTS, "status", "--master", str(master)],
        capture_output=True,
        text=True,
        check=False,
    )
    heavy = probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else ""
    out = scratch / "sample" / "報告書"
    publish = [*cli, "publish", "--master", str(master), "--out", str(out)]
    html = Series([measure([*publish, "--format", "xlsx,html"]) for _ in range(runs)])
    pdf = Series()
    if shutil.which("soffice") or shutil.which("libreoffice"):
        pdf.runs = [measure([*publish, "--format", "pdf"]) for _ in range(min(runs, 3))]
    return Commands(help_, status, heavy, html, pdf)


def _mb(x: float) -> str:
    return f"{x:,.0f}"


def report(results: dict[int, dict[str, Series]], commands: Commands) -> list[tuple[str, bool]]:
    help_, status, heavy = commands.help, commands.status, commands.heavy
    print()
    print(
        f"{'N':>6} {'command':<7} {'runs':>4} {'median s':>9} {'ms/workbook':>12} "
        f"{'max RSS MB':>11} {'tree MB':>8}"
    )
    for n, series in results.items():
        for kind, s in series.items():
            if not s.runs:
                continue
            runs = s.runs
            print(
                f"{n:>6} {kind:<7} {len(runs):>4} {s.median:>9.2f} {s.median / n * 1000:>12.2f} "
                f"{_mb(max(r.max_rss_mb for r in runs)):>11} {_mb(max(r.tree_mb for r in runs)):>8}"
            )
    print()
    print(f"{'N':>6} {'merge/floor':>12} {'naive/merge':>12}")
    for n, series in results.items():
        m, f, v = (
            series[k].median if series[k].runs else None for k in ("merge", "floor", "naive")
        )
        print(f"{n:>6} {m / f:>11.1f}x {(v / m if v else float('nan')):>11.1f}x")
    print()
    print(f"sorachi-etl --help: {help_.median:.2f} s (median of {len(help_.runs)})")
    print(
        f"sorachi-etl status (sample master): {status.median:.2f} s "
        f"(median of {len(status.runs)}); heavy modules imported: {heavy or 'none'}"
    )
    publish = commands.publish
    print(
        f"sorachi-etl publish --format xlsx,html (sample master): {publish.median:.2f} s "
        f"(median of {len(publish.runs)})"
    )
    if commands.pdf.runs:
        print(
            f"sorachi-etl publish --format pdf (LibreOffice): {commands.pdf.median:.2f} s "
            f"(median of {len(commands.pdf.runs)})"
        )

    checks: list[tuple[str, bool]] = []
    big = max(results)
    s = results[big]
    if s["floor"].runs:
        ratio = s["merge"].median / s["floor"].median
        checks.append(
            (
                f"N={big}: merge within {MERGE_VS_FLOOR:g}x the bare calamine read ({ratio:.1f}x)",
                ratio <= MERGE_VS_FLOOR,
            )
        )
    if s["naive"].runs:
        ratio = s["naive"].median / s["merge"].median
        checks.append(
            (
                f"N={big}: merge at least {NAIVE_VS_MERGE:g}x faster than naive pandas "
                f"({ratio:.1f}x)",
                ratio >= NAIVE_VS_MERGE,
            )
        )
    peak = s["merge"].peak_mb
    checks.append(
        (f"N={big}: merge peak memory under {PEAK_MB} MB ({peak:,.0f} MB)", peak < PEAK_MB)
    )
    small = min(results)
    if results[small]["naive"].runs:
        m, v = results[small]["merge"].median, results[small]["naive"].median
        checks.append(
            (
                f"N={small}: merge process faster than the naive pandas process "
                f"({m:.2f} s vs {v:.2f} s)",
                m < v,
            )
        )
    mid = sorted(results)[-2] if len(results) > 1 else None
    if mid is not None:
        per_big = s["merge"].median / big
        per_mid = results[mid]["merge"].median / mid
        checks.append(
            (
                f"time per workbook at N={big} within {GROWTH:g}x that at N={mid} "
                f"({per_big * 1000:.2f} ms vs {per_mid * 1000:.2f} ms, "
                f"{per_big / per_mid:.2f}x)",
                per_big <= GROWTH * per_mid,
            )
        )
    checks.append((f"--help under {HELP_S:g} s ({help_.median:.2f} s)", help_.median < HELP_S))
    checks.append(
        (f"status under {STATUS_S:g} s ({status.median:.2f} s)", status.median < STATUS_S)
    )
    checks.append(("status imports none of pandas, pandera, openpyxl", not heavy))
    checks.append(
        (
            f"publish without PDF under {PUBLISH_S:g} s ({publish.median:.2f} s)",
            publish.median < PUBLISH_S,
        )
    )
    print()
    for text, ok in checks:
        print(f"[{'ok' if ok else 'MISSED'}] {text}")
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="28,179,1741",
        help="numbers of reporters, comma-separated (default 28,179,1741)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument(
        "--naive-runs",
        type=int,
        default=1,
        help="runs of the naive pandas script at the largest N (default 1: it takes minutes)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(tempfile.gettempdir()) / "sorachi-etl-bench",
        help="where generated data sets are kept between runs",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(x) for x in args.sizes.split(","))
    started = time.perf_counter()
    compile_package()
    results: dict[int, dict[str, Series]] = {}
    with tempfile.TemporaryDirectory(prefix="sorachi-bench-") as tmp:
        scratch = Path(tmp)
        for n in sizes:
            naive = args.naive_runs if n == sizes[-1] and n > 200 else args.runs
            results[n] = bench_size(n, args.runs, naive, args.seed, args.data, scratch)
        commands = bench_commands(scratch, max(args.runs, 5))
    checks = report(results, commands)
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Generate a benchmark data set: a master for N reporters and their N filled survey workbooks.

    python benchmarks/generate.py N OUTDIR [--seed S] [--year R6] [--verify K]

Writes OUTDIR/master.xlsx (the sample catalog's projects, measures, KPIs and
published values, with N generated reporters: the bureau plus N-1
municipalities in the groups 空知 and 炭鉄港) and OUTDIR/returns/, one filled
survey workbook per reporter. About 10% of the workbooks are typed the messy
ways clerks type (full-width digits, thousands separators, unit suffixes,
集計中 in the value cell) and are still valid; about 1% have errors and must
be skipped by a merge. Everything is deterministic for a seed, and a second
run with the same N, seed and year reuses what is there (OUTDIR/generate.json).

Speed: making each workbook with openpyxl (`template.master_to_workbook`, then
`fill.fill_survey`) takes about 0.1 s, 3 minutes for 1,741 reporters. So one
workbook per kind of reporter (same groups, same measures) is made that way,
with marker text typed into every cell that differs between reporters, and the
N workbooks are made from it by replacing the markers in its XML, as openpyxl
would have written the values. `--verify K` makes K workbooks both ways and
compares every sheet's values (the smoke test does this too).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from sorachi_etl.model import domain
from sorachi_etl.model.eras import format_fiscal_year, parse_fiscal_year
from sorachi_etl.model.names import SURVEY_INITIATIVES
from sorachi_etl.model.rules import survey_rules

GENERATOR_VERSION = 1
STAMP = "generate.json"
BUREAU = "空知総合振興局"
MESSY_SHARE = 0.10
INVALID_SHARE = 0.01
INITIATIVE_SHARE = 0.05
MAX_INITIATIVES = 2
# A fixed time for the files and their ZIP entries, so that a seed gives the same bytes.
FILE_TIME = 1748000000  # 2025-05-23
ZIP_TIME = (2025, 5, 20, 9, 0, 0)

# Marker text typed into the prototype workbook: 〓R〓 is the reporter's name
# wherever it appears; a cell holding only 〓token〓 gets that token's value.
MARK = "〓"
REPORTER_MARK = f"{MARK}R{MARK}"
_MARKED_CELL = re.compile(
    r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t>〓(\w+)〓</t></is></c>'
)
_MODIFIED = re.compile(r"<dcterms:modified [^>]*>[^<]*</dcterms:modified>")

# Realistic-looking municipality names: two characters and a kind.
_FIRST = "北南東西上中新大小高美赤白青黒岩石川山森林桜松竹梅鶴亀浜沢野原田島富栄豊長幸本若緑旭朝日月星泉湯"
_SECOND = "山川田野原沢島浦岡崎井谷津瀬浜松森林尾部根本里宮城丘江台坂"
_KINDS = (("市", 0.15), ("町", 0.7), ("村", 0.15))


@dataclass
class Reporter:
    """One generated reporter and what it types into its workbook."""

    name: str
    values: dict[str, object]  # measure id -> typed value, or (value, status[, note])
    initiatives: list[dict[str, object]] = field(default_factory=list)
    info: dict[str, object] = field(default_factory=dict)
    messy: bool = False
    invalid: str = ""  # the kind of error typed, "" for a valid workbook


@dataclass
class Generated:
    """What `generate` made (or found already made) in `outdir`."""

    n: int
    seed: int
    year: int
    outdir: Path
    master: Path
    returns: Path
    files: list[str]
    invalid: list[str]
    messy: list[str]
    seconds: float = 0.0
    cached: bool = False

    @property
    def valid(self) -> list[str]:
        bad = set(self.invalid)
        return [f for f in self.files if f not in bad]


# --- the master ---------------------------------------------------------------------


def municipality_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct made-up names such as 北山町, in a seed-fixed order."""
    pool = [a + b for a in _FIRST for b in _SECOND if a != b]
    rng.shuffle(pool)
    names: list[str] = []
    seen: set[str] = set()
    kinds, weights = zip(*_KINDS, strict=True)
    i = 0
    while len(names) < count:
        stem = pool[i % len(pool)]
        kind = rng.choices(kinds, weights)[0]
        if i >= len(pool):  # past ~1,900 names: a third character keeps them distinct
            stem += _FIRST[(i // len(pool)) % len(_FIRST)]
        name = stem + kind
        if name not in seen:
            seen.add(name)
            names.append(name)
        i += 1
    return names


def bench_master(n: int, seed: int = 1) -> domain.Master:
    """The sample master's structure with `n` reporters: the bureau and n-1 municipalities.

    As in the sample (24 空知 + 3 炭鉄港-only + the bureau), about 8 in 9
    municipalities are in 空知 and the rest report for 炭鉄港 only; 3 in 8 of
    the 空知 ones are in 炭鉄港 too.
    """
    from sorachi_etl.model.sample import sample_master

    if n < 2:
        raise ValueError("n must be at least 2 (the bureau and one municipality)")
    rng = random.Random(f"master-{seed}")
    master = sample_master()
    bureau = next(r for r in master.reporters if r.name == BUREAU)
    count = n - 1
    outside = max(1, round(count * 3 / 27))
    names = municipality_names(count, rng)
    reporters = []
    for i, name in enumerate(names):
        if i < count - outside:
            groups = ["空知", "炭鉄港"] if rng.random() < 9 / 24 else ["空知"]
            area = "空知"
        else:
            groups, area = ["炭鉄港"], rng.choice(["胆振", "後志", "石狩", "上川"])
        reporters.append(domain.Reporter(name, groups, name[-1], area, "", ""))
    master.reporters = [*reporters, bureau]
    return master


def write_master(master: domain.Master, path: Path) -> None:
    """Write the master as `sorachi-etl init` does."""
    from sorachi_etl.api import render_master
    from sorachi_etl.book.master_write import append_log, save_atomic
    from sorachi_etl.kpi.aggregate import master_to_kpi_table

    wb = render_master(master, master_to_kpi_table(master))
    append_log(wb, [])
    save_atomic(wb, path, make_backup=False)


# --- what each reporter types ---------------------------------------------------------


def _figure(measure: str, rng: random.Random) -> float | int:
    """A plausible value of a municipality's measure."""
    if measure == "M01":  # 観光入込客数 (人)
        return int(
            min(8_000_000, max(10_000, rng.lognormvariate(math.log(300_000), 0.9))) // 1000 * 1000
        )
    if measure == "M02":  # 移住相談件数 (件)
        return rng.randint(0, 120)
    if measure == "M03":  # 認定こども園数 (カ所)
        return rng.randint(0, 4)
    if measure == "M04":  # 耕作面積 (ha), one decimal
        return round(rng.uniform(40, 20_000), 1)
    return rng.randint(0, 1000)


def _bureau_figures(rng: random.Random) -> dict[str, int]:
    graduates = rng.randint(400, 520)
    return {
        "M05": rng.randint(20_000, 30_000),
        "M06": graduates,
        "M07": int(graduates * rng.uniform(0.5, 0.65)),
    }


def _with_commas(value: float | int) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _full_width(text: str) -> str:
    return text.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))


_UNITS = {"M01": "人", "M02": "件", "M03": "カ所", "M04": "ha"}


def _messy(values: dict[str, object], rng: random.Random) -> None:
    """Type one or two values the ways clerks do; every one still reads as valid."""
    for mid in rng.sample(sorted(values), k=min(len(values), rng.choice((1, 2)))):
        value, _status = values[mid]
        how = rng.choice(("full_width", "commas", "unit", "pending", "spaces"))
        if how == "full_width":
            values[mid] = _full_width(_with_commas(value))
        elif how == "commas":
            values[mid] = (_with_commas(value), None)  # text, 状態 left blank
        elif how == "unit" and mid in _UNITS:
            values[mid] = _with_commas(value) + _UNITS[mid]
        elif how == "pending":
            values[mid] = ("集計中", None)
        else:
            values[mid] = (f" {_with_commas(value)} ", None, "速報値から更新")


# The errors a clerk makes, each caught by validation: the workbook must be skipped.
_FAULTS = ("negative", "words", "value_with_pending", "over_max", "date_outside_year")


def _fault(
    kind: str, values: dict[str, object], initiatives: list, year: int, project: str
) -> None:
    first = sorted(values)[0]
    if kind == "negative":
        values[first] = ("-1", "確定")
    elif kind == "words":
        values[first] = "45万5千くらい"
    elif kind == "value_with_pending":
        values[first] = (22, "集計中")
    elif kind == "over_max":
        values[first] = (99_999_999, "確定")
    else:
        initiatives.append(
            {
                "project": project,
                "title": "前年度のイベント",
                "implementers": "町",
                "start_date": f"{year - 1}/7/15",
                "summary": "前年度に実施したイベント。",
            }
        )


def _initiative(rng: random.Random, year: int, projects: list[str], i: int) -> dict[str, object]:
    month = rng.randint(4, 12)
    day = rng.randint(1, 28)
    return {
        "project": rng.choice(projects),
        "title": f"地域の魅力発信イベント{i + 1}",
        "implementers": rng.choice(("市", "町", "振興局,町", "協議会")),
        "start_date": f"{year}/{month}/{day}",
        "dates_text": f"令和{year - 2018}年{month}月{day}日",
        "venue": rng.choice(("札幌市", "岩見沢市", "東京都", "オンライン")),
        "summary": "地域の観光資源を紹介するイベントを開催し、来場者に情報を発信した。",
        "outcome_label": "参加者数（人）",
        "outcome_value": rng.randint(20, 2000),
    }


def plan_reporters(master: domain.Master, year: int, seed: int) -> list[Reporter]:
    """What every reporter of `master` types, deterministic for `seed`."""
    rng = random.Random(f"returns-{seed}")
    names = [r.name for r in master.survey_reporters]
    n = len(names)
    order = list(range(n))
    rng.shuffle(order)
    n_invalid = max(1, round(n * INVALID_SHARE))
    n_messy = max(1, round(n * MESSY_SHARE))
    invalid = {order[i]: _FAULTS[i % len(_FAULTS)] for i in range(n_invalid)}
    messy = set(order[n_invalid : n_invalid + n_messy])
    projects = [p.name for p in master.projects]
    out = []
    for i, name in enumerate(names):
        measures = [m.id for m in master.measures_for(name)]
        figures = _bureau_figures(rng) if name == BUREAU else {m: _figure(m, rng) for m in measures}
        values: dict[str, object] = {m: (figures[m], "確定") for m in measures}
        initiatives = []
        if rng.random() < INITIATIVE_SHARE:
            initiatives = [
                _initiative(rng, year, projects, k)
                for k in range(rng.randint(1, MAX_INITIATIVES - 1))
            ]
        if i in messy:
            _messy(values, rng)
        if i in invalid:
            _fault(invalid[i], values, initiatives, year, projects[0])
        info = {
            "department": rng.choice(("企画課", "総務企画課", "まちづくり推進課", "政策推進課")),
            "person": "（記入者）",
            "phone": f"01{rng.randint(10, 99)}-{rng.randint(10, 99)}-0000",
            "filled_on": f"{year + 1}/5/{rng.randint(1, 28)}",
        }
        out.append(Reporter(name, values, initiatives, info, i in messy, invalid.get(i, "")))
    return out


# --- the workbooks -------------------------------------------------------------------


def real_workbook(master: domain.Master, year: int, reporter: Reporter, path: Path) -> Path:
    """One workbook made the slow, reference way: template, then typed into with openpyxl."""
    from sorachi_etl.book.fill import fill_survey
    from sorachi_etl.book.template import master_to_workbook, save_workbook

    wb, _ = master_to_workbook(master, year, reporter.name)
    save_workbook(wb, path)
    return fill_survey(
        path, values=reporter.values, initiatives=reporter.initiatives, info=reporter.info
    )


class Prototype:
    """A survey workbook for one kind of reporter, with markers where reporters differ."""

    def __init__(
        self,
        master: domain.Master,
        year: int,
        groups: list[str],
        reporter: str | None,
        measures: list[str],
    ) -> None:
        """`reporter`: the one reporter of its kind (its name is kept), None for many."""
        self.measures = measures
        name = reporter or REPORTER_MARK
        if reporter is None:
            master = dataclasses.replace(
                master, reporters=[*master.reporters, domain.Reporter(REPORTER_MARK, groups)]
            )
        init_cols = [c.key for c in survey_rules()[SURVEY_INITIATIVES].columns if c.input]
        marks = Reporter(
            name,
            values={
                m: (f"{MARK}v{i}{MARK}", f"{MARK}s{i}{MARK}", f"{MARK}n{i}{MARK}")
                for i, m in enumerate(measures)
            },
            initiatives=[
                {k: f"{MARK}i{r}_{k}{MARK}" for k in init_cols} for r in range(MAX_INITIATIVES)
            ],
            info={
                k: f"{MARK}info_{k}{MARK}"
                for k in ("department", "person", "phone", "mail", "filled_on")
            },
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = real_workbook(master, year, marks, Path(tmp) / "prototype.xlsx")
            with zipfile.ZipFile(path) as z:
                self.members = [(i.filename, z.read(i)) for i in z.infolist()]
        self.reporter = reporter

    def render(self, reporter: Reporter) -> bytes:
        """The workbook `reporter` returns, as bytes of an .xlsx."""
        tokens: dict[str, object] = {}
        for i, mid in enumerate(self.measures):
            typed = reporter.values.get(mid)
            value, status, note = (
                (*typed, None, None)[:3] if isinstance(typed, tuple) else (typed, None, None)
            )
            tokens |= {f"v{i}": value, f"s{i}": status, f"n{i}": note}
        for r, row in enumerate(reporter.initiatives):
            for k, v in row.items():
                tokens[f"i{r}_{k}"] = v
        for k, v in reporter.info.items():
            tokens[f"info_{k}"] = v

        def cell(m: re.Match[str]) -> str:
            return _cell_xml(m[1], m[2], tokens.get(m[3]))

        out = []
        for name, data in self.members:
            if name.startswith("xl/worksheets/sheet") or name == "docProps/core.xml":
                text = data.decode("utf-8")
                if self.reporter is None:
                    text = text.replace(REPORTER_MARK, escape(reporter.name))
                if MARK in text:
                    text = _MARKED_CELL.sub(cell, text)
                if name == "docProps/core.xml":
                    text = _MODIFIED.sub(
                        '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-05-20T09:00:00Z'
                        "</dcterms:modified>",
                        text,
                    )
                data = text.encode("utf-8")
            out.append((name, data))
        return _zip(out)


def _cell_xml(ref: str, style: str, value: object) -> str:
    """A cell as openpyxl writes it (cell/_writer.py): empty, number or inline string."""
    if value is None or value == "":
        return f'<c r="{ref}"{style} t="n" />'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style} t="n"><v>{value:.16g}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text.strip() and text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def prototypes(master: domain.Master, year: int) -> Callable[[str], Prototype]:
    """A function giving each reporter's prototype, made once per kind of reporter."""
    made: dict[tuple[str, ...], Prototype] = {}
    by_groups: dict[tuple[str, ...], list[str]] = {}
    for r in master.reporters:
        by_groups.setdefault(tuple(r.groups), []).append(r.name)
    groups_of = {r.name: tuple(r.groups) for r in master.reporters}

    def get(name: str) -> Prototype:
        groups = groups_of[name]
        if groups not in made:
            members = by_groups[groups]
            made[groups] = Prototype(
                master,
                year,
                list(groups),
                members[0] if len(members) == 1 else None,
                [m.id for m in master.measures_for(name)],
            )
        return made[groups]

    return get


# --- the whole set --------------------------------------------------------------------


def generate(
    n: int, outdir: Path, *, seed: int = 1, year: int = 2024, force: bool = False
) -> Generated:
    """Write OUTDIR/master.xlsx and OUTDIR/returns/*.xlsx for `n` reporters (reused if there)."""
    from sorachi_etl.book.template import survey_file_name

    outdir = Path(outdir)
    stamp = outdir / STAMP
    key = {"version": GENERATOR_VERSION, "n": n, "seed": seed, "year": year}
    if not force and stamp.exists():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if {k: saved.get(k) for k in key} == key and _complete(outdir, saved["files"]):
            return Generated(
                n,
                seed,
                year,
                outdir,
                outdir / "master.xlsx",
                outdir / "returns",
                saved["files"],
                saved["invalid"],
                saved["messy"],
                cached=True,
            )
    start = time.perf_counter()
    outdir.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    returns = outdir / "returns"
    if returns.exists():
        shutil.rmtree(returns)
    returns.mkdir()
    for old in (outdir / "master.xlsx", outdir / "backup"):
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink(missing_ok=True)
    master = bench_master(n, seed)
    write_master(master, outdir / "master.xlsx")
    proto = prototypes(master, year)
    files, invalid, messy = [], [], []
    for reporter in plan_reporters(master, year, seed):
        name = survey_file_name(year, reporter.name)
        path = returns / name
        path.write_bytes(proto(reporter.name).render(reporter))
        os.utime(path, (FILE_TIME, FILE_TIME))
        files.append(name)
        if reporter.invalid:
            invalid.append(name)
        elif reporter.messy:
            messy.append(name)
    stamp.write_text(
        json.dumps(
            key | {"files": files, "invalid": invalid, "messy": messy}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    return Generated(
        n,
        seed,
        year,
        outdir,
        outdir / "master.xlsx",
        returns,
        files,
        invalid,
        messy,
        seconds=time.perf_counter() - start,
    )


def _complete(outdir: Path, files: list[str]) -> bool:
    returns = outdir / "returns"
    return (outdir / "master.xlsx").exists() and all((returns / f).exists() for f in files)


def _values_dump(path: Path) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {
        name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names
    }


def verify(n: int, seed: int = 1, year: int = 2024, count: int = 4) -> list[str]:
    """Make `count` workbooks both ways (openpyxl, and from the prototypes) and compare values.

    Picks an invalid, a messy, an initiative-carrying and the bureau's first.
    Returns the names of the reporters compared; raises AssertionError on a difference.
    """
    master = bench_master(n, seed)
    plan = plan_reporters(master, year, seed)
    chosen = [
        next((r for r in plan if test(r)), None)
        for test in (
            lambda r: r.invalid,
            lambda r: r.messy,
            lambda r: r.initiatives,
            lambda r: r.name == BUREAU,
        )
    ]
    chosen = list({r.name: r for r in [*chosen, *plan] if r is not None}.values())[:count]
    proto = prototypes(master, year)
    with tempfile.TemporaryDirectory() as tmp:
        for reporter in chosen:
            slow = real_workbook(master, year, reporter, Path(tmp) / "slow.xlsx")
            fast = Path(tmp) / "fast.xlsx"
            fast.write_bytes(proto(reporter.name).render(reporter))
            a, b = _values_dump(slow), _values_dump(fast)
            if a != b:
                diff = [name for name in a if a[name] != b.get(name)]
                raise AssertionError(f"{reporter.name}: sheets differ: {diff}")
    return [r.name for r in chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of reporters (the bureau included)")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", default="R6", help="fiscal year of the surveys (default R6)")
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    parser.add_argument(
        "--verify",
        type=int,
        default=0,
        metavar="K",
        help="also make K workbooks with openpyxl and compare their values",
    )
    args = parser.parse_args(argv)
    year = parse_fiscal_year(args.year)
    result = generate(args.n, args.outdir, seed=args.seed, year=year, force=args.force)
    how = "reused" if result.cached else f"made in {result.seconds:.1f} s"
    print(
        f"{len(result.files)} workbooks for {format_fiscal_year(year)} ({how}): "
        f"{len(result.messy)} messy but valid, {len(result.invalid)} invalid; "
        f"master {result.master}"
    )
    if args.verify:
        names = verify(args.n, args.seed, year, args.verify)
        print(f"verified against openpyxl: {'、'.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

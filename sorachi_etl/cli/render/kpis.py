"""The KPI list and its analysis, and how a merge changed them: for report, merge and demo."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from sorachi_etl.kpi.aggregate import KpiTable, format_rate, rate_band
from sorachi_etl.kpi.report_model import project_mark
from sorachi_etl.model.eras import format_fiscal_year, format_fiscal_year_long

BAND_STYLES = {"good": "bold green", "fair": "bold yellow", "low": "bold red"}


def kpi_table(table: KpiTable, width: int | None = None) -> Table:
    """The KPI list for a terminal: projects as ①…, years with no value at all left out.

    Given the console's `width`, the columns that do not fit are left out, the least
    needed first (基準値, then the years other than the actual year from the oldest,
    then 目標値), so that 進捗率 is never cut off; the caption says which.
    """
    shown = [
        y for y in table.years if y == table.actual_year or any(y in r.values for r in table.rows)
    ]
    spare: list[int | str] = [
        "基準値",
        *(y for y in shown if y < table.actual_year),
        *(y for y in shown if y > table.actual_year),
        "目標値",
    ]
    left_out: list[int | str] = []
    t = _kpi_table(table, shown, left_out)
    while width is not None and spare and _too_wide(t, width):
        left_out.append(spare.pop(0))
        t = _kpi_table(table, shown, left_out)
    return t


def _kpi_table(table: KpiTable, shown: list[int], left_out: list[int | str]) -> Table:
    """The KPI list with the years `shown`, but for the columns `left_out`."""
    years = [y for y in shown if y not in left_out]
    t = Table(
        title=f"{format_fiscal_year_long(table.report_year)} 評価指標（KPI）一覧"
        f"（実績年: {format_fiscal_year_long(table.actual_year)}）",
        caption=_caption(table, left_out),
        caption_justify="left",
        title_justify="left",
        show_lines=False,
    )
    t.add_column("評価指標（KPI）", overflow="fold", min_width=14)
    if "基準値" not in left_out:
        t.add_column("基準値", justify="right", overflow="fold")
    for y in years:
        t.add_column(format_fiscal_year(y), justify="right", overflow="fold")
    if "目標値" not in left_out:
        t.add_column("目標値", justify="right", overflow="fold")
    t.add_column("進捗率", justify="right", min_width=6, no_wrap=True)
    _add_kpi_rows(t, table, years, left_out)
    return t


def _caption(table: KpiTable, left_out: list[int | str]) -> Text:
    """The projects behind ①…, and which columns were left out for the width."""
    caption = [
        f"{project_mark(no)} {name}"
        for no, name in dict.fromkeys((r.project_no, r.project_name) for r in table.rows)
    ]
    if left_out:
        names = "".join(
            f"「{format_fiscal_year(c) if isinstance(c, int) else c}」" for c in left_out
        )
        caption.append(
            f"※画面の幅に合わせて{names}の列を省いています（画面を広げると表示します）。"
        )
    return Text("\n".join(caption))  # project names as typed, never read as markup


def _add_kpi_rows(t: Table, table: KpiTable, years: list[int], left_out: list[int | str]) -> None:
    """A row per KPI, a section per project: its mark on the first, 集計中 in yellow."""
    from sorachi_etl.kpi.formats import row_strings

    previous = None
    for row in table.rows:
        cells = row_strings(table, row)
        by_year = dict(zip(table.years, cells[3:-2], strict=True))
        if previous is not None and row.project_no != previous:
            t.add_section()
        label = (
            f"{project_mark(row.project_no)}{row.label}"
            if row.project_no != previous
            else f"　{row.label}"
        )
        previous = row.project_no
        base = [] if "基準値" in left_out else [cells[2].replace("（", "\n（")]
        target = [] if "目標値" in left_out else [cells[-2].replace("（", "\n（")]
        year_cells = [
            Text(by_year[y], style="yellow" if by_year[y].startswith("集計中") else "")
            for y in years
        ]
        t.add_row(
            Text(label),
            *base,
            *year_cells,
            *target,
            Text(cells[-1], style=BAND_STYLES.get(rate_band(row.rate), "dim")),
        )


def _too_wide(renderable: Table, width: int) -> bool:
    """Whether Rich would have to crop `renderable` at `width` columns."""
    import io

    from rich.cells import cell_len
    from rich.console import Console

    probe = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    probe.print(renderable, crop=False)
    return any(cell_len(line) > width for line in probe.file.getvalue().splitlines())


def analysis(table: KpiTable) -> Text:
    text = Text("分析・対応方向\n", style="bold")
    for line in table.analysis:
        text.append(f"・{line}\n")
    return text


def kpi_changes(changes) -> Table | Text:
    """How a merge changed each KPI's value and progress rate (or a line saying it did not)."""
    if not changes:
        return Text("評価指標の値・進捗率に変化はありません。")
    t = Table(title="評価指標の変化", title_justify="left")
    t.add_column("評価指標（年度）", overflow="fold")
    t.add_column("前", justify="right")
    t.add_column("後", justify="right")
    # the rates are of one actual year (that of the KPI list after the merge): said once
    years = {c.rate_year for c in changes if c.rate_year is not None}
    shown_year = f"（{format_fiscal_year(years.pop())}実績）" if len(years) == 1 else ""
    t.add_column(f"進捗率{shown_year}", justify="right")
    for c in changes:
        new_rate = format_rate(c.new_rate)
        if c.rate_year is not None and not shown_year and c.new_rate is not None:
            new_rate += f"（{format_fiscal_year(c.rate_year)}）"
        rate = (
            new_rate
            if c.old_rate is None or c.old_rate == c.new_rate
            else f"{format_rate(c.old_rate)} → {new_rate}"
        )
        label = f"{c.kpi.name}（{format_fiscal_year(c.year)}）"
        t.add_row(label, c.value_text(c.old), Text(c.value_text(c.new), style="bold"), rate)
    return t

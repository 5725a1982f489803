"""The lines of 分析・対応方向: drafted from the data, and staff's own (分析メモ), in one list.

`with_staff_lines` is pure: it takes the drafted lines (each tied to the KPI it
speaks of) and the master's 分析メモ, and returns what the KPI list sheet, the
terminal report and the publication print, each line saying whether it is a draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from sorachi_etl.model.domain import AnalysisNote, Kpi


@dataclass(frozen=True)
class AnalysisLine:
    """One line of 分析・対応方向."""

    text: str
    kpi: str | None = None  # the KPI's ID it speaks of; None: the list as a whole
    drafted: bool = True  # drafted from the data (False: staff's own words)


def _fold(text: str) -> str:
    from sorachi_etl.model.rules import fold_header

    return fold_header(text)


def note_kpi(note: AnalysisNote, kpis: list[Kpi]) -> str | None:
    """The ID of the KPI a note names (by ID or by name); None for a note on the whole."""
    if not note.kpi:
        return None
    typed = _fold(note.kpi)
    for kpi in kpis:
        if note.kpi == kpi.id or typed in (_fold(kpi.id), _fold(kpi.name)):
            return kpi.id
    return None


def notes_of_year(notes: list[AnalysisNote], year: int) -> list[AnalysisNote]:
    """The notes printed in the report of `year`, by 表示順 (blank last), then sheet order."""
    chosen = [(i, n) for i, n in enumerate(notes) if n.year == year and n.text.strip()]
    chosen.sort(key=lambda item: (item[1].order is None, item[1].order or 0, item[0]))
    return [n for _, n in chosen]


def with_staff_lines(
    drafted: list[AnalysisLine], notes: list[AnalysisNote], kpis: list[Kpi], year: int
) -> list[AnalysisLine]:
    """Drafted lines and the staff lines of report year `year`, in the order they print.

    - a staff line naming a KPI follows that KPI's drafted lines, or takes their
      place when it says 置き換える;
    - a staff line on the whole (no KPI) comes after the drafted lines; one that
      says 置き換える replaces every drafted line;
    - staff lines keep their 表示順 among themselves.
    """
    mine = notes_of_year(notes, year)
    if not mine:
        return list(drafted)
    staff = [(note_kpi(n, kpis), n) for n in mine]
    if any(k is None and n.replaces for k, n in staff):
        return [AnalysisLine(n.text.strip(), k, drafted=False) for k, n in staff]
    replaced = {k for k, n in staff if k is not None and n.replaces}
    placed: set[str] = set()
    out: list[AnalysisLine] = []

    def place(kpi: str) -> None:
        if kpi in placed:
            return
        placed.add(kpi)
        out.extend(AnalysisLine(n.text.strip(), k, drafted=False) for k, n in staff if k == kpi)

    for i, line in enumerate(drafted):
        if line.kpi is None or line.kpi not in replaced:
            out.append(line)
        last_of_kpi = i + 1 == len(drafted) or drafted[i + 1].kpi != line.kpi
        if line.kpi is not None and last_of_kpi:
            place(line.kpi)
    # lines on the whole, and lines of a KPI that has no drafted line
    out.extend(
        AnalysisLine(n.text.strip(), k, drafted=False)
        for k, n in staff
        if k is None or k not in placed
    )
    return out

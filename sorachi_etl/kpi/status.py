"""Who has sent their survey, who has not, and which values are still pending: as data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sorachi_etl.model.domain import LogEntry, Master, Measure, MeasureValue, Submission
from sorachi_etl.model.eras import format_fiscal_year_long
from sorachi_etl.model.findings import Finding
from sorachi_etl.model.messages import message, phrase
from sorachi_etl.model.names import (
    PART_INITIATIVES,
    PART_VALUES,
    REFUSAL_LABELS,
    RESULT_INVALID,
    RESULT_MERGED,
    RESULT_PARTIAL_INITIATIVES,
    RESULT_PARTIAL_VALUES,
    RESULT_SUPERSEDED,
    RESULT_UNCHANGED,
    RESULT_UNREADABLE,
    STATUS_PENDING,
    SUBMISSION_INVALID,
    SUBMISSION_MISSING,
    SUBMISSION_OK,
    SUBMISSION_PARTIAL,
)

OK_RESULTS = {RESULT_MERGED, RESULT_UNCHANGED}
# A partial result -> the part that was held back.
PARTIAL_RESULTS = {
    RESULT_PARTIAL_VALUES: PART_INITIATIVES,
    RESULT_PARTIAL_INITIATIVES: PART_VALUES,
}
IGNORED_RESULTS = {RESULT_SUPERSEDED}
_REFUSALS_BY_LABEL = {label: code for code, label in REFUSAL_LABELS.items()}


# --- 取込履歴 results, written by the merge and read back here --------------------------


def submission_result(sub: Submission, changed_rows: int) -> str:
    """The 取込履歴 result of a merged return: 取込, 変更なし, or 一部取込（…のみ）."""
    if not sub.initiatives_accepted:
        return RESULT_PARTIAL_VALUES
    if not sub.values_accepted:
        return RESULT_PARTIAL_INITIATIVES
    return RESULT_MERGED if changed_rows else RESULT_UNCHANGED


def held_back_note(sub: Submission) -> str:
    """What 取込履歴 says of a part held back: 「取組は修正が必要なため取り込んでいません。」."""
    held = [
        part
        for part, accepted in (
            (PART_VALUES, sub.values_accepted),
            (PART_INITIATIVES, sub.initiatives_accepted),
        )
        if not accepted
    ]
    return "".join(message("log_part_held_back", part=part) for part in held)


def unreadable_result(code: str | None) -> str:
    """読取不可（パスワード付き）: the result of a file that could not be read, with why."""
    label = REFUSAL_LABELS.get(code or "")
    return f"{RESULT_UNREADABLE}（{label}）" if label else RESULT_UNREADABLE


def refusal_of(result: str) -> str | None:
    """The catalogue code of why a file could not be read, from its 取込履歴 result.

    None for a result that is no refusal; "unreadable" for one written without a
    reason (by an earlier version).
    """
    if not result.startswith(RESULT_UNREADABLE):
        return None
    label = result[len(RESULT_UNREADABLE) :].strip().removeprefix("（").removesuffix("）")
    return _REFUSALS_BY_LABEL.get(label, "unreadable")


def _is_invalid(result: str) -> bool:
    return result == RESULT_INVALID or refusal_of(result) is not None


@dataclass
class ReporterStatus:
    reporter: str
    state: str  # 受付済 / 一部受付 / 要修正 / 未提出
    file: str = ""
    received_at: dt.datetime | None = None
    pending: list[str] = field(default_factory=list)  # measure names still 集計中
    missing: list[str] = field(default_factory=list)  # measure names with no row at all
    note: str = ""
    contact: str = ""
    # why the file last sent could not be read (a catalogue code), None when it could
    refusal: str | None = None
    held_back: list[str] = field(default_factory=list)  # parts of a 一部受付 return to fix

    @property
    def unreadable(self) -> bool:
        return self.refusal is not None

    @property
    def state_text(self) -> str:
        """The state as 提出状況 shows it: 一部受付（取組を要修正）, 要修正（読取不可）."""
        text = self.state
        if self.held_back:
            text += phrase("state_held_back", parts="・".join(self.held_back))
        if self.unreadable:
            text += phrase("state_unreadable")
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "reporter": self.reporter,
            "state": self.state,
            "file": self.file or None,
            "received_at": self.received_at.isoformat() if self.received_at else None,
            "pending": list(self.pending),
            "missing": list(self.missing),
            "note": self.note or None,
            "refusal": self.refusal,  # why the file last sent could not be read (a code)
            "held_back": list(self.held_back),
        }


@dataclass
class StatusReport:
    """Who has sent what for one survey year, and whom to write to (the bureau's contact)."""

    year: int
    deadline: dt.date | None
    rows: list[ReporterStatus]
    contact: str = ""  # the bureau's contact line for the reminder
    notices: list[Finding] = field(default_factory=list)  # 注意 of reading the master

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)

    def counts_line(self) -> str:
        """受付済 20／28　一部受付 1　要修正 2　未提出 5 (一部受付 only when there is one).

        Each count names a state as the table and 提出状況 show it: those who sent a return
        to be fixed are counted under 要修正, not among the 受付済.
        """
        partial = self.count(SUBMISSION_PARTIAL)
        counts = [phrase("status_submitted", done=self.count(SUBMISSION_OK), total=len(self.rows))]
        if partial:
            counts.append(f"{SUBMISSION_PARTIAL} {partial}")
        for state in (SUBMISSION_INVALID, SUBMISSION_MISSING):
            counts.append(f"{state} {self.count(state)}")
        return "\u3000".join(counts)

    def to_dict(self, today: dt.date | None = None) -> dict[str, object]:
        """What `status --json` prints: numbers and dates as data, years also as text."""
        from sorachi_etl.model.eras import format_fiscal_year

        return {
            "year": self.year,
            "year_text": format_fiscal_year(self.year),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "counts": {
                state: self.count(state)
                for state in (
                    SUBMISSION_OK,
                    SUBMISSION_PARTIAL,
                    SUBMISSION_INVALID,
                    SUBMISSION_MISSING,
                )
            },
            "rows": [r.to_dict() for r in self.rows],
            "reminder": reminder_text(self, today),
            "notices": [n.to_dict() for n in self.notices],
        }

    @property
    def to_chase(self) -> list[ReporterStatus]:
        """Reporters to write to: not sent, to be fixed (all or one part), or with pending values."""
        return [r for r in self.rows if r.state != SUBMISSION_OK or r.pending]


def survey_year(master: Master) -> int:
    """The year being collected: the latest with measure values, else the one after the KPI list's."""
    if master.measure_values:
        return max(v.year for v in master.measure_values)
    from sorachi_etl.kpi.aggregate import kpi_values, latest_year

    latest = latest_year(kpi_values(master)[0])
    return (latest + 1) if latest is not None else master.settings.plan_start


def master_to_status(master: Master, year: int | None = None) -> StatusReport:
    """Each survey reporter's state for `year` (default: `survey_year`), from 調査実績 and
    取込履歴, with the bureau's contact line for the reminder."""
    year = survey_year(master) if year is None else year
    # Grouped once by reporter (in sheet order), not scanned per reporter: O(N), not O(N²).
    values: dict[str, dict[str, MeasureValue]] = {}
    for v in master.measure_values:
        if v.year == year:
            values.setdefault(v.reporter, {})[v.measure] = v
    logs: dict[str, list[LogEntry]] = {}
    for e in master.log:
        if e.year in (year, None):
            logs.setdefault(e.reporter, []).append(e)
    rows = []
    for reporter in master.survey_reporters:
        row = _from_values(
            reporter.name, reporter.email, master.measures_for(reporter.name), values
        )
        _apply_log(row, logs.get(reporter.name, []))
        rows.append(row)
    s = master.settings
    contact = "　".join(
        x for x in (s.contact_department, s.contact_person, s.contact_phone, s.contact_mail) if x
    )
    return StatusReport(year, s.survey_deadline, rows, contact)


def _from_values(
    reporter: str, contact: str, measures: list[Measure], values: dict[str, dict[str, MeasureValue]]
) -> ReporterStatus:
    """A reporter's state by its values of the year: 受付済 with its newest file and
    what is pending or missing, or 未提出."""
    mine = values.get(reporter, {})
    row = ReporterStatus(reporter, SUBMISSION_MISSING, contact=contact)
    if mine:
        row.state = SUBMISSION_OK
        newest = max(mine.values(), key=lambda v: v.received_at or dt.datetime.min)
        row.file = newest.source_file
        row.received_at = max((v.received_at for v in mine.values() if v.received_at), default=None)
        row.pending = [
            m.name for m in measures if m.id in mine and mine[m.id].status == STATUS_PENDING
        ]
        row.missing = [m.name for m in measures if m.id not in mine]
    return row


def _apply_log(row: ReporterStatus, entries: list[LogEntry]) -> None:
    """The log decides: what happened in the reporter's latest run counts.

    A run that took one of the reporter's files is fine even if an old faulty copy
    lay beside it. A file that could not be read is still the reporter's answer:
    要修正, never 未提出.
    """
    log = [e for e in entries if e.result not in IGNORED_RESULTS]
    if not log:
        return
    latest = max(e.time for e in log)
    last_run = [e for e in log if e.time == latest]
    partial = [e for e in last_run if e.result in PARTIAL_RESULTS]
    bad = [e for e in last_run if _is_invalid(e.result)]
    if any(e.result in OK_RESULTS for e in last_run):
        return
    if partial:
        row.state = SUBMISSION_PARTIAL
        row.file, row.received_at = partial[-1].file, partial[-1].time
        row.held_back = [PARTIAL_RESULTS[partial[-1].result]]
        row.note = partial[-1].note
    elif bad:
        row.state = SUBMISSION_INVALID
        row.file, row.received_at, row.note = bad[-1].file, bad[-1].time, bad[-1].note
        row.refusal = refusal_of(bad[-1].result)


def reminder_text(status: StatusReport, today: dt.date | None = None) -> str:
    """A ready-to-send list of whom to chase and for what, in plain Japanese.

    Each situation has its own wording (catalogue codes remind_*): a return
    that could not be read is named and asked for again in the way its reason
    needs (only a password-protected one is asked to drop the password), a
    一部受付 return is asked only for the part held back, and a reporter who did
    send something is never told it has not.
    """
    d = status.deadline
    deadline = phrase("date_long", year=d.year, month=d.month, day=d.day) if d else ""
    lines = [message("reminder_title", year=format_fiscal_year_long(status.year)), ""]
    today = today or dt.date.today()
    overdue = d is not None and today > d
    if not status.rows:
        lines.append(phrase("reminder_item", text=message("reminder_no_reporters")))
    for r in status.to_chase:
        if r.state == SUBMISSION_MISSING:
            # no deadline in 設定: asked plainly, never 「提出期限（（期限未設定））までに」
            code = (
                "remind_missing_overdue"
                if overdue
                else "remind_missing"
                if d
                else "remind_missing_no_deadline"
            )
            what = message(code, deadline=deadline)
        elif r.state == SUBMISSION_INVALID and r.unreadable:
            what = message(
                f"remind_{r.refusal}", file=phrase("quoted", name=r.file) if r.file else ""
            )
        elif r.state == SUBMISSION_INVALID:
            what = message("remind_invalid")
        elif r.state == SUBMISSION_PARTIAL:
            part = r.held_back[0] if r.held_back else PART_INITIATIVES
            what = message(
                "remind_partial_initiatives"
                if part == PART_INITIATIVES
                else "remind_partial_values"
            )
            if r.pending:
                what += message("remind_pending", items="、".join(r.pending))
        else:
            what = message("remind_pending", items="、".join(r.pending))
        lines.append(phrase("reminder_line", reporter=r.reporter, what=what))
    if status.rows and len(lines) == 2:
        lines.append(phrase("reminder_item", text=message("reminder_none")))
    if status.contact:
        lines += ["", message("reminder_contact", contact=status.contact)]
    return "\n".join(lines)

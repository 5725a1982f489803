"""Who has sent their survey, who has not, and which values are still pending: as data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sorachi_etl.model.domain import LogEntry, Master, MeasureValue
from sorachi_etl.model.eras import format_fiscal_year_long
from sorachi_etl.model.names import (
    STATUS_PENDING,
    SUBMISSION_INVALID,
    SUBMISSION_MISSING,
    SUBMISSION_OK,
)

INVALID_RESULTS = {"要修正", "読取不可"}
OK_RESULTS = {"取込", "変更なし"}
IGNORED_RESULTS = {"不採用（新しい調査票あり）"}


@dataclass
class ReporterStatus:
    reporter: str
    state: str  # 受付済 / 要修正 / 未提出
    file: str = ""
    received_at: dt.datetime | None = None
    pending: list[str] = field(default_factory=list)  # measure names still 集計中
    missing: list[str] = field(default_factory=list)  # measure names with no row at all
    note: str = ""
    contact: str = ""
    unreadable: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "reporter": self.reporter,
            "state": self.state,
            "file": self.file or None,
            "received_at": self.received_at.isoformat() if self.received_at else None,
            "pending": list(self.pending),
            "missing": list(self.missing),
            "note": self.note or None,
        }


@dataclass
class StatusReport:
    """Who has sent what for one survey year, and whom to write to (the bureau's contact)."""

    year: int
    deadline: dt.date | None
    rows: list[ReporterStatus]
    contact: str = ""  # the bureau's contact line for the reminder

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)

    def to_dict(self, today: dt.date | None = None) -> dict[str, object]:
        """What `status --json` prints: numbers and dates as data, years also as text."""
        from sorachi_etl.model.eras import format_fiscal_year

        return {
            "year": self.year,
            "year_text": format_fiscal_year(self.year),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "counts": {
                state: self.count(state)
                for state in (SUBMISSION_OK, SUBMISSION_INVALID, SUBMISSION_MISSING)
            },
            "rows": [r.to_dict() for r in self.rows],
            "reminder": reminder_text(self, today),
        }

    @property
    def to_chase(self) -> list[ReporterStatus]:
        """Reporters to write to: not sent, to be fixed, or with pending values."""
        return [r for r in self.rows if r.state != SUBMISSION_OK or r.pending]


def survey_year(master: Master) -> int:
    """The year being collected: the latest with measure values, else the one after the KPI list's."""
    if master.measure_values:
        return max(v.year for v in master.measure_values)
    from sorachi_etl.kpi.aggregate import kpi_values, latest_year

    latest = latest_year(kpi_values(master)[0])
    return (latest + 1) if latest is not None else master.settings.plan_start


def master_to_status(master: Master, year: int | None = None) -> StatusReport:
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
        measures = master.measures_for(reporter.name)
        mine = values.get(reporter.name, {})
        row = ReporterStatus(reporter.name, SUBMISSION_MISSING, contact=reporter.email)
        if mine:
            row.state = SUBMISSION_OK
            newest = max(mine.values(), key=lambda v: v.received_at or dt.datetime.min)
            row.file = newest.source_file
            row.received_at = max(
                (v.received_at for v in mine.values() if v.received_at), default=None
            )
            row.pending = [
                m.name for m in measures if m.id in mine and mine[m.id].status == STATUS_PENDING
            ]
            row.missing = [m.name for m in measures if m.id not in mine]
        # The log decides: what happened in the reporter's latest run counts. A run that
        # took one of the reporter's files is fine even if an old faulty copy lay beside it.
        log = [e for e in logs.get(reporter.name, []) if e.result not in IGNORED_RESULTS]
        if log:
            latest = max(e.time for e in log)
            last_run = [e for e in log if e.time == latest]
            bad = [e for e in last_run if e.result in INVALID_RESULTS]
            if bad and not any(e.result in OK_RESULTS for e in last_run):
                row.state = SUBMISSION_INVALID
                row.file, row.received_at, row.note = bad[-1].file, bad[-1].time, bad[-1].note
                row.unreadable = bad[-1].result == "読取不可"
        rows.append(row)
    s = master.settings
    contact = "　".join(
        x for x in (s.contact_department, s.contact_person, s.contact_phone, s.contact_mail) if x
    )
    return StatusReport(year, s.survey_deadline, rows, contact)


def reminder_text(status: StatusReport, today: dt.date | None = None) -> str:
    """A ready-to-send list of whom to chase and for what, in plain Japanese."""
    year = format_fiscal_year_long(status.year)
    d = status.deadline
    deadline = f"{d.year}年{d.month}月{d.day}日" if d else "（期限未設定）"
    lines = [f"【{year} 調査票のご提出について（確認のお願い）】", ""]
    today = today or dt.date.today()
    overdue = d is not None and today > d
    if not status.rows:
        lines.append(
            "・報告者が登録されていません。マスタのシート「市町」と「調査項目」を確認してください。"
        )
    for r in status.to_chase:
        if r.state == SUBMISSION_MISSING:
            if overdue:
                what = f"調査票が未提出です。提出期限（{deadline}）を過ぎていますので、至急ご提出をお願いします。"
            else:
                what = f"調査票が未提出です。提出期限（{deadline}）までにご提出をお願いします。"
        elif r.state == SUBMISSION_INVALID and r.unreadable:
            what = (
                "ご提出のファイルを読み取れませんでした。お送りした調査票（.xlsx）に記入し、"
                "パスワードを付けずに送り直してください。"
            )
        elif r.state == SUBMISSION_INVALID:
            what = "ご提出の調査票に修正が必要な箇所があります。確認事項をお送りしますので、修正のうえ再提出をお願いします。"
        else:
            what = "次の項目が「集計中」です。確定しましたらご連絡ください: " + "、".join(r.pending)
        lines.append(f"・{r.reporter}　{what}")
    if status.rows and len(lines) == 2:
        lines.append("・すべての報告者から提出済みで、集計中の項目もありません。")
    if status.contact:
        lines += ["", f"問い合わせ先: {status.contact}"]
    return "\n".join(lines)

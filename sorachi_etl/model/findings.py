"""Findings are values: one problem in one place of one returned workbook, and reports of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from sorachi_etl.model.messages import ERROR, WARNING, Severity, message, severity

# ok: merged whole; partial: one part (values or initiatives) merged, the other held back;
# invalid: nothing merged, to be fixed; unreadable: could not be read at all.
FileStatus = Literal["ok", "partial", "invalid", "unreadable"]
# The parts of a return that are merged or held back on their own.
PARTS = ("values", "initiatives")


@dataclass(frozen=True)
class Finding:
    """One problem in one place of one returned workbook."""

    code: str
    message: str
    severity: Severity = ERROR
    file: str = ""
    reporter: str | None = None
    sheet: str | None = None
    cell: str | None = None
    item: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        del d["file"], d["reporter"]
        return {k: d[k] for k in ("severity", "code", "sheet", "cell", "item", "value", "message")}


def finding(
    code: str,
    *,
    file: str = "",
    reporter: str | None = None,
    sheet: str | None = None,
    cell: str | None = None,
    item: str | None = None,
    value: object = None,
    **extra: object,
) -> Finding:
    """Build a Finding whose message is filled from the catalogue."""
    where = f"{sheet}!{cell}" if sheet and cell else (f"シート「{sheet}」" if sheet else "")
    text = None if value is None else str(value)
    msg = message(
        code,
        where=where,
        value=_shortened(text) if text is not None else "",
        item=item or "",
        sheet=sheet or "",
        **({"reporter": reporter or ""} | extra),
    )
    return Finding(
        code=code,
        message=msg,
        severity=severity(code),
        file=file,
        reporter=reporter,
        sheet=sheet,
        cell=cell,
        item=item,
        value=text,
    )


# A value quoted in a message longer than this is cut (the finding keeps it whole).
_QUOTED_MOST = 60


def _shortened(text: str) -> str:
    if len(text) <= _QUOTED_MOST:
        return text
    return text[: _QUOTED_MOST - 10] + f"…（{len(text):,}文字）"


@dataclass
class FileReport:
    """What was found in one returned workbook."""

    file: str
    reporter: str | None = None
    status: FileStatus = "ok"
    findings: list[Finding] = field(default_factory=list)
    year: int | None = None
    sha256: str = ""
    held_back: list[str] = field(default_factory=list)  # parts (PARTS) not merged
    superseded: bool = False  # its reporter sent a newer return: not merged at all
    trace: str | None = None  # the traceback of an unexpected failure, for --debug

    @property
    def refusal(self) -> str | None:
        """Why an unreadable file could not be read: the catalogue code of its first error."""
        if self.status != "unreadable":
            return None
        return self.errors[0].code if self.errors else "unreadable"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "reporter": self.reporter,
            "status": self.status,
            "held_back": list(self.held_back),
            "superseded": self.superseded,
            "findings": [f.to_dict() for f in self.findings],
        }


# How many files a note names before "ほか N件".
NOTE_MOST = 12


def _named(name: str, label: str) -> str:
    return f"{name}（{label}）" if label else name


SkipReason = Literal["not_survey", "own_output", "own_folder"]


@dataclass(frozen=True)
class Skipped:
    """A file (or folder) found among the returns and not read as one, and why.

    reason: "not_survey" (a PDF, an image, a Word or text file, a master
    workbook), "own_output" (a file this tool wrote, unchanged since) or
    "own_folder" (a folder of the tool's output, known by its name). `kind` is a
    code ("pdf", "master", "annotate", ...), `label` says it in a clerk's words.
    """

    file: str
    reason: SkipReason
    kind: str = ""
    label: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "reason": self.reason, "kind": self.kind, "label": self.label}


@dataclass
class Report:
    """The result of checking a set of workbooks, and what was found beside them."""

    files: list[FileReport] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # not read as returns

    @property
    def valid(self) -> bool:
        return all(f.status == "ok" for f in self.files)

    def notes(self) -> list[str]:
        """The run's 注意 about what was not read: a line per reason, naming the files
        (the tool's own files by their folder)."""
        documents = [_named(s.file, s.label) for s in self.skipped if s.reason == "not_survey"]
        own: dict[tuple[str, str], int] = {}
        for s in self.skipped:
            if s.reason == "own_folder":
                own[(s.file, s.label)] = 0
            elif s.reason == "own_output":
                folder = s.file.replace("\\", "/").rpartition("/")[0] or "."
                own[(folder, s.label)] = own.get((folder, s.label), 0) + 1
        folders = [_named(f, f"{label} {n}件" if n else label) for (f, label), n in own.items()]
        out = []
        for code, names in (("skipped_not_survey", documents), ("skipped_own", folders)):
            if names:
                files = "、".join(names[:NOTE_MOST])
                if len(names) > NOTE_MOST:
                    files += f"、ほか{len(names) - NOTE_MOST}件"
                out.append(message(code, count=len(names), files=files))
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "files": [f.to_dict() for f in self.files],
            "skipped": [s.to_dict() for s in self.skipped],
            "notes": self.notes(),
        }

"""The exceptions that stop a run. Each carries a catalogue code and values, never a sentence.

`str(error)` is the Japanese message from `messages.CATALOGUE`, followed by the
lines of `details` (or of `findings`) when there are any. The CLI prints it and
exits with `exit_code`; tests assert `code`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sorachi_etl.model.messages import message

if TYPE_CHECKING:
    from sorachi_etl.model.findings import Finding

# How many lines of details a message lists before "ほか N件".
MOST_DETAILS = 20


class SorachiError(Exception):
    """Something that stops a run (exit 1: a problem in the data)."""

    exit_code = 1

    def __init__(
        self,
        code: str,
        /,
        *,
        details: Iterable[str] = (),
        findings: Iterable[Finding] = (),
        **values: object,
    ) -> None:
        self.code = code
        self.values = values
        self.findings = list(findings)
        self.details = list(details) or [f.message for f in self.findings]
        super().__init__(code)

    def __str__(self) -> str:
        values = {"count": len(self.details), **self.values}
        lines = [message(self.code, **values)]
        lines += [f"  ・{line}" for line in self.details[:MOST_DETAILS]]
        if len(self.details) > MOST_DETAILS:
            lines.append(f"  ・ほか{len(self.details) - MOST_DETAILS}件")
        return "\n".join(lines)

    def __reduce__(self):
        # rebuilt from its code and values when sent back from a worker process
        return (_rebuild, (type(self), self.code, self.values, self.details, self.findings))


def _rebuild(cls, code, values, details, findings):
    error = cls(code, details=details, findings=findings, **values)
    error.details = details
    return error


class UsageError(SorachiError):
    """Bad usage: a path that does not exist or is the wrong kind, a wrong option (exit 2)."""

    exit_code = 2


class MasterError(UsageError):
    """The master workbook cannot be used as it is: missing, open elsewhere, broken (exit 2)."""


class UnreadableWorkbook(SorachiError):
    """A returned file that cannot be read; reported as a finding on that file, not raised to the user."""
